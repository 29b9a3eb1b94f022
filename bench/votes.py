"""Vote load: many participants casting and changing votes over HTTP; stored tallies vs acknowledged votes.

Starts `uvicorn crowd.app:from_env` (one worker) on a fresh temporary SQLite file, or targets --url with
--database-url pointing at that server's database. Creates the participants (complete profiles) and
signs each one in through a real magic link over HTTP, creates an open workshop with --ideas ideas,
then runs --participants concurrent participants for --seconds: each picks an idea and a choice, posts
the vote as htmx does (X-CSRF-Token header, partial response), waits --think-ms (uniform 0..2x), and
repeats. Every 200 response is an acknowledged vote; the last acknowledged choice per participant per
idea is what the database must hold afterwards.

    .venv/bin/python bench/votes.py [--participants 200] [--seconds 15] [--ideas 100] [--think-ms 300] [--workers 1]

Checks: `lost` = acknowledged final votes missing or different in the vote table; `double_counted` =
ideas whose stored agree/disagree/pass counts exceed the vote rows behind them; `mismatched_tallies` =
ideas whose stored counts differ from their vote rows in either direction. The last line printed is
one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from crowd.db import Database  # noqa: E402
from crowd.devserver import UVICORN, free_port, launch, prepare_database  # noqa: E402
from crowd.models import (  # noqa: E402
    CareRole,
    Contribution,
    ContributionKind,
    Participant,
    Vote,
    VoteChoice,
)
from crowd.models._base import utcnow  # noqa: E402
from crowd.services.people import auth  # noqa: E402
from crowd.services.workshop import workshops  # noqa: E402
from crowd.settings import Settings  # noqa: E402

logging.getLogger("crowd.mail").setLevel(logging.ERROR)  # the bench's 200 sign-in mails
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = "bench-secret-" + "x" * 40
CHOICES = [c.value for c in VoteChoice]
BOROUGHS = ["Hackney", "Lambeth", "Croydon", "Barnet", "Camden", "Newham", "Outside London"]


def start_server(database_url: str, folder: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "RATE_LIMITS_ENABLED": "false",
        "ENVIRONMENT": "test",
        "EMBEDDINGS_ENABLED": "false",
        "BASE_URL": url,
        "DATA_DIR": str(folder),
    }
    command = [*UVICORN, "--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log"]
    command += ["--timeout-keep-alive", "120"]  # participants idle while the others sign in
    try:
        return launch(env, port=port, log_path=folder / "server.log", command=command), url
    except RuntimeError as error:
        raise SystemExit(str(error)) from None


def seed(
    database: Database, *, url: str, participants: int, ideas: int
) -> tuple[list[int], list[str], list[int]]:
    """An open workshop with `ideas` ideas, and `participants` people with profiles and sign-in links."""
    settings = Settings(database_url=database.url, secret_key=SECRET, base_url=url, environment="test")
    tag = f"{int(time.time())}{random.randrange(10**6)}"
    with database.write() as session:
        form = workshops.WorkshopForm(title=f"Vote bench {tag}", status="open")
        workshop = workshops.save_workshop(session, actor_id=None, form=form)
        section = workshops.save_section(
            session, actor_id=None, workshop_id=workshop.id, title="Get Personal", body="We must..."
        )
        people = [
            Participant(
                email=f"bench{n}-{tag}@example.org",
                display_name=f"Bencher {n}",
                role=list(CareRole)[n % 4],
                borough=BOROUGHS[n % len(BOROUGHS)],
                consent_privacy_at=utcnow(),
            )
            for n in range(participants)
        ]
        session.add_all(people)
        session.flush()
        rows = [
            Contribution(
                workshop_id=workshop.id,
                section_id=section.id,
                author_id=people[n % participants].id,
                kind=ContributionKind.IDEA,
                text=f"Bench idea {n}: one shared record so I tell my story once.",
            )
            for n in range(ideas)
        ]
        session.add_all(rows)
        session.flush()
        idea_ids = [row.id for row in rows]
        links = [
            auth.request_link(session, settings=settings, email=p.email).removeprefix(url) for p in people
        ]
        people_ids = [p.id for p in people]
    return idea_ids, links, people_ids


class Person:
    """One participant's browser: its own cookie jar and one keep-alive connection (aiohttp, which costs
    the bench a fraction of the CPU per request that httpx does, so the server gets the machine)."""

    def __init__(self, url: str) -> None:
        self.session = aiohttp.ClientSession(
            base_url=url,
            connector=aiohttp.TCPConnector(limit=1, force_close=False),
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # the server is an IP address
            timeout=aiohttp.ClientTimeout(total=30),
        )

    async def sign_in(self, link: str) -> str:
        async with self.session.get(link, allow_redirects=False) as response:
            assert response.status == 303, (await response.text())[:300]
        async with self.session.get("/privacy") as page:
            return CSRF.search(await page.text()).group(1)


async def participant(
    person: Person,
    token: str,
    idea_ids: list[int],
    deadline: float,
    think: float,
    results: dict,
) -> None:
    rng = random.Random()
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    if think:  # people are somewhere in their pause when the clock starts, not all clicking at once
        await asyncio.sleep(rng.uniform(0, 2 * think))
    while time.perf_counter() < deadline:
        idea = rng.choice(idea_ids)
        choice = rng.choice(CHOICES)
        started = time.perf_counter()
        try:
            async with person.session.post(
                f"/c/{idea}/vote", data={"choice": choice}, headers=headers
            ) as response:
                status, text = response.status, await response.text()
        except (TimeoutError, aiohttp.ClientError) as error:
            results["errors"] += 1
            results["statuses"][type(error).__name__] += 1
            continue
        results["latencies"].append(time.perf_counter() - started)
        if status == 200 and f'data-choice="{choice}"' in text:
            results["acknowledged"][idea] = choice
            results["votes"] += 1
        else:
            results["errors"] += 1
            results["statuses"][status] += 1
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def drive(
    url: str, links: list[str], idea_ids: list[int], seconds: float, think: float, server_pid: int | None
) -> dict:
    people = [Person(url) for _ in links]
    semaphore = asyncio.Semaphore(20)

    async def signed(person, link):
        async with semaphore:
            return await person.sign_in(link)

    tokens = await asyncio.gather(*(signed(p, link) for p, link in zip(people, links, strict=True)))
    totals = {"latencies": [], "votes": 0, "errors": 0, "statuses": Counter()}
    per_person = [{**totals, "acknowledged": {}} for _ in people]
    for result in per_person:
        result["latencies"], result["statuses"] = totals["latencies"], totals["statuses"]
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    client_before = time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(
            participant(p, t, idea_ids, deadline, think, r)
            for p, t, r in zip(people, tokens, per_person, strict=True)
        )
    )
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_before
    server_cpu = cpu_seconds(server_pid) - cpu_before if server_pid else None
    await asyncio.gather(*(p.session.close() for p in people))
    return {
        "per_person": per_person,
        "elapsed": elapsed,
        "latencies": totals["latencies"],
        "server_cpu": server_cpu,
        "client_cpu": client_cpu,
    }


def verify(database: Database, people_ids: list[int], per_person: list[dict], idea_ids: list[int]) -> dict:
    with database.read() as session:
        rows = session.exec(
            select(Vote.participant_id, Vote.contribution_id, Vote.choice).where(
                Vote.contribution_id.in_(idea_ids)  # type: ignore[union-attr]
            )
        ).all()
        stored = {
            c.id: (c.agree_count, c.disagree_count, c.pass_count)
            for c in session.exec(select(Contribution).where(Contribution.id.in_(idea_ids)))  # type: ignore[union-attr]
        }
        vote_rows = session.exec(select(func.count()).select_from(Vote)).one()
    in_db = {(pid, cid): VoteChoice(choice).value for pid, cid, choice in rows}
    acknowledged = {
        (pid, idea): choice
        for pid, result in zip(people_ids, per_person, strict=True)
        for idea, choice in result["acknowledged"].items()
    }
    lost = sum(1 for key, choice in acknowledged.items() if in_db.get(key) != choice)
    unacknowledged = sum(1 for key in in_db if key not in acknowledged)
    from_rows: dict[int, Counter] = {cid: Counter() for cid in idea_ids}
    for (_, cid), choice in in_db.items():
        from_rows[cid][choice] += 1
    double, mismatched = 0, 0
    for cid, (agree, disagree, passed) in stored.items():
        expected = from_rows[cid]
        counts = {"agree": agree, "disagree": disagree, "pass": passed}
        if any(counts[k] > expected[k] for k in counts):
            double += 1
        if any(counts[k] != expected[k] for k in counts):
            mismatched += 1
    return {
        "acknowledged_final_votes": len(acknowledged),
        "vote_rows": vote_rows,
        "lost": lost,
        "double_counted": double,
        "mismatched_tallies": mismatched,
        "unacknowledged_rows": unacknowledged,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to report the server's cost per vote."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--ideas", type=int, default=100)
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (SQLite: 1 is faster)"
    )
    parser.add_argument("--think-ms", type=float, default=300, help="mean pause between one person's votes")
    parser.add_argument(
        "--url", help="a running server (its SECRET_KEY must be the bench's; see --database-url)"
    )
    parser.add_argument("--database-url", help="the database of --url, to seed and to check the tallies")
    args = parser.parse_args()
    if args.url and not args.database_url:
        parser.error("--url needs --database-url (the bench seeds and checks that database)")
    with tempfile.TemporaryDirectory(prefix="crowd-votes-") as tmp:
        folder = Path(tmp)
        server = None
        if args.url:
            url, database_url = args.url.rstrip("/"), args.database_url
        else:
            database_url = f"sqlite:///{folder / 'crowd.db'}"
            prepare_database(database_url, folder / "crowd.db")
            server, url = start_server(database_url, folder, args.workers)
        database = Database(database_url)
        try:
            idea_ids, links, people_ids = seed(
                database, url=url, participants=args.participants, ideas=args.ideas
            )
            outcome = asyncio.run(
                drive(
                    url, links, idea_ids, args.seconds, args.think_ms / 1000, server.pid if server else None
                )
            )
            checks = verify(database, people_ids, outcome["per_person"], idea_ids)
        finally:
            database.dispose()
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
    latencies = sorted(outcome["latencies"])
    votes = sum(r["votes"] for r in outcome["per_person"])
    errors = sum(r["errors"] for r in outcome["per_person"])
    statuses = outcome["per_person"][0]["statuses"] if outcome["per_person"] else Counter()
    summary = {
        "votes_per_s": round(votes / outcome["elapsed"], 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "errors": errors,
        "error_statuses": {str(k): v for k, v in statuses.items()},
        **checks,
        "votes": votes,
        "participants": args.participants,
        "ideas": args.ideas,
        "seconds": round(outcome["elapsed"], 1),
        "think_ms": args.think_ms,
        "server_cpu_ms_per_vote": round(outcome["server_cpu"] * 1000 / max(votes, 1), 2)
        if outcome["server_cpu"] is not None
        else None,
        "client_cpu_ms_per_vote": round(outcome["client_cpu"] * 1000 / max(votes, 1), 2),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "db": "sqlite" if database_url.startswith("sqlite") else database_url.split(":", 1)[0],
        "server": args.url or f"uvicorn, {args.workers} worker(s)",
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
