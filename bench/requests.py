"""Server CPU per request, in process: each page type called N times on the ASGI app, no network, no client.

    .venv/bin/python bench/requests.py [--n 300] [--profile vote]   # --profile NAME: cProfile that type

Builds the app on a fresh SQLite file (rate limits on, in memory, as one production worker), seeds an
open workshop (3 sections, --ideas ideas, --people participants with sign-in links), signs the people in
through their links, then times each page type in turn, round-robin over the people: the workshop page,
the workshop page's idea list partial (htmx), an idea page, a vote (htmx partial), posting an idea, and
signing in (following a fresh magic link). `cpu_ms` is this process's CPU time per request (all
threads), so a busy neighbour on the machine changes it far less than wall time. For a ratio to the
machine's speed it prints `reference_cpu_ms`: bench/vote_reference.py's vote, called the same way.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vote_reference  # noqa: E402

from crowd.app import create_app  # noqa: E402
from crowd.db import Database  # noqa: E402
from crowd.devserver import prepare_database  # noqa: E402
from crowd.models import CareRole, Participant  # noqa: E402
from crowd.models._base import utcnow  # noqa: E402
from crowd.services.people import auth  # noqa: E402
from crowd.services.workshop import contributions, workshops  # noqa: E402
from crowd.settings import Settings  # noqa: E402

logging.getLogger("crowd.mail").setLevel(logging.ERROR)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK_TOKEN = re.compile(r'name="token" value="([^"]+)"')  # the sign-in confirm page's form
SECRET = "requests-bench-" + "x" * 40
BASE = "http://127.0.0.1:9"


async def call(app, method: str, target: str, *, cookie: str = "", body: bytes = b"", headers=()) -> tuple:
    """One request straight into the ASGI app; (status, headers, body)."""
    path, _, query = target.partition("?")
    raw = [(b"host", b"127.0.0.1:9"), *((k.encode(), v.encode()) for k, v in headers)]
    if cookie:
        raw.append((b"cookie", cookie.encode()))
    if body:
        raw += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": raw,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 9),
        "root_path": "",
    }
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    out: dict = {"body": b""}

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"], out["headers"] = message["status"], message.get("headers", [])
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return out["status"], out["headers"], out["body"]


class Browser:
    """A person's cookie (the signed session) kept across calls, as a browser does."""

    def __init__(self, app) -> None:
        self.app, self.cookies, self.token = app, {}, ""

    async def request(self, method: str, target: str, **kwargs) -> tuple:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, headers, body = await call(self.app, method, target, cookie=cookie, **kwargs)
        for name, value in headers:
            if name == b"set-cookie":
                pair = value.decode().split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key] = val
        return status, headers, body


def seed(database: Database, *, people: int, ideas: int, links_each: int) -> dict:
    settings = Settings(database_url=database.url, secret_key=SECRET, base_url=BASE, environment="test")
    with database.write() as session:
        form = workshops.WorkshopForm(title="Requests bench", intro="What matters to you?", status="open")
        workshop = workshops.save_workshop(session, actor_id=None, form=form)
        sections = [
            workshops.save_section(
                session, actor_id=None, workshop_id=workshop.id, title=t, body=f"We must {t}."
            )
            for t in ("Get Personal", "Make Boundaries Invisible", "Focus on Outcomes")
        ]
        crowd = [
            Participant(
                email=f"req{n}@example.org",
                display_name=f"Person {n}",
                role=list(CareRole)[n % 4],
                borough="Hackney",
                consent_privacy_at=utcnow(),
            )
            for n in range(people)
        ]
        session.add_all(crowd)
        session.flush()
        from crowd.models import Workshop

        shop = session.get(Workshop, workshop.id)
        idea_ids = [
            contributions.post_idea(
                session,
                workshop=shop,
                section_id=sections[n % 3].id,
                author=crowd[n % people],
                text=f"Idea {n}: share my records between hospital and GP so I tell my story once.",
            ).contribution.id
            for n in range(ideas)
        ]
        links = [
            [
                auth.request_link(session, settings=settings, email=p.email).removeprefix(BASE)
                for _ in range(links_each)
            ]
            for p in crowd
        ]
        return {
            "slug": workshop.slug,
            "sections": [s.id for s in sections],
            "ideas": idea_ids,
            "links": links,
        }


async def follow_link(person: Browser, link: str) -> tuple:
    """Open a sign-in link (the confirm page) and press its button: (status, headers, body) of the POST."""
    status, _, body = await person.request("GET", link)
    assert status == 200, status
    page = body.decode()
    fields = {"token": LINK_TOKEN.search(page).group(1), "csrf_token": CSRF.search(page).group(1)}
    return await person.request("POST", "/auth/verify", body=urlencode(fields).encode())


async def measure(app, world: dict, n: int, profile: str | None) -> dict[str, float]:
    people = [Browser(app) for _ in world["links"]]
    spare = [list(links[1:]) for links in world["links"]]
    for person, links in zip(people, world["links"], strict=True):
        status, _, _ = await follow_link(person, links[0])
        assert status == 303, status
        _, _, body = await person.request("GET", "/privacy")
        person.token = CSRF.search(body.decode()).group(1)
    slug, ideas, sections = world["slug"], world["ideas"], world["sections"]
    counter = {"n": 0}

    def next_person() -> Browser:
        counter["n"] += 1
        return people[counter["n"] % len(people)]

    async def workshop_page():
        return await next_person().request("GET", f"/w/{slug}")

    async def idea_list():
        return await next_person().request(
            "GET", f"/w/{slug}?sort=top", headers=[("hx-request", "true"), ("hx-target", "idea-list")]
        )

    async def idea_page():
        return await next_person().request("GET", f"/w/{slug}/ideas/{ideas[counter['n'] % len(ideas)]}")

    async def vote():
        person = next_person()
        choice = ("agree", "disagree", "pass")[counter["n"] % 3]
        body = urlencode({"choice": choice}).encode()
        headers = [("hx-request", "true"), ("x-csrf-token", person.token)]
        return await person.request(
            "POST", f"/c/{ideas[counter['n'] % len(ideas)]}/vote", body=body, headers=headers
        )

    async def post_idea():
        person = next_person()
        text = f"Evening appointments at the GP, number {counter['n']}, for people who work."
        fields = {"text": text, "section_id": sections[counter["n"] % 3], "csrf_token": person.token}
        return await person.request("POST", f"/w/{slug}/ideas", body=urlencode(fields).encode())

    async def sign_in():
        index = counter["n"] % len(people)
        counter["n"] += 1
        person = Browser(app)
        return await follow_link(person, spare[index].pop())

    kinds = {
        "workshop_page": (workshop_page, 200),
        "idea_list_partial": (idea_list, 200),
        "idea_page": (idea_page, 200),
        "vote": (vote, 200),
        "post_idea": (post_idea, 303),
        "sign_in": (sign_in, 303),
    }
    results = {}
    for name, (make, ok) in kinds.items():
        count = min(n, len(people) * (len(world["links"][0]) - 1)) if name == "sign_in" else n
        for _ in range(5):  # warm: first renders compile templates
            if name != "sign_in":
                await make()
        profiler = cProfile.Profile() if profile == name else None
        if profiler:  # run sync endpoints inline, so the profile sees them (it follows one thread)
            import anyio.to_thread

            async def inline(func, *args, **kwargs):
                return func(*args)

            anyio.to_thread.run_sync = inline
        cpu, _wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for _ in range(count):
            status, _, body = await make()
            assert status == ok, (name, status, body[:300])
        if profiler:
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(25)
        results[name] = round((time.process_time() - cpu) * 1000 / count, 3)
    return results


async def reference_cost(n: int, folder: Path) -> float:
    path = folder / "reference.db"
    items = vote_reference.seed(str(path), 100)
    os.environ["REFERENCE_DB"] = str(path)
    app = vote_reference.create_app()
    people = [Browser(app) for _ in range(50)]
    for number, person in enumerate(people, 1):
        await person.request("GET", f"/auth/verify?token={number}")
    cpu = time.process_time()
    for k in range(n):
        body = urlencode({"choice": ("agree", "disagree", "pass")[k % 3]}).encode()
        status, _, _ = await people[k % 50].request("POST", f"/c/{items[k % 100]}/vote", body=body)
        assert status == 200
    return round((time.process_time() - cpu) * 1000 / n, 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="requests per page type")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--ideas", type=int, default=60)
    parser.add_argument("--profile", help="print a cProfile of this page type to stderr")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crowd-requests-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'crowd.db'}"
        prepare_database(url, folder / "crowd.db")
        database = Database(url)
        links_each = 1 + -(-args.n // args.people)
        world = seed(database, people=args.people, ideas=args.ideas, links_each=links_each)
        database.dispose()
        settings = Settings(
            database_url=url,
            secret_key=SECRET,
            base_url=BASE,
            environment="production",
            embeddings_enabled=False,
            worker_in_process=False,
            data_dir=str(folder),
        )
        app = create_app(settings, migrate=False)
        costs = asyncio.run(measure(app, world, args.n, args.profile))
        app.state.db.dispose()
        reference = asyncio.run(reference_cost(args.n, folder))
    print(
        json.dumps(
            {
                "cpu_ms": costs,
                "reference_cpu_ms": {"vote": reference},
                "vote_cpu_ratio": round(costs["vote"] / reference, 2),
                "n": args.n,
                "load_average_1m": round(os.getloadavg()[0], 1),
                "note": "CPU ms per request in process (no network, no client); sign_in = opening a link and pressing Sign in",
            }
        )
    )


if __name__ == "__main__":
    main()
