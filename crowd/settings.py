"""One Settings object read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEV_SECRET = "dev-secret-change-me"  # noqa: S105 - refused outside development


class SettingsError(RuntimeError):
    """Raised when the environment holds an unusable setting."""


@dataclass(frozen=True)
class Settings:
    """Every setting the app reads, with its environment variable and default.

    The README's settings table lists each field; a test fails when one is undocumented.
    """

    database_url: str = "sqlite:///crowd.db"
    secret_key: str = DEV_SECRET
    environment: str = "development"  # development | test | production
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "crowd@localhost"
    magic_link_minutes: int = 30
    session_days: int = 14
    secure_cookies: bool = False
    rate_limit_storage: str = "memory://"
    rate_limit_signin: str = "10/minute"
    rate_limit_writes: str = "120/minute"
    rate_limits_enabled: bool = True
    admin_emails: tuple[str, ...] = field(default_factory=tuple)
    embeddings_enabled: bool = True
    worker_in_process: bool = True  # false when `crowd worker` runs as its own process
    data_dir: str = "."
    # Counts of fewer people than this are never shown: exports, the report, vote segments, opinion map.
    small_cell_threshold: int = 5

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for name, f in cls.__dataclass_fields__.items():
            raw = env.get(name.upper())
            if raw is None:
                continue
            values[name] = _parse(name, raw, f.type)
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise SettingsError("SECRET_KEY must be set to a long random value in production.")
        if self.environment == "production" and len(self.secret_key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters in production.")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)


def _parse(name: str, raw: str, kind: object) -> object:
    kind = str(kind)
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("bool"):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind.startswith("tuple"):
            return tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{name.upper()} has an invalid value: {raw!r}") from exc
    return raw
