"""Staff sign in with their organisation's account (OpenID Connect, through Authlib).

/auth/sso/<name> sends the person to the provider with PKCE (S256), a state and a nonce kept in the
session; /auth/sso/<name>/callback checks the state, swaps the code for tokens with the PKCE verifier,
and verifies the ID token (signature from the provider's keys, issuer, audience, expiry, nonce) before
`crowd.services.people.sso` decides whose account it is. Any failure is refused with a message and logged.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from httpx import HTTPError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crowd.security import PUBLIC, guard, sign_in
from crowd.services.errors import DomainError
from crowd.services.people import auth, sso
from crowd.templating import flash, render
from crowd.web.params import session_value

log = logging.getLogger("crowd.sso")
NEXT_KEY = "sso_next"


def make_oauth(providers: list[sso.Provider]) -> OAuth:
    oauth = OAuth()
    for provider in providers:
        oauth.register(
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
    return oauth


def _provider(request: Request) -> sso.Provider | None:
    return request.app.state.sso_providers.get(request.path_params["name"])


def _refused(request: Request, message: str, status_code: int = 400) -> Response:
    context = {"next": request.session.pop(NEXT_KEY, "/"), "errors": {"sso": message}}
    return render(request, "auth/sign_in.html", context, status_code=status_code)


@guard(PUBLIC, limit="signin")
async def start(request: Request) -> Response:
    provider = _provider(request)
    if provider is None:
        return _refused(request, "There is no such way to sign in here.", 404)
    request.session[NEXT_KEY] = auth.safe_next(request.query_params.get("next"))
    base = request.app.state.settings.base_url.rstrip("/")
    client = request.app.state.oauth.create_client(provider.name)
    try:
        return await client.authorize_redirect(request, f"{base}/auth/sso/{provider.name}/callback")
    except (HTTPError, AuthlibBaseError, ValueError) as error:
        log.warning("sso %s: could not reach the provider: %s", provider.name, error)
        return _refused(
            request, f"{provider.label} cannot be reached just now. Try again, or ask for a link.", 502
        )


@guard(PUBLIC, limit="signin")
async def callback(request: Request) -> Response:
    provider = _provider(request)
    if provider is None:
        return _refused(request, "There is no such way to sign in here.", 404)
    client = request.app.state.oauth.create_client(provider.name)
    options = {"iss": {"essential": True, "value": provider.issuer}}
    try:
        token = await client.authorize_access_token(request, claims_options=options)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise ValueError("the provider sent no ID token")
        if "email" not in claims:  # many providers keep the ID token small: ask the userinfo endpoint
            extra = await client.userinfo(token=token)
            if extra.get("sub") != claims.get("sub"):
                raise ValueError("the userinfo answer is about someone else than the ID token")
            claims |= dict(extra)
    except (AuthlibBaseError, JoseError, HTTPError, ValueError, KeyError) as error:
        log.warning("sso %s: sign-in refused: %s: %s", provider.name, type(error).__name__, error)
        return _refused(request, f"Signing in with {provider.label} did not work, so nothing changed. Try again, "
                        "or ask for a sign-in link by email.")  # fmt: skip
    next_url = session_value(request, NEXT_KEY, "/")
    try:
        with request.app.state.db.write() as session:
            participant = sso.account_for(session, provider=provider, claims=claims,
                                          admin_emails=request.app.state.settings.admin_emails)  # fmt: skip
    except DomainError as error:
        log.warning("sso %s: account refused: %s", provider.name, error.message)
        return _refused(request, error.message, 403)
    sign_in(request, participant)
    if not participant.has_profile:
        return RedirectResponse(f"/profile?next={quote(next_url)}", status_code=303)
    flash(request, "You are signed in.")
    return RedirectResponse(next_url, status_code=303)
