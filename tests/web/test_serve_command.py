"""`crowd serve` logs a line per request only when asked (--access-log): the log costs every request CPU."""

import uvicorn

from crowd import cli


def serve_options(monkeypatch, settings, *argv: str) -> dict:
    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setattr(cli, "_database", lambda settings: type("D", (), {"dispose": lambda self: None})())
    args = cli.parser().parse_args(["serve", *argv])
    cli.cmd_serve(args, settings)
    return seen


def test_serve_has_no_access_log_unless_asked(monkeypatch, settings):
    assert serve_options(monkeypatch, settings)["access_log"] is False
    assert serve_options(monkeypatch, settings, "--access-log")["access_log"] is True
    assert serve_options(monkeypatch, settings, "--workers", "2")["workers"] == 2
