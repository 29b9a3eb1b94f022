"""Vote load: crowd's vote endpoint against a bare reference endpoint, the same client, in the same run.

Starts two servers side by side, each `uvicorn` with one worker on a fresh SQLite file of its own:
crowd (`crowd.app:from_env`) and the reference (bench/vote_reference.py: plain Starlette + sqlite3, one
transaction per vote: upsert and count update, nothing else). Both get the same participants and
ideas; each participant signs in through a real magic link on crowd (a cookie on the reference) and
then, with its own aiohttp session and one keep-alive connection, posts votes as htmx does (X-CSRF-Token
header, partial response), waits --think-ms (uniform 0..2x) and repeats.

The two servers are driven in turn, never together: for each think time in --think-ms, --rounds rounds
of --seconds on each, the order alternating (crowd first in odd rounds, the reference first in even
ones), so a neighbour's burst on the machine lands on both sides alike. `ratio` = crowd votes/s ÷
reference votes/s with no think time (the median of the rounds' ratios, with min and max); p50/p99 of
each side at each think time pool all rounds.

    .venv/bin/python bench/votes.py [--participants 200] [--seconds 8] [--rounds 3] [--think-ms 0,300]

Checks (crowd): `lost` = acknowledged final votes missing or different in the vote table;
`double_counted` = ideas whose stored counts exceed the vote rows behind them; `mismatched_tallies` =
stored counts that differ from the vote rows either way. The same checks run on the reference.
Targets: ratio >= 0.5; p99 < 100 ms at 300 ms think time. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vote_reference  # noqa: E402  (bench/ is on sys.path when this file runs)
from sqlmodel import select  # noqa: E402

from crowd.db import Database  # noqa: E402
from crowd.devserver import UVICORN, free_port, launch, prepare_database  # noqa: E402
from crowd.models import CareRole, Contribution, ContributionKind, Participant, Vote, VoteChoice  # noqa: E402
from crowd.models._base import utcnow  # noqa: E402
from crowd.services.people import auth  # noqa: E402
from crowd.services.workshop import workshops  # noqa: E402
from crowd.settings import Settings  # noqa: E402

logging.getLogger("crowd.mail").setLevel(logging.ERROR)  # the bench's 200 sign-in mails
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK_TOKEN = re.compile(r'name="token" value="([^"]+)"')  # the sign-in confirm page's form
SECRET = "bench-secret-" + "x" * 40
CHOICES = [c.value for c in VoteChoice]
BOROUGHS = ["Hackney", "Lambeth", "Croydon", "Barnet", "Camden", "Newham", "Outside London"]
TARGET_RATIO = 0.5
TARGET_P99_THINK_MS = 100.0
SERVER_FLAGS = ["--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "120"]


def start_crowd(database_url: str, folder: Path) -> tuple[subprocess.Popen, str]:
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
    command = [*UVICORN, "--port", str(port), "--workers", "1", *SERVER_FLAGS]
    return launch(env, port=port, log_path=folder / "crowd.log", command=command), url


def start_reference(path: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"), "vote_reference:create_app"]
    command += ["--factory", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", *SERVER_FLAGS]
    env = {"REFERENCE_DB": str(path)}
    return launch(
        env, port=port, log_path=folder / "reference.log", command=command
    ), f"http://127.0.0.1:{port}"


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
    """One participant's browser: its own cookie jar and one keep-alive connection."""

    def __init__(self, url: str, link: str) -> None:
        self.link = link
        self.token = ""
        self.acknowledged: dict[int, str] = {}
        self.session = aiohttp.ClientSession(
            base_url=url,
            connector=aiohttp.TCPConnector(limit=1, force_close=False),
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # the server is an IP address
            timeout=aiohttp.ClientTimeout(total=30),
        )

    async def sign_in(self) -> None:
        async with self.session.get(self.link, allow_redirects=False) as response:
            page = await response.text()
            assert response.status in (200, 303), page[:300]
        if response.status == 200:  # crowd: the link opens a confirm page, its button signs in
            form = {"token": LINK_TOKEN.search(page).group(1), "csrf_token": CSRF.search(page).group(1)}
            async with self.session.post("/auth/verify", data=form, allow_redirects=False) as response:
                assert response.status == 303, (await response.text())[:300]
        async with self.session.get("/privacy") as page:
            self.token = CSRF.search(await page.text()).group(1)


class Side:
    """One server under test, its people and what they measured, round after round."""

    def __init__(self, name: str, url: str, pid: int, links: list[str], idea_ids: list[int]) -> None:
        self.name, self.pid, self.idea_ids = name, pid, idea_ids
        self.people = [Person(url, link) for link in links]
        self.rounds: dict[float, list[dict]] = {}

    async def sign_in(self) -> None:
        semaphore = asyncio.Semaphore(20)

        async def one(person: Person) -> None:
            async with semaphore:
                await person.sign_in()

        await asyncio.gather(*(one(p) for p in self.people))

    async def close(self) -> None:
        await asyncio.gather(*(p.session.close() for p in self.people))


async def vote_loop(person: Person, idea_ids: list[int], deadline: float, think: float, tally: dict) -> None:
    rng = random.Random()
    headers = {"HX-Request": "true", "X-CSRF-Token": person.token}
    if think:  # people are somewhere in their pause when the clock starts, not all clicking at once
        await asyncio.sleep(rng.uniform(0, 2 * think))
    while time.perf_counter() < deadline:
        idea, choice = rng.choice(idea_ids), rng.choice(CHOICES)
        started = time.perf_counter()
        try:
            async with person.session.post(
                f"/c/{idea}/vote", data={"choice": choice}, headers=headers
            ) as answer:
                status, text = answer.status, await answer.text()
        except (TimeoutError, aiohttp.ClientError) as error:
            tally["errors"][type(error).__name__] += 1
            continue
        tally["latencies"].append(time.perf_counter() - started)
        if status == 200 and f'aria-pressed="true" data-choice="{choice}"' in text:
            person.acknowledged[idea] = choice
            tally["votes"] += 1
        else:
            tally["errors"][str(status)] += 1
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def one_round(side: Side, seconds: float, think: float) -> dict:
    tally: dict = {"latencies": [], "votes": 0, "errors": Counter()}
    cpu_before, client_before = cpu_seconds(side.pid), time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(vote_loop(p, side.idea_ids, deadline, think, tally) for p in side.people))
    elapsed = time.perf_counter() - started
    return {
        **tally,
        "elapsed": elapsed,
        "votes_per_s": tally["votes"] / elapsed,
        "server_cpu": cpu_seconds(side.pid) - cpu_before,
        "client_cpu": time.process_time() - client_before,
    }


async def drive(specs: list[tuple], *, thinks: list[float], rounds: int, seconds: float) -> list[Side]:
    sides = [Side(*spec) for spec in specs]  # aiohttp sessions belong to the running loop
    for side in sides:
        await side.sign_in()
    for think in thinks:
        for number in range(rounds):
            for side in sides if number % 2 == 0 else sides[::-1]:
                side.rounds.setdefault(think, []).append(await one_round(side, seconds, think))
                await asyncio.sleep(0.5)  # let the last writes settle before the other side starts
    for side in sides:
        await side.close()
    return sides


def check(acknowledged: dict[tuple[int, int], str], in_db: dict[tuple[int, int], str], counts: dict) -> dict:
    lost = sum(1 for key, choice in acknowledged.items() if in_db.get(key) != choice)
    from_rows: dict[int, Counter] = {}
    for (_, item), choice in in_db.items():
        from_rows.setdefault(item, Counter())[choice] += 1
    double = mismatched = 0
    for item, (agree, disagree, passed) in counts.items():
        expected = from_rows.get(item, Counter())
        stored = {"agree": agree, "disagree": disagree, "pass": passed}
        double += any(stored[k] > expected[k] for k in stored)
        mismatched += any(stored[k] != expected[k] for k in stored)
    return {
        "acknowledged_final_votes": len(acknowledged),
        "vote_rows": len(in_db),
        "lost": lost,
        "double_counted": double,
        "mismatched_tallies": mismatched,
    }


def check_crowd(database: Database, side: Side, people_ids: list[int]) -> dict:
    with database.read() as session:
        rows = session.exec(
            select(Vote.participant_id, Vote.contribution_id, Vote.choice).where(
                Vote.contribution_id.in_(side.idea_ids)  # type: ignore[union-attr]
            )
        ).all()
        counts = {
            c.id: (c.agree_count, c.disagree_count, c.pass_count)
            for c in session.exec(select(Contribution).where(Contribution.id.in_(side.idea_ids)))  # type: ignore[union-attr]
        }
    in_db = {(p, c): VoteChoice(choice).value for p, c, choice in rows}
    acknowledged = {
        (pid, idea): choice
        for pid, person in zip(people_ids, side.people, strict=True)
        for idea, choice in person.acknowledged.items()
    }
    return check(acknowledged, in_db, counts)


def check_reference(path: Path, side: Side) -> dict:
    in_db, counts = vote_reference.stored(str(path))
    acknowledged = {
        (n, idea): choice
        for n, person in enumerate(side.people, 1)
        for idea, choice in person.acknowledged.items()
    }
    return check(acknowledged, in_db, counts)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return round(sorted_values[index] * 1000, 1)


def pooled(rounds: list[dict]) -> dict:
    latencies = sorted(x for r in rounds for x in r["latencies"])
    votes = sum(r["votes"] for r in rounds)
    errors = sum((r["errors"] for r in rounds), Counter())
    return {
        "votes_per_s": round(votes / sum(r["elapsed"] for r in rounds), 1),
        "votes_per_s_rounds": [round(r["votes_per_s"], 1) for r in rounds],
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "votes": votes,
        "errors": sum(errors.values()),
        "error_statuses": dict(errors),
        "server_cpu_ms_per_vote": round(sum(r["server_cpu"] for r in rounds) * 1000 / max(votes, 1), 2),
        "client_cpu_ms_per_vote": round(sum(r["client_cpu"] for r in rounds) * 1000 / max(votes, 1), 2),
    }


def summarise(crowd: Side, reference: Side, args, checks: dict) -> dict:
    thinks = sorted(crowd.rounds)
    sides = {
        side.name: {f"think_{think * 1000:g}ms": pooled(side.rounds[think]) for think in thinks}
        for side in (crowd, reference)
    }
    fastest = thinks[0]
    ratios = [
        c["votes_per_s"] / r["votes_per_s"] if r["votes_per_s"] else 0.0
        for c, r in zip(crowd.rounds[fastest], reference.rounds[fastest], strict=True)
    ]
    slowest = f"think_{thinks[-1] * 1000:g}ms"
    p99_think = sides["crowd"][slowest]["p99_ms"]
    ratio = statistics.median(ratios)
    return {
        "ratio": round(ratio, 3),
        "ratio_min": round(min(ratios), 3),
        "ratio_max": round(max(ratios), 3),
        "ratio_rounds": [round(r, 3) for r in ratios],
        "ratio_at_think_ms": fastest * 1000,
        "crowd_votes_per_s": sides["crowd"][f"think_{fastest * 1000:g}ms"]["votes_per_s"],
        "reference_votes_per_s": sides["reference"][f"think_{fastest * 1000:g}ms"]["votes_per_s"],
        "p99_ms_at_think": p99_think,
        "think_ms": thinks[-1] * 1000,
        "targets": {"ratio": f">= {TARGET_RATIO}", "p99_ms_at_think": f"< {TARGET_P99_THINK_MS:g}"},
        "met": {
            "ratio": ratio >= TARGET_RATIO,
            "p99_ms_at_think": p99_think < TARGET_P99_THINK_MS,
            "no_loss": all(
                c["lost"] == 0 and c["double_counted"] == 0 and c["mismatched_tallies"] == 0
                for c in checks.values()
            ),
        },
        **sides,
        "checks": checks,
        "participants": args.participants,
        "ideas": args.ideas,
        "rounds": args.rounds,
        "seconds_per_round": args.seconds,
        "order": "alternating (crowd, reference), (reference, crowd), ...",
        "load_average_1m": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "server": "uvicorn, 1 worker each, SQLite",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=8, help="length of one round on one server")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per think time, each on both servers")
    parser.add_argument("--ideas", type=int, default=100)
    parser.add_argument("--think-ms", default="0,300", help="comma-separated mean pauses between votes")
    args = parser.parse_args(argv)
    thinks = [float(x) / 1000 for x in args.think_ms.split(",")]
    with tempfile.TemporaryDirectory(prefix="crowd-votes-") as tmp:
        folder = Path(tmp)
        database_url = f"sqlite:///{folder / 'crowd.db'}"
        prepare_database(database_url, folder / "crowd.db")
        reference_db = folder / "reference.db"
        items = vote_reference.seed(str(reference_db), args.ideas)
        servers = []
        database = Database(database_url)
        try:
            crowd_server, crowd_url = start_crowd(database_url, folder)
            servers.append(crowd_server)
            reference_server, reference_url = start_reference(reference_db, folder)
            servers.append(reference_server)
            idea_ids, links, people_ids = seed(
                database, url=crowd_url, participants=args.participants, ideas=args.ideas
            )
            reference_links = [f"/auth/verify?token={n}" for n in range(1, args.participants + 1)]
            specs = [
                ("crowd", crowd_url, crowd_server.pid, links, idea_ids),
                ("reference", reference_url, reference_server.pid, reference_links, items),
            ]
            crowd, reference = asyncio.run(
                drive(specs, thinks=thinks, rounds=args.rounds, seconds=args.seconds)
            )
            checks = {
                "crowd": check_crowd(database, crowd, people_ids),
                "reference": check_reference(reference_db, reference),
            }
        except RuntimeError as error:
            raise SystemExit(str(error)) from None
        finally:
            database.dispose()
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
    print(json.dumps(summarise(crowd, reference, args, checks)))


if __name__ == "__main__":
    main()
