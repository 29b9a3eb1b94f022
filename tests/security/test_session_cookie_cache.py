"""crowd.sessions remembers cookies it verified; remembering must never let a cookie through that a full
check would refuse: a changed byte, another key, or an age past max_age."""

import json
import time

import itsdangerous
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from crowd import sessions
from crowd.sessions import SessionMiddleware

SECRET = "session-cache-test-" + "k" * 40


def app(max_age: int = 600) -> Starlette:
    def show(request):
        return JSONResponse(dict(request.session))

    def set_(request):
        request.session["pid"] = int(request.query_params["pid"])
        return JSONResponse({})

    application = Starlette(routes=[Route("/", show), Route("/set", set_)])
    application.add_middleware(SessionMiddleware, secret_key=SECRET, session_cookie="s", max_age=max_age)
    return application


def signed_cookie(client: TestClient, pid: int) -> str:
    client.get(f"/set?pid={pid}")
    return client.cookies["s"]


def full_check(cookie: str) -> dict:
    """What a middleware that has never seen `cookie` makes of it: the check with nothing remembered."""
    return TestClient(app(), cookies={"s": cookie}).get("/").json()


def test_a_remembered_cookie_with_one_byte_changed_is_refused():
    client = TestClient(app())
    cookie = signed_cookie(client, 7)
    assert client.get("/").json() == {"pid": 7}  # verified and remembered
    refused = 0
    for position, char in enumerate(cookie):
        changed = cookie[:position] + ("A" if char != "A" else "B") + cookie[position + 1 :]
        seen = TestClient(client.app, cookies={"s": changed}).get("/").json()
        # The last base64 character of the signature carries two bits that decode to nothing, so a few
        # changes there leave the signed bytes as they were and a full check accepts them too: the
        # remembered check must agree with the full one on every change, and refuse nearly all of them.
        assert seen == full_check(changed), position
        refused += seen == {}
    assert refused >= len(cookie) - 2
    assert TestClient(client.app, cookies={"s": "A" + cookie[1:]}).get("/").json() == {}


def test_a_cookie_signed_with_another_key_is_refused():
    client = TestClient(app())
    signed_cookie(client, 7)
    forged = itsdangerous.TimestampSigner("another-key").sign(b"eyJwaWQiOiA3fQ==").decode()
    assert TestClient(client.app, cookies={"s": forged}).get("/").json() == {}


def test_a_remembered_cookie_expires_at_max_age(monkeypatch):
    client = TestClient(app(max_age=60))
    cookie = signed_cookie(client, 7)
    assert TestClient(client.app, cookies={"s": cookie}).get("/").json() == {"pid": 7}
    later = time.time() + 61
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    assert TestClient(client.app, cookies={"s": cookie}).get("/").json() == {}


def test_a_cookie_that_is_not_a_session_is_an_empty_session_not_an_error():
    client = TestClient(app())
    for junk in ("", "null", "x" * 300, itsdangerous.TimestampSigner(SECRET).sign(b"WzFd").decode()):
        assert TestClient(client.app, cookies={"s": junk}).get("/").json() == {}


def test_each_request_gets_its_own_copy_of_a_remembered_session():
    """A request that changes its session in place must not change what the next request reads."""
    seen = []

    def change(request):
        seen.append(json.dumps(dict(request.session)))
        request.session.setdefault("flash", []).append("x")  # an in-place change, as flash() makes
        return JSONResponse({})

    application = Starlette(routes=[Route("/change", change)])
    application.add_middleware(SessionMiddleware, secret_key=SECRET, session_cookie="s")
    signer = itsdangerous.TimestampSigner(SECRET)
    cookie = signer.sign(b"eyJmbGFzaCI6IFtdfQ==").decode()  # {"flash": []}
    client = TestClient(application, cookies={"s": cookie})
    client.get("/change")
    client.cookies.clear()
    TestClient(application, cookies={"s": cookie}).get("/change")
    assert seen == ['{"flash": []}', '{"flash": []}']
