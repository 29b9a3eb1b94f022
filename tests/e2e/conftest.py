"""Browser tests: a live uvicorn server on a fresh SQLite file, Debian's chromium, axe-core checks."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import col, select

from crowd.db import Database
from crowd.devserver import free_port, launch, prepare_database
from crowd.models import OutboxMessage, Section, Workshop

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"  # test-results/ is emptied by pytest-playwright each run
CHROMIUM = "/usr/bin/chromium"
BLOCKING = {"serious", "critical"}
# how long a page, a click or a navigation may take before a browser test fails: Playwright's own default.
# A test waits for what a person would see, never for a time; 10 s once ran out on a loaded CI machine
# after the server had answered.
PAGE_TIMEOUT = 30_000  # ms


@dataclass
class LiveServer:
    url: str
    database_url: str

    @property
    def db(self) -> Database:
        return Database(self.database_url)


def mailed_link(live_server: LiveServer, email: str) -> str:
    """The newest sign-in link mailed to ``email`` (read from the outbox, as an admin would)."""
    database = live_server.db
    with database.read() as session:
        message = session.exec(
            select(OutboxMessage).where(OutboxMessage.to == email).order_by(col(OutboxMessage.id).desc())
        ).first()
    database.dispose()
    assert message is not None, f"no mail to {email}"
    return re.search(r"https?://\S+/auth/verify\?token=\S+", message.body).group(0)


def sign_in(where: Page | Browser, live_server: LiveServer, email: str, next_path: str = "") -> Page:
    """Sign in as a person does: ask for a link on the sign-in page, then follow the one mailed.

    Pass a Page to sign in there, or the Browser for a window of its own (each person their own cookies).
    """
    if isinstance(where, Page):
        page = where
    else:
        page = where.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.set_default_timeout(PAGE_TIMEOUT)
    page.goto(f"{live_server.url}/auth/sign-in" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    follow_mailed_link(page, mailed_link(live_server, email))
    return page


def follow_mailed_link(page: Page, link: str) -> None:
    """Open a mailed sign-in link and press its button (opening the link alone signs nobody in)."""
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """`python -m uvicorn crowd.app:from_env --factory` on a migrated, empty SQLite file."""
    folder = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{folder / 'crowd.db'}"
    prepare_database(database_url, folder / "crowd.db")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "e2e-secret-" + "x" * 40,
        "ADMIN_EMAILS": "admin@example.org",
        "RATE_LIMITS_ENABLED": "false",
        "ENVIRONMENT": "test",
        "EMBEDDINGS_ENABLED": "false",
        "BASE_URL": url,
        "DATA_DIR": str(folder),
    }
    server = launch(env, port=port, log_path=folder / "server.log", timeout=30)
    try:
        yield LiveServer(url=url, database_url=database_url)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Replaces pytest-base-url's fixture (deprecated under pytest 9): pages open on the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, headless; never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def seed_workshop(live_server):
    """An open workshop with three sections, made through the services on the server's database."""
    from tests.conftest import make_workshop

    database = live_server.db

    def make(title: str) -> tuple[Workshop, list[Section]]:
        return make_workshop(database, title=title)

    yield make
    database.dispose()


# The WCAG 2.2 level A and AA rules of axe-core (2.0, 2.1 and 2.2 success criteria).
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# 360 CSS px (a small phone), and 200% zoom of a 1280 x 800 window: the same layout as a 640 x 400 one.
SIZES = {"360 px": (360, 740), "200% zoom": (640, 400)}


def _axe_violations(page, impacts) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG22_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['impact']}: {v['id']} - {v['help']} ({len(v['nodes'])} nodes: "
        f"{', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
        if impacts is None or v.get("impact") in impacts
    ]


def settle_layout(page) -> None:
    """Wait (up to 3 s) for the NHS.UK header's script to fold its menu into "More" after a resize: until
    it has measured the page, a nav link can stick out over the white page (wrong contrast, sideways
    scroll). A page that never fits is left as it is, for the check that follows to report."""
    fits = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(fits, timeout=3000)


def check_accessibility(page, *, impacts=BLOCKING, sizes=True) -> None:
    """Run axe-core's WCAG 2.2 AA rules on the page as it is, then at 360 px wide and at 200% zoom
    (the viewport is put back afterwards); fail on violations of the given impacts (None: every one)."""
    problems = {"as shown": _axe_violations(page, impacts)}
    original = page.viewport_size
    if sizes:
        try:
            for name, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                settle_layout(page)
                problems[name] = _axe_violations(page, impacts)
        finally:
            if original:
                page.set_viewport_size(original)
    report = "\n".join(f"[{size}] {line}" for size, lines in problems.items() for line in lines)
    assert not report, f"axe-core (WCAG 2.2 AA) found problems on {page.url}:\n{report}"


def reflows_at_360(page) -> bool:
    """Whether the page fits 360 CSS px without scrolling sideways (WCAG 1.4.10 reflow)."""
    original = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    try:
        return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        if original:
            page.set_viewport_size(original)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
