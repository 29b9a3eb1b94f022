"""Time the theme board and a large theme's curation page on a synthetic workshop.

Builds a temporary SQLite database (bulk inserts): --contributions contributions (default 10,000) by
--participants people of every role and borough, --themes themes (default 150, one of them holding
--big members, default 1,000), --votes-per votes per contribution on average, and a finished theme run.
Then a moderator signs in through a real magic link on the app's TestClient and requests the board and
the big theme's page --repeat times each (after one warm-up). Prints the median server time of each;
the last line is one JSON object with at least board_ms and theme_ms.

    .venv/bin/python bench/board.py [--contributions 10000] [--themes 150] [--big 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, insert  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from crowd.app import create_app  # noqa: E402
from crowd.db import Database, create_all  # noqa: E402
from crowd.models import (  # noqa: E402
    Access,
    CareRole,
    Contribution,
    MemberRank,
    Participant,
    RunState,
    Stream,
    Theme,
    ThemeMember,
    ThemeRun,
    Vote,
    VoteChoice,
    Workshop,
    WorkshopStatus,
)
from crowd.models._base import utcnow  # noqa: E402
from crowd.services.boroughs import BOROUGHS  # noqa: E402
from crowd.services.people import auth  # noqa: E402
from crowd.settings import Settings  # noqa: E402

WORDS = [
    "gp",
    "appointment",
    "phone",
    "wait",
    "mental",
    "health",
    "crisis",
    "carer",
    "respite",
    "bus",
    "hospital",
    "record",
    "story",
    "nurse",
    "home",
]


def build(
    db: Database, *, contributions: int, participants: int, themes: int, big: int, votes_per: int
) -> tuple[int, int, int]:
    rng = random.Random(7)
    now = utcnow()
    with db.write() as session:
        workshop = Workshop(slug="bench-board", title="Board bench", status=WorkshopStatus.OPEN)
        session.add(workshop)
        session.flush()
        run = ThemeRun(workshop_id=workshop.id, status=RunState.SUCCEEDED, progress=100, finished_at=now)
        session.add(run)
        session.flush()
        roles = list(CareRole)
        session.execute(
            insert(Participant),
            [
                {
                    "email": f"p{n}@example.org",
                    "display_name": f"P{n}",
                    "role": roles[n % 4].name,
                    "borough": BOROUGHS[n % len(BOROUGHS)],
                    "consent_privacy_at": now,
                    "access": Access.PARTICIPANT.name,
                    "created_at": now,
                }
                for n in range(participants)
            ],
        )
        first_person = session.exec(Participant.__table__.select().limit(1)).first().id  # type: ignore[attr-defined]
        streams = list(Stream)
        session.execute(
            insert(Contribution),
            [
                {
                    "workshop_id": workshop.id,
                    "author_id": first_person + (n % participants),
                    "kind": "IDEA",
                    "stream": streams[0 if n % 5 else rng.randrange(4)].name,
                    "status": "VISIBLE",
                    "text": " ".join(rng.choice(WORDS) for _ in range(12)),
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(contributions)
            ],
        )
        first_c = session.exec(Contribution.__table__.select().limit(1)).first().id  # type: ignore[attr-defined]
        ids = list(range(first_c, first_c + contributions))
        session.execute(
            insert(Theme),
            [
                {
                    "workshop_id": workshop.id,
                    "label": f"Theme {t}: " + " ".join(rng.sample(WORDS, 3)),
                    "keywords": rng.sample(WORDS, 5),
                    "status": "ACTIVE",
                    "is_new": t % 7 == 0,
                    "reviewed": t % 3 == 0,
                    "curated": False,
                    "last_run_id": run.id,
                    "created_in_run_id": run.id,
                    "representative_ids": [],
                    "provenance": [],
                    "version": 1,
                    "size": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for t in range(themes)
            ],
        )
        first_t = session.exec(Theme.__table__.select().limit(1)).first().id  # type: ignore[attr-defined]
        theme_ids = list(range(first_t, first_t + themes))
        members = []
        for i, cid in enumerate(ids):
            theme = theme_ids[0] if i < big else theme_ids[1 + (i % (themes - 1))]
            members.append(
                {
                    "theme_id": theme,
                    "contribution_id": cid,
                    "rank": MemberRank.PRIMARY.name,
                    "score": rng.random(),
                    "source": "PIPELINE",
                    "pinned": False,
                    "run_id": run.id,
                    "created_at": now,
                }
            )
        session.execute(insert(ThemeMember), members)
        choices = [VoteChoice.AGREE.name] * 3 + [VoteChoice.DISAGREE.name, VoteChoice.PASS.name]
        votes, tallies = [], {}
        for cid in ids:
            voters = rng.sample(range(participants), k=min(participants, rng.randint(0, 2 * votes_per)))
            for p in voters:
                choice = rng.choice(choices)
                votes.append(
                    {
                        "participant_id": first_person + p,
                        "contribution_id": cid,
                        "choice": choice,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                t = tallies.setdefault(cid, [0, 0, 0])
                t[0 if choice == "AGREE" else 1 if choice == "DISAGREE" else 2] += 1
        for start in range(0, len(votes), 20000):
            session.execute(insert(Vote), votes[start : start + 20000])
        session.execute(
            Contribution.__table__.update()  # type: ignore[attr-defined]
            .where(Contribution.__table__.c.id == bindparam("cid"))
            .values(
                agree_count=bindparam("a"),
                disagree_count=bindparam("d"),
                pass_count=bindparam("p"),
            ),
            [{"cid": cid, "a": a, "d": d, "p": p} for cid, (a, d, p) in tallies.items()],
        )
        session.flush()
        from crowd.services.themes.curated import refresh_sizes

        refresh_sizes(session, workshop_id=workshop.id)
        return workshop.id, theme_ids[0], len(votes)


def timed(client: TestClient, path: str, repeat: int) -> tuple[float, float, int, float]:
    """Median wall and CPU milliseconds of a GET (the app runs in this process, so CPU time is the
    server's work, unaffected by other processes competing for the cores), and the first (cold) one."""
    start = time.perf_counter()
    response = client.get(path)  # cold: templates compile, the board computes its counts
    cold = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.text[:300]
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200
    return statistics.median(walls), statistics.median(cpus), len(response.content), cold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=10_000)
    parser.add_argument("--participants", type=int, default=600)
    parser.add_argument("--themes", type=int, default=150)
    parser.add_argument("--big", type=int, default=1_000)
    parser.add_argument("--votes-per", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/board.db"
        db = Database(url)
        create_all(db.engine)
        t = time.perf_counter()
        workshop_id, big_theme, n_votes = build(
            db,
            contributions=args.contributions,
            participants=args.participants,
            themes=args.themes,
            big=args.big,
            votes_per=args.votes_per,
        )
        build_s = time.perf_counter() - t
        settings = Settings(
            database_url=url,
            secret_key="bench-" + "x" * 40,
            environment="test",
            rate_limits_enabled=False,
            embeddings_enabled=False,
            data_dir=folder,
        )
        with db.write() as session:
            session.add(
                Participant(
                    email="mod@example.org",
                    display_name="Mod",
                    role=CareRole.STAFF,
                    borough="Hackney",
                    access=Access.MODERATOR,
                    consent_privacy_at=utcnow(),
                )
            )
            session.flush()
            link = auth.request_link(session, settings=settings, email="mod@example.org")
        app = create_app(settings, migrate=False)
        with TestClient(app) as client:
            path = link[link.index("/auth/") :]
            assert client.get(path, follow_redirects=False).status_code == 303
            board_ms, board_cpu, board_bytes, board_cold = timed(
                client, f"/manage/workshops/{workshop_id}/themes/board", args.repeat
            )
            sorted_ms, _, _, _ = timed(
                client,
                f"/manage/workshops/{workshop_id}/themes/board?sort=division&show=unreviewed",
                args.repeat,
            )
            theme_ms, theme_cpu, theme_bytes, theme_cold = timed(
                client, f"/manage/themes/{big_theme}/curate", args.repeat
            )
        db.dispose()
    print(
        json.dumps(
            {
                "contributions": args.contributions,
                "themes": args.themes,
                "big_theme_members": args.big,
                "votes": n_votes,
                "build_s": round(build_s, 2),
                "repeat": args.repeat,
                "board_ms": round(board_ms, 1),
                "board_sorted_ms": round(sorted_ms, 1),
                "theme_ms": round(theme_ms, 1),
                "board_cold_ms": round(board_cold, 1),
                "theme_cold_ms": round(theme_cold, 1),
                "board_cpu_ms": round(board_cpu, 1),
                "theme_cpu_ms": round(theme_cpu, 1),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "cores": os.cpu_count(),
                "board_kb": round(board_bytes / 1024),
                "theme_kb": round(theme_bytes / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
