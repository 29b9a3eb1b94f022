"""Errors a person can cause and read: the web layer shows the message and changes nothing."""


class DomainError(Exception):
    """A refusal with a message meant for the person who caused it."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Unavailable(DomainError):
    """Something the app depends on (the mail server, say) is not answering; nothing was stored."""

    status_code = 503


class Conflict(DomainError):
    status_code = 409


class ValidationFailed(DomainError):
    """Several field errors at once: {field: message}."""

    status_code = 400

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
