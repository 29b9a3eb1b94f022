"""Benchmark the exports on a temporary SQLite database with 10,000 contributions.

Builds participants, a workshop, 10,000 contributions (ideas and comments, some hidden), votes and poll
answers with bulk inserts, and a published declaration through the services; then times the poster of
the published version and the anonymised data zip of every contribution, as the web and CLI make them.
The last line printed is one JSON object.

    python bench/exports.py [--contributions 10000] [--votes-per-item 3]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# This file is bench/exports.py: run as a script, its folder comes first on sys.path and "exports" would
# name this file instead of the exports package. Put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from sqlalchemy import insert  # noqa: E402

from crowd.db import Database, create_all  # noqa: E402
from crowd.models import (  # noqa: E402
    Access,
    CareRole,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Participant,
    PollAnswer,
    PollChoice,
    Section,
    Stream,
    Vote,
    VoteChoice,
    Workshop,
    WorkshopStatus,
)
from crowd.services.boroughs import BOROUGHS  # noqa: E402
from crowd.services.declaration import foundations  # noqa: E402
from crowd.services.declaration import versions as declarations  # noqa: E402
from crowd.services.exports import run as exports  # noqa: E402
from crowd.settings import Settings  # noqa: E402

TEXTS = (
    "More time with the same GP would help people like my mum.",
    "Shared records between the hospital and the council, please.",
    "Interpreters in every appointment: বাংলা, العربية, polski 😀",
    "Carers need breaks, and someone to call at night.",
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(db: Database, *, contributions: int, votes_per_item: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    people = max(200, contributions // 10)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    with db.write() as session:
        workshop = Workshop(slug="bench", title="Bench workshop", status=WorkshopStatus.OPEN)
        session.add(workshop)
        session.flush()
        sections = [Section(workshop_id=workshop.id, position=n, title=f"Section {n}") for n in range(4)]
        session.add_all(sections)
        session.flush()
        section_ids = [s.id for s in sections]
        roles = list(CareRole)
        session.execute(
            insert(Participant),
            [
                {
                    "email": f"person{n}@example.org",
                    "display_name": f"Person Number{n}",
                    "role": roles[n % 4],
                    "borough": BOROUGHS[n % len(BOROUGHS)],
                    "access": Access.PARTICIPANT,
                    "session_epoch": 0,
                    "consent_quote": False,
                    "created_at": start,
                }
                for n in range(people)
            ],
        )
        rows = []
        for n in range(1, contributions + 1):
            author = rng.randint(1, people)
            comment = n > 10 and n % 4 == 0
            rows.append(
                {
                    "id": n,
                    "workshop_id": workshop.id,
                    "section_id": section_ids[n % 4],
                    "parent_id": rng.randint(1, 10) if comment else None,
                    "author_id": author,
                    "kind": ContributionKind.COMMENT if comment else ContributionKind.IDEA,
                    "stream": Stream.ONLINE,
                    "status": ContributionStatus.HIDDEN if n % 97 == 0 else ContributionStatus.VISIBLE,
                    "text": f"{TEXTS[n % len(TEXTS)]} (#{n})",
                    "masked": "",
                    "source_role": roles[author % 4].value,
                    "source_borough": BOROUGHS[author % len(BOROUGHS)],
                    "created_at": start + timedelta(minutes=n * 5),
                    "updated_at": start + timedelta(minutes=n * 5),
                    "agree_count": 0,
                    "disagree_count": 0,
                    "pass_count": 0,
                    "comment_count": 0,
                    "flag_count": 0,
                    "support": 0.0,
                }  # fmt: skip
            )
        session.execute(insert(Contribution), rows)
        choices = list(VoteChoice)
        votes = []
        for n in range(1, contributions + 1):
            for voter in rng.sample(range(1, people + 1), votes_per_item):
                when = start + timedelta(minutes=n * 5 + 1)
                votes.append({"participant_id": voter, "contribution_id": n, "choice": rng.choice(choices),
                              "created_at": when, "updated_at": when})  # fmt: skip
        session.execute(insert(Vote), votes)
        session.execute(
            insert(PollAnswer),
            [
                {"participant_id": p, "workshop_id": workshop.id, "choice": rng.choice(list(PollChoice)),
                 "created_at": start, "updated_at": start}
                for p in range(1, people + 1)
            ],
        )  # fmt: skip
    with db.write() as session:
        made = [
            foundations.create_foundation(
                session,
                actor_id=None,
                title=title,
                statement=f"We must {title.lower()} for everyone in London.",
                looks_like="People tell their story once.",
                how_to_achieve="Shared records and time to listen.",
            )
            for title in ("Get Personal", "Make Boundaries Invisible", "Real Leaders", "Focus on Outcomes")
        ]
        draft = declarations.start_draft(session, actor_id=None)
        declarations.save_draft(session, actor_id=None, declaration_id=draft.id, title="Our Declaration",
                                preamble="Written by the people who give and receive care in London.",
                                foundation_ids=[f.id for f in made])  # fmt: skip
        declarations.publish(session, actor_id=None, declaration_id=draft.id, change_note="Bench",
                             base_url="https://example.org")  # fmt: skip
    return {"participants": people, "contributions": contributions, "votes": len(votes)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contributions", type=int, default=10_000)
    parser.add_argument("--votes-per-item", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(database_url=url, environment="test", secret_key="bench-" + "k" * 40)
        db = Database(url)
        create_all(db.engine)
        t0 = time.perf_counter()
        counts = build(db, contributions=args.contributions, votes_per_item=args.votes_per_item)
        build_s = time.perf_counter() - t0
        rss_before = peak_rss_mb()

        t0 = time.perf_counter()
        poster = exports.export_poster(
            db, settings=settings, actor=None, options=exports.PosterOptions(), via="bench"
        )
        poster_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        zipped, summary = exports.export_data(
            db, settings=settings, actor=None, options=exports.DataOptions(), out=Path(folder) / "data.zip",
            via="bench",
        )  # fmt: skip
        data_export_s = time.perf_counter() - t0
        zip_mb = zipped.size / 1e6

        t0 = time.perf_counter()
        exports.export_report(db, actor=None, options=exports.ReportOptions(fmt="html"), via="bench")
        report_html_s = time.perf_counter() - t0
        db.dispose()
    result = {
        **counts,
        "build_s": round(build_s, 2),
        "poster_s": round(poster_s, 3),
        "poster_bytes": len(poster.body or b""),
        "data_export_s": round(data_export_s, 2),
        "data_rows": summary.rows,
        "zip_mb": round(zip_mb, 2),
        "report_html_s": round(report_html_s, 2),
        "rss_before_exports_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
