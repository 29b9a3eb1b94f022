"""One Settings object read from the environment."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from crowd.proxies import parse_networks

DEV_SECRET = "dev-secret-change-me"  # noqa: S105 - used only when ENVIRONMENT=development is chosen
ENVIRONMENTS = ("development", "test", "production")


class SettingsError(RuntimeError):
    """Raised when the environment holds an unusable setting."""


@dataclass(frozen=True)
class Settings:
    """Every setting the app reads, with its environment variable and default.

    The table in docs/settings.md lists each field; a test fails when one is undocumented.
    """

    database_url: str = "sqlite:///crowd.db"
    secret_key: str = ""  # required unless ENVIRONMENT=development (which falls back to DEV_SECRET)
    # development | test | production. Unset means production: development must be chosen explicitly.
    environment: str = "production"
    pseudonym_key: str = ""  # keys export pseudonyms, apart from SECRET_KEY; exports need it in production
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "crowd@localhost"
    magic_link_minutes: int = 30
    session_days: int = 14  # a session ends this long after sign-in, however busy
    session_idle_minutes: int = 480  # and after this long without a request
    secure_cookies: bool = False
    hsts_seconds: int = 0  # Strict-Transport-Security max-age; set it (e.g. 31536000) once HTTPS works
    rate_limit_heavy: str = "30/minute"  # costly reads (similar ideas) per person or address
    rate_limit_storage: str = "memory://"
    rate_limit_signin: str = "10/minute"
    rate_limit_writes: str = "120/minute"
    rate_limits_enabled: bool = True
    # Anonymous answers per live event and address, and per declaration version and address (however many
    # cookies an address uses). A venue on one Wi-Fi address needs room: raise it for a big event.
    rate_limit_live: str = "300/hour"
    rate_limit_support: str = "20/day"
    # Load shedding (crowd/overload.py): requests in progress per process before a 503, and the longest
    # a request may wait for a thread or the write lock before it is refused (0: no limit).
    overload_max_requests: int = 400
    overload_queue_seconds: int = 10
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or networks); none by default.
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    admin_emails: tuple[str, ...] = field(default_factory=tuple)
    embeddings_enabled: bool = True
    worker_in_process: bool = True  # false when `crowd worker` runs as its own process
    data_dir: str = "."
    version_mail_batch: int = 50  # "a new version is out" mails the worker sends per step
    version_mail_per_minute: int = 60  # and at most this many in any minute
    accessibility_contact: str = ""  # email for other formats and accessibility problems (MAIL_FROM if empty)
    # Counts of fewer people than this are never shown: exports, the report, vote segments, opinion map.
    small_cell_threshold: int = 5
    # Opinion map: a statement is agreed by (or splits) the groups only with this many votes in each group.
    opinion_min_votes: int = 5
    # Read API: origins allowed to call it from a browser (CORS); none by default. And its rate limit.
    api_cors_origins: tuple[str, ...] = field(default_factory=tuple)
    rate_limit_api: str = "600/minute"
    # Staff single sign-on: a JSON list of OpenID Connect providers (crowd/services/people/sso.py).
    oidc_providers: str = ""

    @classmethod
    def from_env(
        cls, env: dict[str, str] | None = None, *, require_secret: bool = False, **overrides: object
    ) -> Settings:
        """Settings from the environment, checked. The secret is required where it is used: the app
        (``create_app`` checks it) and sign-in links; commands that neither serve nor sign anything
        (migrate, import, backup) run without SECRET_KEY. ``require_secret=True`` checks it here."""
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for name, f in cls.__dataclass_fields__.items():
            raw = env.get(name.upper())
            if raw is None:
                continue
            values[name] = _parse(name, raw, f.type)
        values.update(overrides)
        settings = cls(**values)
        settings.check(require_secret=require_secret)
        return settings

    def __post_init__(self) -> None:
        if self.environment == "development" and not self.secret_key:
            object.__setattr__(self, "secret_key", DEV_SECRET)

    def check(self, *, require_secret: bool = True) -> None:
        """Refuse to start with a guessable key: only an explicit ENVIRONMENT=development may run on
        the built-in development secret; anything else needs its own SECRET_KEY of 32+ characters
        (an anonymised export in production also needs its own PSEUDONYM_KEY: see pseudonym_secret)."""
        if self.environment not in ENVIRONMENTS:
            raise SettingsError(
                f"ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}, not {self.environment!r}."
            )
        try:
            parse_networks(self.trusted_proxies)
        except ValueError as error:
            raise SettingsError(str(error)) from error
        if self.environment == "development" or not require_secret:
            return
        if not self.secret_key or self.secret_key == DEV_SECRET:
            raise SettingsError(
                f"SECRET_KEY must be set to a long random value (ENVIRONMENT is {self.environment!r}; "
                "only ENVIRONMENT=development runs without one)."
            )
        if len(self.secret_key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters.")
        if self.pseudonym_key and (
            len(self.pseudonym_key) < 32 or hmac.compare_digest(self.pseudonym_key, self.secret_key)
        ):
            raise SettingsError("PSEUDONYM_KEY must be 32+ characters and differ from SECRET_KEY.")

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
