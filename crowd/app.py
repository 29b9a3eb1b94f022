"""create_app(settings) -> Starlette: middleware and the one route table."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from crowd.db import Database
from crowd.overload import LoadShedMiddleware
from crowd.page_cache import PageCache
from crowd.proxies import TrustedProxyMiddleware
from crowd.security import PUBLIC, CSRFMiddleware, SecurityHeadersMiddleware, guard, make_limiter
from crowd.services.people import sso as sso_service
from crowd.sessions import SessionMiddleware
from crowd.settings import Settings
from crowd.templating import STATIC, make_templates
from crowd.user_cache import UserCache
from crowd.web import (
    activity,
    admin,
    api,
    api_tokens,
    auth,
    errors,
    hub,
    manage,
    moderation,
    polis_import,
    privacy,
    sso,
    voting,
    workshop,
)
from crowd.web import curation as curation_web
from crowd.web import declaration as declaration_web
from crowd.web import declaration_drafts as drafts_web
from crowd.web import easy_read as easy_read_web
from crowd.web import exports as exports_web
from crowd.web import foundations as foundations_web
from crowd.web import imports as imports_web
from crowd.web import live as live_web
from crowd.web import monitoring as monitoring_web
from crowd.web import opinions as opinions_web
from crowd.web import paper as paper_web
from crowd.web import participation as participation_web
from crowd.web import safeguarding as safeguarding_web
from crowd.web import signatories as signatories_web
from crowd.web import themes as themes_web

GET, POST = ["GET"], ["POST"]


@guard(PUBLIC)
def healthz(request: Request) -> Response:
    from sqlalchemy import text

    with request.app.state.db.read() as session:
        session.exec(text("SELECT 1"))
    return PlainTextResponse("ok")


ROUTES = [
    # First because it is the busiest: Starlette tries the routes in this order for every request.
    Route("/c/{contribution_id:int}/vote", workshop.vote, methods=POST),
    Route("/", workshop.home, methods=GET, name="home"),
    Route("/healthz", healthz, methods=GET),
    Route("/privacy", privacy.notice, methods=GET),
    Route("/accessibility", participation_web.accessibility, methods=GET),
    Route("/auth/sign-in", auth.sign_in_form, methods=GET),
    Route("/auth/sign-in", auth.request_link, methods=POST),
    Route("/auth/verify", auth.confirm, methods=GET),
    Route("/auth/verify", auth.verify, methods=POST),
    Route("/auth/sso/{name}", sso.start, methods=GET),
    Route("/auth/sso/{name}/callback", sso.callback, methods=GET),
    Route("/auth/sign-out", auth.sign_out_now, methods=POST),
    Route("/auth/sign-out-everywhere", auth.sign_out_everywhere, methods=POST),
    Route("/profile", auth.profile_form, methods=GET),
    Route("/profile", auth.save_profile, methods=POST),
    Route("/me", activity.my_activity, methods=GET),
    Route("/me/data", privacy.download, methods=GET),
    Route("/me/erase", privacy.erase_form, methods=GET),
    Route("/me/erase", privacy.erase, methods=POST),
    Route("/me/version-mail", participation_web.set_version_mail, methods=POST),
    Route("/me/monitoring", monitoring_web.form, methods=GET),
    Route("/me/monitoring", monitoring_web.save, methods=POST),
    Route("/manage/monitoring", monitoring_web.board, methods=GET),
    Route("/manage/monitoring.csv", monitoring_web.board_csv, methods=GET),
    Route("/manage/monitoring/reference", monitoring_web.save_reference, methods=POST),
    Route("/manage/monitoring/upload", monitoring_web.upload_reference, methods=POST),
    Route("/unsubscribe", participation_web.unsubscribe_form, methods=GET),
    Route("/unsubscribe", participation_web.unsubscribe, methods=POST),
    Route("/easy-read", participation_web.switch_easy_read, methods=GET),
    Route("/manage/easy-read", easy_read_web.overview, methods=GET),
    Route("/manage/easy-read/{target_type}/{target_id:int}", easy_read_web.edit, methods=GET),
    Route("/manage/easy-read/{target_type}/{target_id:int}", easy_read_web.save, methods=POST),
    Route("/c/{contribution_id:int}/edit", activity.edit_form, methods=GET),
    Route("/c/{contribution_id:int}/edit", activity.edit, methods=POST),
    Route("/c/{contribution_id:int}/withdraw", activity.withdraw, methods=POST),
    Route("/c/{contribution_id:int}/flag", workshop.flag, methods=POST),
    Route("/w/{slug}", workshop.workshop_page, methods=GET),
    Route("/w/{slug}/ideas", workshop.post_idea, methods=POST),
    Route("/w/{slug}/ideas/{idea_id:int}", workshop.idea_page, methods=GET),
    Route("/w/{slug}/ideas/{idea_id:int}/comments", workshop.post_comment, methods=POST),
    Route("/w/{slug}/poll", workshop.answer_poll, methods=POST),
    Route("/w/{slug}/one-at-a-time", voting.one_at_a_time, methods=GET),
    Route("/w/{slug}/one-at-a-time", voting.vote_one, methods=POST),
    Route("/manage/workshops", manage.workshop_list, methods=GET),
    Route("/manage/workshops/new", manage.new_workshop, methods=GET),
    Route("/manage/workshops/new", manage.create_workshop, methods=POST),
    Route("/manage/workshops/{workshop_id:int}", manage.edit_workshop, methods=GET),
    Route("/manage/workshops/{workshop_id:int}", manage.update_workshop, methods=POST),
    Route("/manage/workshops/{workshop_id:int}/sections", manage.save_section, methods=POST),
    Route("/manage/workshops/{workshop_id:int}/paper", paper_web.entry_form, methods=GET),
    Route("/manage/workshops/{workshop_id:int}/paper", paper_web.record, methods=POST),
    Route("/manage/workshops/{workshop_id:int}/paper-form.pdf", paper_web.response_form, methods=GET),
    Route("/manage/workshops/{workshop_id:int}/sections/{section_id:int}", manage.save_section, methods=POST),
    Route("/admin/outbox", admin.outbox, methods=GET),
    Route("/admin/users", admin.users, methods=GET),
    Route("/admin/users", admin.set_access, methods=POST),
    Route("/admin/audit", admin.audit_log, methods=GET),
    Route("/manage", hub.hub, methods=GET),
    Route("/moderation", moderation.queue, methods=GET),
    Route("/moderation/{contribution_id:int}", moderation.decide, methods=POST),
    Route("/safeguarding", safeguarding_web.queue, methods=GET),
    Route("/safeguarding/{case_id:int}", safeguarding_web.case_page, methods=GET),
    Route("/safeguarding/{case_id:int}", safeguarding_web.record, methods=POST),
    Route("/safeguarding/{case_id:int}/hide", safeguarding_web.hide, methods=POST),
    Route("/safeguarding/{case_id:int}/record.txt", safeguarding_web.record_text, methods=GET),
    Route("/admin/safeguarding", safeguarding_web.roles, methods=GET),
    Route("/admin/safeguarding", safeguarding_web.set_role, methods=POST),
    # streams
    Route("/api", api.docs_page, methods=GET),
    Route("/manage/polis", polis_import.polis_form, methods=GET),
    Route("/manage/polis", polis_import.polis_upload, methods=POST),
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
    # themes
    Route("/w/{slug}/similar", themes_web.similar, methods=GET),
    Route("/manage/workshops/{workshop_id:int}/themes", themes_web.theme_list, methods=GET),
    Route("/manage/workshops/{workshop_id:int}/themes/runs", themes_web.run_list, methods=GET),
    Route("/manage/workshops/{workshop_id:int}/themes/runs", themes_web.start_run, methods=POST),
    Route("/manage/workshops/{workshop_id:int}/themes/runs/{run_id:int}", themes_web.run_page, methods=GET),
    Route("/manage/themes/{theme_id:int}", themes_web.theme_page, methods=GET),
    # curation
    Route("/manage/workshops/{workshop_id:int}/themes/board", curation_web.board, methods=GET),
    Route("/manage/workshops/{workshop_id:int}/themes/merge", curation_web.merge, methods=POST),
    Route("/manage/workshops/{workshop_id:int}/themes/unthemed", curation_web.unthemed, methods=GET),
    Route("/manage/workshops/{workshop_id:int}/themes/unthemed", curation_web.move_unthemed, methods=POST),
    Route("/manage/themes/{theme_id:int}/curate", curation_web.theme_workspace, methods=GET),
    Route("/manage/themes/{theme_id:int}/rename", curation_web.rename, methods=POST),
    Route("/manage/themes/{theme_id:int}/marks", curation_web.marks, methods=POST),
    Route("/manage/themes/{theme_id:int}/split", curation_web.split, methods=POST),
    Route("/manage/themes/{theme_id:int}/move", curation_web.move, methods=POST),
    Route("/manage/themes/{theme_id:int}/pin", curation_web.pin, methods=POST),
    Route("/manage/themes/{theme_id:int}/group", curation_web.group, methods=POST),
    Route("/manage/themes/{theme_id:int}/promote", curation_web.promote, methods=POST),
    Route("/manage/candidates/{candidate_id:int}/promote", curation_web.promote_candidate, methods=POST),
    Route("/manage/curation/{action_id:int}/undo", curation_web.undo, methods=POST),
    Route("/foundations/{foundation_id:int}/themes", curation_web.foundation_themes, methods=GET),
    # opinions
    Route("/w/{slug}/opinions", opinions_web.opinion_map, methods=GET),
    Route("/w/{slug}/opinions/runs", opinions_web.start_run, methods=POST),
    Route("/w/{slug}/opinions/runs/{run_id:int}", opinions_web.run_status, methods=GET),
    Route("/w/{slug}/opinions/pin", opinions_web.pin, methods=POST),
    Route("/w/{slug}/opinions/statements", opinions_web.all_statements, methods=GET),
    # exports
    Route("/exports", exports_web.exports_page, methods=GET),
    Route("/exports/poster", exports_web.download_poster, methods=POST),
    Route("/exports/document", exports_web.download_document, methods=POST),
    Route("/exports/data", exports_web.download_data, methods=POST),
    Route("/exports/report", exports_web.report_page, methods=GET),
    Route("/exports/report", exports_web.download_report, methods=POST),
    Route("/exports/draft-poster", exports_web.draft_poster, methods=GET),
    Route("/exports/posters/{number:int}.{fmt}", exports_web.public_poster, methods=GET),
    # declaration
    Route("/foundations", foundations_web.foundation_list, methods=GET),
    Route("/foundations", foundations_web.create, methods=POST),
    Route("/foundations/{foundation_id:int}", foundations_web.edit, methods=GET),
    Route("/foundations/{foundation_id:int}", foundations_web.update, methods=POST),
    Route("/foundations/{foundation_id:int}/evidence", foundations_web.add_evidence, methods=POST),
    Route(
        "/foundations/{foundation_id:int}/evidence/{evidence_id:int}/remove",
        foundations_web.remove_evidence,
        methods=POST,
    ),
    Route("/foundations/{foundation_id:int}/outcomes/new", foundations_web.new_outcome, methods=GET),
    Route("/foundations/{foundation_id:int}/outcomes", foundations_web.save_outcome, methods=POST),
    Route(
        "/foundations/{foundation_id:int}/outcomes/{outcome_id:int}",
        foundations_web.edit_outcome,
        methods=GET,
    ),
    Route(
        "/foundations/{foundation_id:int}/outcomes/{outcome_id:int}",
        foundations_web.save_outcome,
        methods=POST,
    ),
    Route(
        "/foundations/{foundation_id:int}/outcomes/{outcome_id:int}/remove",
        foundations_web.remove_outcome,
        methods=POST,
    ),
    Route("/declaration/drafts", drafts_web.drafts, methods=GET),
    Route("/declaration/drafts/new", drafts_web.start, methods=POST),
    Route("/declaration/drafts/{draft_id:int}", drafts_web.save, methods=POST),
    Route("/declaration/drafts/{draft_id:int}/preview", drafts_web.preview, methods=GET),
    Route("/declaration/drafts/{draft_id:int}/publish", drafts_web.publish, methods=POST),
    Route("/declaration", declaration_web.latest, methods=GET),
    Route("/declaration/v/{number:int}", declaration_web.version_page, methods=GET),
    Route("/declaration/v/{number:int}/feedback", declaration_web.leave_feedback, methods=POST),
    Route("/declaration/v/{number:int}/support", declaration_web.answer_support, methods=POST),
    Route("/declaration/changes", declaration_web.changes, methods=GET),
    Route("/declaration/foundations/{slug}", declaration_web.foundation_page, methods=GET),
    Route("/declaration/signatories", signatories_web.signatory_list, methods=GET),
    Route("/declaration/v/{number:int}/sign", signatories_web.sign_form, methods=GET),
    Route("/declaration/v/{number:int}/sign", signatories_web.sign, methods=POST),
    Route("/declaration/signatories/{signatory_id:int}/assess", signatories_web.assess_form, methods=GET),
    Route("/declaration/signatories/{signatory_id:int}/claim", signatories_web.decide_claim, methods=POST),
    Route("/declaration/signatories/{signatory_id:int}/tokens", api_tokens.tokens_page, methods=GET),
    Route("/declaration/signatories/{signatory_id:int}/tokens", api_tokens.create, methods=POST),
    Route(
        "/declaration/signatories/{signatory_id:int}/tokens/{token_id:int}/revoke",
        api_tokens.revoke,
        methods=POST,
    ),
    Route("/declaration/v/{number:int}/assess", signatories_web.assess, methods=POST),
    Route("/declaration/benchmark", signatories_web.benchmark_page, methods=GET),
    Route("/declaration/benchmark.csv", signatories_web.benchmark_csv, methods=GET),
]


def _start_theme_worker(settings: Settings, db: Database):
    """Single-process set-up: embed, assign and run themes in a background thread (never in tests, and not
    when WORKER_IN_PROCESS is off because `crowd worker` runs as its own process)."""
    if not settings.embeddings_enabled or not settings.worker_in_process or settings.environment == "test":
        return None
    from crowd.worker import BackgroundWorker

    return BackgroundWorker(db, settings=settings).start()


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> Starlette:
    settings = settings or Settings.from_env()
    settings.check()  # also for Settings built in code: no app on a guessable key
    db = Database(settings.database_url, write_wait=settings.overload_queue_seconds)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        worker = _start_theme_worker(settings, db)
        yield
        if worker is not None:
            worker.stop()
        db.dispose()

    if migrate:
        db.migrate()
    middleware = [
        Middleware(LoadShedMiddleware, max_requests=settings.overload_max_requests),
        Middleware(TrustedProxyMiddleware, trusted=settings.trusted_proxies),
        Middleware(SecurityHeadersMiddleware, hsts_seconds=settings.hsts_seconds),
        Middleware(
            SessionMiddleware,
            secret_key=settings.secret_key,
            session_cookie="crowd_session",
            max_age=60 * min(settings.session_idle_minutes, settings.session_days * 1440),  # idle expiry
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
        Middleware(CSRFMiddleware, refuse=errors.csrf_refused),
    ]
    handlers = {**errors.HANDLERS, OperationalError: errors.server_error, Exception: errors.server_error}
    app = Starlette(
        routes=[
            *ROUTES,
            Mount("/api/v1", routes=api.API_ROUTES),
            Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        ],
        middleware=middleware,
        exception_handlers=handlers,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.templates = make_templates(auto_reload=settings.environment == "development")
    app.state.limiter = make_limiter(settings)
    app.state.users = UserCache()
    providers = sso_service.providers_from(settings.oidc_providers)
    app.state.sso_providers = {p.name: p for p in providers}
    app.state.oauth = sso.make_oauth(providers)
    app.state.pages = PageCache()  # what every visitor of a workshop sees alike (crowd/page_cache.py)
    return app


def from_env() -> Starlette:
    """The factory uvicorn calls in each worker: settings from the environment, schema already migrated."""
    app = create_app(Settings.from_env(), migrate=False)
    # Everything loaded by now (modules, templates, the route table) lives as long as the server:
    # leaving it out of the cyclic garbage collector's rounds cut a vote's CPU by a tenth.
    gc.collect()
    gc.freeze()
    return app
