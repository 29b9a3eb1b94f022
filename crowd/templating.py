"""Jinja2 set-up: autoescape on, the NHS.UK frontend macros, and helpers every template can use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from crowd.models import Access, CareRole, PollChoice, Stream, VoteChoice
from crowd.models._base import LONDON
from crowd.security import csrf_token, current_user
from crowd.services.boroughs import BOROUGHS
from crowd.services.declaration.snapshot import paragraphs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
NHSUK_VERSION = "10.6.1"
HTMX_VERSION = "2.0.11"


def _when(value: datetime | None) -> str:
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON).strftime("%-d %b %Y, %H:%M")


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _paragraphs(text: str | None, css: str = "") -> Markup:
    """Draft text as HTML paragraphs: a blank line starts a new one, a single line break is a space.
    The same rule as the exports (exports.text.paragraphs); every part is escaped."""
    attrs = Markup(' class="%s"') % css if css else Markup("")
    return Markup("").join(Markup("<p%s>%s</p>") % (attrs, part) for part in paragraphs(text))


def easy_read_on(request: Request) -> bool:
    """Whether this visitor chose Easy Read (remembered in their session)."""
    return "session" in request.scope and bool(request.session.get("easy_read"))


def make_templates(*, auto_reload: bool = True) -> Jinja2Templates:
    """Templates; `auto_reload` re-reads changed files (development): off, no file is checked per render."""
    env = Environment(
        auto_reload=auto_reload,
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        nhsuk=f"/static/nhsuk-frontend-{NHSUK_VERSION}",
        htmx=f"/static/htmx-{HTMX_VERSION}.min.js",
        csrf_token=csrf_token,
        easy_read_on=easy_read_on,
        current_user=current_user,
        BOROUGHS=BOROUGHS,
        Access=Access,
        CareRole=CareRole,
        VoteChoice=VoteChoice,
        PollChoice=PollChoice,
        Stream=Stream,
    )
    env.filters.update(when=_when, pct=_pct, paragraphs=_paragraphs)
    # vote_widget(id, agree, disagree, passed, mine, open, token, path): all but mine and open filled in
    env.globals["filled_vote_widget"] = FilledMacro(
        env, "macros/votes.html", "vote_widget", (0, 1, 2, 3, 6, 7)
    )
    return Jinja2Templates(env=env)


def flash(request: Request, message: str, kind: str = "success") -> None:
    request.session.setdefault("flash", []).append({"message": message, "kind": kind})


def pop_flashes(request: Request) -> list[dict[str, str]]:
    return request.session.pop("flash", []) if "session" in request.scope else []


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200):
    templates: Jinja2Templates = request.app.state.templates
    context = dict(context or {})
    context.setdefault("flashes", pop_flashes(request))
    context.setdefault("user", current_user(request))
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def render_macro(request: Request, template: str, macro: str, *args, status_code: int = 200) -> HTMLResponse:
    """An htmx partial that is one macro call (e.g. the vote widget), rendered by calling the macro on
    its template's module: no page context is built or copied, and pending flash messages are left for
    the next full page. For a vote, `render` cost about as much CPU as the write (bench/requests.py).
    A macro registered with `FilledMacro` (the vote widget) is filled in instead of rendered."""
    templates: Jinja2Templates = request.app.state.templates
    filled = templates.env.globals.get(f"filled_{macro}")
    if isinstance(filled, FilledMacro) and filled.template == template:
        return HTMLResponse(str(filled(*args)), status_code=status_code)
    return HTMLResponse(str(getattr(macros(request, template), macro)(*args)), status_code=status_code)


class FilledMacro:
    """A macro rendered once per shape, then filled in: for the vote widget on every card of a page and
    in every vote's answer, where Jinja's rendering (two dozen escapes and a loop) was a sixth of a
    vote's CPU.

    `filled` names the arguments (by position) that the macro only prints, escaped, or tests for
    truth, never compares or transforms (ids, counts, the CSRF token). The first call with a new shape
    (the other arguments' values, and each filled argument that is false: 0 or '' are rendered as they
    are) renders the macro once with a marker in each filled argument's place and keeps the output cut
    at the markers; each call then joins the pieces with its own values, escaped as Jinja escapes
    them. The output is the macro's own, character for character (tests/web/test_vote_widget_fill.py).
    With templates reloaded on change (development) it calls the macro every time.
    """

    def __init__(self, env: Environment, template: str, macro: str, filled: tuple[int, ...]) -> None:
        self.env, self.template, self.macro, self.filled = env, template, macro, frozenset(filled)
        self._shapes: dict[tuple, list[str | int]] = {}

    def _call(self, *args):
        return getattr(self.env.get_template(self.template).module, self.macro)(*args)

    def __call__(self, *args) -> Markup:
        if self.env.auto_reload:
            return self._call(*args)
        key = tuple(_FILL if i in self.filled and a else a for i, a in enumerate(args))
        pieces = self._shapes.get(key)
        if pieces is None:
            pieces = self._shapes[key] = self._shape(args)
        # the pieces are the macro's own rendered output; every value put between them is escaped
        return Markup("".join(p if isinstance(p, str) else escape(args[p]) for p in pieces))  # noqa: S704

    def _shape(self, args: tuple) -> list[str | int]:
        marked = [f"\x00{i}\x00" if i in self.filled and a else a for i, a in enumerate(args)]
        parts = str(self._call(*marked)).split("\x00")
        # literal, index, literal, index, ...: the odd parts are the markers' argument positions
        return [part if n % 2 == 0 else int(part) for n, part in enumerate(parts)]


_FILL = object()  # a filled argument's place in a shape's key (its value is not part of the shape)


def macros(request: Request, template: str):
    """A template's macros, to call from Python (its module: each macro an attribute)."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.env.get_template(template).module


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
