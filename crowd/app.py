"""create_app(settings) -> Starlette: middleware and the one route table."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from crowd.db import Database
from crowd.security import PUBLIC, CSRFMiddleware, SecurityHeadersMiddleware, guard, make_limiter
from crowd.settings import Settings
from crowd.templating import STATIC, make_templates
from crowd.web import activity, admin, auth, errors, manage, privacy, workshop
from crowd.web import imports as imports_web
from crowd.web import live as live_web

GET, POST = ["GET"], ["POST"]


@guard(PUBLIC)
def healthz(request: Request) -> Response:
    from sqlalchemy import text

    with request.app.state.db.read() as session:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return PlainTextResponse("ok")


ROUTES = [
    Route("/", workshop.home, methods=GET, name="home"),
    Route("/healthz", healthz, methods=GET),
    Route("/privacy", privacy.notice, methods=GET),
    Route("/auth/sign-in", auth.sign_in_form, methods=GET),
    Route("/auth/sign-in", auth.request_link, methods=POST),
    Route("/auth/verify", auth.verify, methods=GET),
    Route("/auth/sign-out", auth.sign_out_now, methods=POST),
    Route("/profile", auth.profile_form, methods=GET),
    Route("/profile", auth.save_profile, methods=POST),
    Route("/me", activity.my_activity, methods=GET),
    Route("/me/data", privacy.download, methods=GET),
    Route("/me/erase", privacy.erase_form, methods=GET),
    Route("/me/erase", privacy.erase, methods=POST),
    Route("/c/{contribution_id:int}/edit", activity.edit_form, methods=GET),
    Route("/c/{contribution_id:int}/edit", activity.edit, methods=POST),
    Route("/c/{contribution_id:int}/withdraw", activity.withdraw, methods=POST),
    Route("/c/{contribution_id:int}/vote", workshop.vote, methods=POST),
    Route("/c/{contribution_id:int}/flag", workshop.flag, methods=POST),
    Route("/w/{slug}", workshop.workshop_page, methods=GET),
    Route("/w/{slug}/ideas", workshop.post_idea, methods=POST),
    Route("/w/{slug}/ideas/{idea_id:int}", workshop.idea_page, methods=GET),
    Route("/w/{slug}/ideas/{idea_id:int}/comments", workshop.post_comment, methods=POST),
    Route("/w/{slug}/poll", workshop.answer_poll, methods=POST),
    Route("/manage/workshops", manage.workshop_list, methods=GET),
    Route("/manage/workshops/new", manage.new_workshop, methods=GET),
    Route("/manage/workshops/new", manage.create_workshop, methods=POST),
    Route("/manage/workshops/{workshop_id:int}", manage.edit_workshop, methods=GET),
    Route("/manage/workshops/{workshop_id:int}", manage.update_workshop, methods=POST),
    Route("/manage/workshops/{workshop_id:int}/sections", manage.save_section, methods=POST),
    Route("/manage/workshops/{workshop_id:int}/sections/{section_id:int}", manage.save_section, methods=POST),
    Route("/admin/outbox", admin.outbox, methods=GET),
    Route("/admin/users", admin.users, methods=GET),
    Route("/admin/users", admin.set_access, methods=POST),
    Route("/admin/audit", admin.audit_log, methods=GET),
    # streams
    Route("/manage/imports", imports_web.upload_form, methods=GET),
    Route("/manage/imports", imports_web.upload, methods=POST),
    Route("/manage/imports/{batch_id:int}", imports_web.batch_page, methods=GET),
    Route("/manage/imports/{batch_id:int}/confirm", imports_web.confirm, methods=POST),
    Route("/manage/imports/{batch_id:int}/undo", imports_web.undo, methods=POST),
    Route("/manage/imports/{batch_id:int}/discard", imports_web.discard, methods=POST),
    Route("/manage/live", live_web.events, methods=GET),
    Route("/manage/live", live_web.create_event, methods=POST),
    Route("/manage/live/{event_id:int}", live_web.event_page, methods=GET),
    Route("/manage/live/{event_id:int}/questions", live_web.add_question, methods=POST),
    Route("/manage/live/{event_id:int}/open", live_web.open_question, methods=POST),
    Route("/live", live_web.join_form, methods=GET),
    Route("/live/{code}", live_web.attendee_page, methods=GET),
    Route("/live/{code}/answer", live_web.answer, methods=POST),
    Route("/live/{code}/present", live_web.present, methods=GET),
    Route("/live/{code}/results", live_web.results, methods=GET),
]


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> Starlette:
    settings = settings or Settings.from_env()
    db = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        db.dispose()

    if migrate:
        db.migrate()
    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="crowd_session",
            max_age=int(timedelta(days=settings.session_days).total_seconds()),
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
        Middleware(CSRFMiddleware),
    ]
    handlers = {**errors.HANDLERS, OperationalError: errors.server_error, Exception: errors.server_error}
    app = Starlette(
        routes=[*ROUTES, Mount("/static", StaticFiles(directory=str(STATIC)), name="static")],
        middleware=middleware,
        exception_handlers=handlers,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.templates = make_templates()
    app.state.limiter = make_limiter(settings)
    return app


def from_env() -> Starlette:
    """The factory uvicorn calls in each worker: settings from the environment, schema already migrated."""
    return create_app(Settings.from_env(), migrate=False)
