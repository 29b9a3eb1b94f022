"""Error pages: every refusal a person can cause gets a readable page, never a stack trace."""

from __future__ import annotations

from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from crowd import overload
from crowd.security import AccessDenied, RateLimited
from crowd.services.errors import DomainError
from crowd.templating import is_htmx, render

TITLES = {
    400: "There is a problem",
    403: "You cannot do that",
    404: "Page not found",
    405: "That is not allowed here",
    409: "Someone else changed this first",
    413: "That upload is too large",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
    503: "The service is busy",
}


def error_page(request: Request, status: int, title: str | None = None, message: str = "") -> Response:
    if is_htmx(request):
        response = render(request, "partials/error_message.html", {"message": message}, status_code=status)
        response.headers["HX-Reswap"] = "none" if status >= 500 else "innerHTML"
        response.headers["HX-Retarget"] = "#htmx-errors"
        return response
    context = {
        "title": title or TITLES.get(status, "There is a problem"),
        "message": message,
        "status": status,
    }
    return render(request, "error.html", context, status_code=status)


def csrf_refused(request: Request) -> Response:
    """The page CSRFMiddleware answers with when a form's token is missing or wrong."""
    message = "Your form has expired or came from another site. Go back, reload the page and try again."
    return error_page(request, 403, "This form could not be sent", message)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_page(request, exc.status_code, message=exc.message)


async def access_denied(request: Request, exc: Exception) -> Response:
    return error_page(request, 403, message=str(exc))


async def rate_limited(request: Request, exc: Exception) -> Response:
    response = error_page(
        request,
        429,
        message="You are doing that too often. Wait a minute, then try again. Nothing you sent was lost.",
    )
    response.headers["Retry-After"] = "60"
    return response


async def busy(request: Request, exc: Exception) -> Response:
    """A request that could not start in time (crowd/overload.py): nothing of it was saved."""
    response = error_page(request, 503, message=overload.MESSAGE)
    response.headers["Retry-After"] = overload.RETRY_AFTER
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "Check the address, or go back to the home page.", 405: "Go back and try again."}
    return error_page(
        request,
        exc.status_code,
        message=messages.get(exc.status_code, exc.detail),
    )


async def server_error(request: Request, exc: Exception) -> Response:
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        response = error_page(
            request, 503, message="The service is busy or its database is unavailable. Try again in a minute."
        )
        response.headers["Retry-After"] = "30"
        return response
    return error_page(request, 500, message="Try again later. What you sent may not have been saved.")


async def unusable_value(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (a number past 64 bits, a NUL byte on PostgreSQL): refused, and the
    write transaction that met it rolled back, so nothing is stored."""
    return error_page(
        request, 400, message="Something you sent is out of range or not valid. Check it and try again."
    )


HANDLERS = {
    OverflowError: unusable_value,
    DataError: unusable_value,
    DomainError: domain_error,
    AccessDenied: access_denied,
    RateLimited: rate_limited,
    overload.Busy: busy,
    HTTPException: http_error,
}
