"""Staff sign in with their organisation's account, against a real OpenID Connect provider.

The provider is panva's oidc-provider (npm, certified by the OpenID Foundation) run by node on 127.0.0.1,
with its development sign-in pages: any login and password are accepted, and the login is the email.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from crowd.devserver import free_port, launch, prepare_database
from crowd.models import Access, AuditEntry, Participant
from tests.e2e.conftest import LiveServer, check_accessibility

pytestmark = pytest.mark.e2e

OIDC = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID, CLIENT_SECRET = "crowd-test", "crowd-test-secret-" + "y" * 20


@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    """(crowd's live server, the provider's issuer) with two providers configured: the real one, and
    the same provider under an issuer name that its tokens do not carry."""
    node = shutil.which("node")
    assert node and (OIDC / "node_modules" / "oidc-provider").is_dir(), (
        "the test OpenID provider is not installed: run scripts/setup.sh --dev (npm ci in tests/oidc)"
    )
    folder = tmp_path_factory.mktemp("sso")
    port, idp_port = free_port(), free_port()
    url, issuer = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{idp_port}"
    callbacks = ",".join(f"{url}/auth/sso/{name}/callback" for name in ("test-nhs", "wrong-issuer"))
    env = {
        "PORT": str(idp_port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": callbacks,
    }
    log = (folder / "idp.log").open("wb")
    provider = subprocess.Popen([node, str(OIDC / "provider.mjs")], cwd=OIDC, env={"PATH": "/usr/bin:/bin", **env},
                                stdout=log, stderr=log)  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline and provider.poll() is None, (folder / "idp.log").read_text()
        time.sleep(0.2)
    common = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "domains": ["nhs.test"],
              "access": {"leads.nhs.test": "lead"}}  # fmt: skip
    providers = [
        {"name": "test-nhs", "label": "Test NHS", "issuer": issuer, **common},
        {"name": "wrong-issuer", "label": "Impostor", "issuer": f"http://localhost:{idp_port}", **common},
    ]
    database_url = f"sqlite:///{folder / 'crowd.db'}"
    prepare_database(database_url, folder / "crowd.db")
    server = launch(
        {"DATABASE_URL": database_url, "SECRET_KEY": "sso-secret-" + "x" * 40, "ENVIRONMENT": "test",
         "RATE_LIMITS_ENABLED": "false", "EMBEDDINGS_ENABLED": "false", "BASE_URL": url, "DATA_DIR": str(folder),
         "OIDC_PROVIDERS": json.dumps(providers)},
        port=port, log_path=folder / "server.log", timeout=30,
    )  # fmt: skip
    try:
        yield LiveServer(url=url, database_url=database_url), issuer, folder / "server.log"
    finally:
        server.terminate()
        provider.terminate()
        server.wait(timeout=10)
        provider.wait(timeout=10)
        log.close()


def _sign_in_at_provider(page, login: str) -> None:
    """The provider's own pages: its login form (any password), then its consent prompt."""
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    if page.locator("button[autofocus], button[type=submit]").count() and "/interaction/" in page.url:
        page.click("button[type=submit]")  # "Continue": consent to share email and profile


def _people(server: LiveServer, email: str) -> list[Participant]:
    database = server.db
    with database.read() as session:
        found = list(session.exec(select(Participant).where(Participant.email == email)))
    database.dispose()
    return found


def test_staff_member_signs_in_with_the_organisation_account_then_completes_the_profile(page, sso):
    server, issuer, _ = sso
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{server.url}/auth/sign-in?next=/me")
    check_accessibility(page)
    page.click("text=Sign in with Test NHS")
    assert page.url.startswith(issuer), page.url  # at the provider now
    _sign_in_at_provider(page, "alex.jones@nhs.test")
    expect(page).to_have_url(re.compile(r"/profile\?next=/me"))
    expect(page.locator("h1")).to_have_text("About you")  # a new account completes its profile as today
    assert [p.access for p in _people(server, "alex.jones@nhs.test")] == [Access.PARTICIPANT]
    # signing in again later reaches the same account, without a second one
    page.context.clear_cookies()
    page.goto(f"{server.url}/auth/sso/test-nhs")
    _sign_in_at_provider(page, "alex.jones@nhs.test")
    expect(page).to_have_url(re.compile(r"/profile"))
    assert len(_people(server, "alex.jones@nhs.test")) == 1


def test_the_request_to_the_provider_carries_pkce_state_and_nonce(sso):
    server, issuer, _ = sso
    first = httpx.get(f"{server.url}/auth/sso/test-nhs", follow_redirects=False)
    second = httpx.get(f"{server.url}/auth/sso/test-nhs", follow_redirects=False)
    assert first.status_code == 302 and first.headers["location"].startswith(f"{issuer}/auth?")
    query = {k: v[0] for k, v in parse_qs(urlparse(first.headers["location"]).query).items()}
    again = {k: v[0] for k, v in parse_qs(urlparse(second.headers["location"]).query).items()}
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert query["response_type"] == "code" and "openid" in query["scope"].split()
    for name in ("state", "nonce", "code_challenge"):  # fresh for every sign-in
        assert query[name] and query[name] != again[name]
    assert httpx.get(f"{server.url}/auth/sso/nobody", follow_redirects=False).status_code == 404


def test_a_domain_mapped_to_lead_gives_lead_access_and_the_sign_in_is_audited(page, sso):
    server, _, _ = sso
    page.goto(f"{server.url}/auth/sso/test-nhs")
    _sign_in_at_provider(page, "sam@leads.nhs.test")
    expect(page).to_have_url(re.compile(r"/profile"))
    (sam,) = _people(server, "sam@leads.nhs.test")
    assert sam.access == Access.LEAD
    database = server.db
    with database.read() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "sign_in.sso")).all()[-1]
    database.dispose()
    assert entry.after["provider"] == "test-nhs"


def test_an_address_outside_the_allowed_domains_is_refused_and_no_account_made(page, sso):
    server, _, _ = sso
    page.goto(f"{server.url}/auth/sso/test-nhs")
    _sign_in_at_provider(page, "someone@gmail.com")
    expect(page.locator("#sso")).to_contain_text("for @nhs.test addresses only")
    assert _people(server, "someone@gmail.com") == []


def test_an_unverified_email_is_refused(page, sso):
    server, _, _ = sso
    page.goto(f"{server.url}/auth/sso/test-nhs")
    _sign_in_at_provider(page, "unverified-kim")
    expect(page.locator("#sso")).to_contain_text("not verified")
    assert _people(server, "unverified-kim@nhs.test") == []


def test_tokens_from_another_issuer_than_configured_are_refused_and_logged(page, sso):
    server, _, log = sso
    page.goto(f"{server.url}/auth/sso/wrong-issuer")
    _sign_in_at_provider(page, "pat@nhs.test")
    expect(page.locator("#sso")).to_contain_text("Signing in with Impostor did not work")
    assert _people(server, "pat@nhs.test") == []
    assert "sso wrong-issuer: sign-in refused" in log.read_text()


def test_a_callback_with_a_forged_or_replayed_state_is_refused_and_logged(page, sso):
    server, _, log = sso
    page.goto(f"{server.url}/auth/sso/test-nhs")
    _sign_in_at_provider(page, "lee@nhs.test")
    expect(page).to_have_url(re.compile(r"/profile"))
    # a made-up state, and then the real provider's answer replayed by another browser session
    page.context.clear_cookies()
    answer = page.goto(f"{server.url}/auth/sso/test-nhs/callback?code=abc&state=forged")
    assert answer.status == 400
    expect(page.locator("#sso")).to_contain_text("did not work, so nothing changed")
    assert "sso test-nhs: sign-in refused: MismatchingStateError" in log.read_text()
