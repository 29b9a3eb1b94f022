"""A realistic sample declaration, engagement report and data snapshot, and the README poster.

Run ``python -m exports.sample`` to write docs/poster-example.png (and the sample PDFs beside it with
``--all DIR``). Tests and the benchmark use the same samples.
"""

from __future__ import annotations

import argparse
import copy
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from exports.contracts import ColumnDescriptions, DataSnapshot, Declaration, EngagementReport
from exports.london import LONDON_BOROUGHS

SAMPLE_DECLARATION: Declaration = {
    "title": "Our Declaration for Health and Care in London",
    "version": 2,
    "status": "published",
    "published_at": "2026-11-20",
    "change_note": "Outcomes added after the November workshop.",
    "preamble": (
        "This declaration was written by the people who give and receive health and care in London: "
        "service users, carers, staff and the organisations they work in.\n\n"
        "It sets out four foundations we will build on together, what each looks like when it is done "
        "well, how we will get there, and how we will know."
    ),
    "public_url": "https://example.org/declaration/v/2",
    "stats": {
        "people": 1042,
        "organisations": 131,
        "boroughs": 33,
        "ideas": 2100,
        "comments": 3400,
        "votes": 5000,
        "poll_support_share": 0.91,
    },
    "foundations": [
        {
            "slug": "get-personal",
            "title": "Get Personal",
            "statement": "We must see the whole person, their family and their community, not a condition.",
            "looks_like": "People tell their story once. Plans are made with them, in their own words.",
            "how_to_achieve": (
                "Shared care records people can read; time in appointments to ask what matters."
            ),
            "evidence": [
                {
                    "kind": "quote",
                    "text": "They finally asked me what I wanted, not what was wrong with me.",
                    "attribution": "Service user, Hackney",
                    "reference": None,
                },
                {
                    "kind": "literature",
                    "text": "Personalised care improves experience and reduces unplanned admissions.",
                    "attribution": "NHS England",
                    "reference": "Universal Personalised Care, 2019",
                },
            ],
            "outcomes": [
                {
                    "name": "People with a personalised care plan",
                    "definition": (
                        "Share of people with long-term conditions who have a care plan they helped write."
                    ),
                    "unit": "percentage",
                    "direction": "higher",
                    "baseline": 40.0,
                    "target": 75.0,
                    "period": "2026/27",
                    "data_source": "GP Patient Survey",
                }
            ],
        },
        {
            "slug": "make-boundaries-invisible",
            "title": "Make Boundaries Invisible",
            "statement": "We must work as one team across health, social care and the voluntary sector.",
            "looks_like": "No one falls between services; referrals follow the person, not the postcode.",
            "how_to_achieve": "Joint budgets, shared records and named contacts across organisations.",
            "evidence": [
                {
                    "kind": "case_study",
                    "text": "A joint discharge team in Tower Hamlets cut delayed discharges by a third.",
                    "attribution": "Tower Hamlets Together",
                    "reference": "Annual report 2025",
                }
            ],
            "outcomes": [
                {
                    "name": "Delayed discharges",
                    "definition": (
                        "Days people spend in hospital after they are ready to leave, per 1,000 beds."
                    ),
                    "unit": "rate",
                    "direction": "lower",
                    "baseline": 120.0,
                    "target": 60.0,
                    "period": "2026/27",
                    "data_source": "NHS England discharge sitrep",
                }
            ],
        },
        {
            "slug": "real-leaders-happy-workers",
            "title": "Real Leaders, Happy Workers",
            "statement": "We must value, support and listen to the people who give care, paid and unpaid.",
            "looks_like": "Staff and carers are heard, trained and able to do the job they came to do.",
            "how_to_achieve": "Leaders who spend time on the front line; fair pay; carers' breaks.",
            "evidence": [
                {
                    "kind": "quote",
                    "text": "When my manager listens, I stay. When she doesn't, I look for another job.",
                    "attribution": "Care worker, Croydon",
                    "reference": None,
                }
            ],
            "outcomes": [
                {
                    "name": "Staff who would recommend their organisation as a place to work",
                    "definition": "Share of staff answering yes in the annual staff survey.",
                    "unit": "percentage",
                    "direction": "higher",
                    "baseline": 58.0,
                    "target": 70.0,
                    "period": "2026/27",
                    "data_source": "NHS Staff Survey",
                }
            ],
        },
        {
            "slug": "focus-on-outcomes",
            "title": "Focus on Outcomes",
            "statement": "We must measure what matters to people and publish how we are doing.",
            "looks_like": "Every organisation that signs up reports the same few outcomes, openly.",
            "how_to_achieve": "A shared outcomes framework, self-assessment each year, a public dashboard.",
            "evidence": [
                {
                    "kind": "quote",
                    "text": "আমরা যা চাই তা জিজ্ঞাসা করুন - ask us what we want.",
                    "attribution": "Carer, Tower Hamlets (Bengali)",
                    "reference": None,
                }
            ],
            "outcomes": [
                {
                    "name": "Organisations publishing their self-assessment",
                    "definition": "Signatories that publish this year's self-assessment.",
                    "unit": "count",
                    "direction": "higher",
                    "baseline": 0.0,
                    "target": 100.0,
                    "period": "2026/27",
                    "data_source": "Declaration sign-up register",
                }
            ],
        },
    ],
}


def sample_declaration(**changes: object) -> Declaration:
    """A deep copy of the sample declaration with top-level ``changes`` applied."""
    declaration = copy.deepcopy(SAMPLE_DECLARATION)
    declaration.update(changes)  # type: ignore[typeddict-item]  # a sample overrides fields of the TypedDict by name
    return declaration


def sample_report() -> EngagementReport:
    """Engagement figures shaped like the app's, with a few small borough cells."""
    rng = random.Random(7)
    boroughs = {name: rng.randint(8, 70) for name in LONDON_BOROUGHS}
    boroughs["City of London"] = 3
    boroughs["Kingston upon Thames"] = 4
    boroughs["Outside London"] = 21
    start = date(2026, 9, 1)
    return {
        "title": "How London shaped the declaration",
        "generated_at": "2026-11-21T09:30:00+00:00",
        "participants_by_role": {"Staff": 512, "Service user": 301, "Carer": 187, "Other": 42},
        "participants_by_org_type": {
            "NHS trust": 380,
            "Local authority": 210,
            "Voluntary sector": 260,
            "Primary care": 150,
            "Independent provider": 3,
        },
        "participants_by_borough": boroughs,
        "activity_by_day": [
            (
                (start + timedelta(days=day)).isoformat(),
                rng.randint(10, 60),
                rng.randint(20, 90),
                rng.randint(30, 150),
            )
            for day in range(42)
        ],
        "contributions_by_section": {
            f["title"]: rng.randint(300, 900) for f in SAMPLE_DECLARATION["foundations"]
        },
        "contributions_by_stream": {"Online": 4200, "Focus group": 820, "Literature": 160, "Event": 320},
        "poll": {"completely": 512, "mostly": 436, "partly": 81, "not_at_all": 13},
        "themes": [
            {"label": "Continuity of care", "size": 420},
            {"label": "Joined-up records", "size": 388},
            {"label": "Carers' breaks", "size": 240},
            {"label": "Staff wellbeing", "size": 233},
            {"label": "Language and interpreters (বাংলা, العربية)", "size": 120},
        ],
    }


SNAPSHOT_COLUMNS: dict[str, list[str]] = {
    "contributions": [
        "id",
        "author_id",
        "author_name",
        "author_email",
        "kind",
        "stream",
        "section",
        "text",
        "role",
        "borough",
        "created_at",
        "status",
    ],
    "votes_by_item_segment": [
        "contribution_id",
        "segment_kind",
        "segment",
        "participants",
        "agree",
        "disagree",
        "pass",
    ],
    "themes": ["id", "run_id", "label", "keywords", "size"],
    "theme_members": ["theme_id", "contribution_id", "probability"],
    "poll_results": ["answer", "count", "share"],
    "outcomes": ["foundation", "name", "unit", "direction", "baseline", "target", "period", "data_source"],
    "assessments": ["organisation", "borough", "outcome", "period", "value", "status", "evidence"],
}

COLUMN_DESCRIPTIONS: ColumnDescriptions = {
    "contributions": {
        "id": "Contribution id",
        "author_id": "Who wrote it (a pseudonym P-xxxxxxxx in anonymised exports)",
        "author_name": "Display name (full exports only)",
        "author_email": "Email (full exports only)",
        "kind": "idea, comment or note",
        "stream": "online, focus group, literature or event",
        "section": "The part of the draft it answers",
        "text": "The contribution, with personal data masked",
        "role": "Author's role; '<5' where fewer than 5 people share it",
        "borough": "Author's borough; '<5' where fewer than 5 people share it",
        "created_at": "When it was made (UTC, ISO 8601)",
        "status": "visible, flagged or hidden",
    },
    "votes_by_item_segment": {
        "contribution_id": "The contribution voted on",
        "segment_kind": "role or borough",
        "segment": "The role or borough",
        "participants": "People in the segment who voted ('<5' when fewer than 5)",
        "agree": "Agree votes",
        "disagree": "Disagree votes",
        "pass": "Pass votes",
    },
}

_ROLES = ("Staff", "Service user", "Carer", "Other")
_TEXTS = (
    "More time with the same GP would help people like my mum.",
    "Shared records between the hospital and the council, please.",
    '=HYPERLINK("http://evil.example","click")',
    "Interpreters in every appointment: বাংলা, العربية, polski - Zażółć gęślą jaźń 😀",
    "@SUM(1+1) should stay text",
    "-2 beds on the ward last winter",
)


def sample_snapshot(*, contributions: int = 200, seed: int = 1) -> DataSnapshot:
    """A snapshot whose contributions table is a generator of ``contributions`` rows (never a list)."""

    def contribution_rows() -> Iterator[tuple[object, ...]]:
        rng = random.Random(seed)
        for n in range(1, contributions + 1):
            person = rng.randint(1, max(1, contributions // 4))
            borough = "City of London" if person == 1 else LONDON_BOROUGHS[person % 32]
            yield (
                n,
                person,
                f"Person Number{person}",
                f"person{person}@example.org",
                "idea" if n % 3 else "comment",
                "online",
                f"Foundation {1 + n % 4}",
                f"{_TEXTS[n % len(_TEXTS)]} (#{n})",
                _ROLES[person % 4],
                borough,
                f"2026-10-{1 + n % 28:02d}T12:00:00",
                "visible",
            )

    def vote_rows() -> Iterator[dict[str, object]]:
        for n in range(1, min(contributions, 50) + 1):
            for role in _ROLES:
                people = (n * 7 + len(role)) % 23
                yield {
                    "contribution_id": n,
                    "segment_kind": "role",
                    "segment": role,
                    "participants": people,
                    "agree": people,
                    "disagree": 0,
                    "pass": 0,
                }

    return {
        "contributions": (SNAPSHOT_COLUMNS["contributions"], contribution_rows()),
        "votes_by_item_segment": (SNAPSHOT_COLUMNS["votes_by_item_segment"], vote_rows()),
        "themes": (SNAPSHOT_COLUMNS["themes"], [(1, 1, "Continuity of care", "gp; same; time", 42)]),
        "theme_members": (SNAPSHOT_COLUMNS["theme_members"], [(1, n, 0.9) for n in range(1, 11)]),
        "poll_results": (
            SNAPSHOT_COLUMNS["poll_results"],
            [
                ("completely", 512, 0.49),
                ("mostly", 436, 0.42),
                ("partly", 81, 0.08),
                ("not_at_all", 13, 0.01),
            ],
        ),
        "outcomes": (
            SNAPSHOT_COLUMNS["outcomes"],
            [
                (
                    f["title"],
                    o["name"],
                    o["unit"],
                    o["direction"],
                    o["baseline"],
                    o["target"],
                    o["period"],
                    o["data_source"],
                )
                for f in SAMPLE_DECLARATION["foundations"]
                for o in f["outcomes"]
            ],
        ),
        "assessments": (
            SNAPSHOT_COLUMNS["assessments"],
            [
                (
                    "Barts Health",
                    "Tower Hamlets",
                    "Delayed discharges",
                    "2026/27",
                    95.0,
                    "partly",
                    "Board paper",
                )
            ],
        ),
    }


def write_readme_poster(path: str | Path = "docs/poster-example.png") -> Path:
    """The poster PNG the README shows."""
    from exports.poster import write_poster

    return write_poster(declaration=SAMPLE_DECLARATION, path=path, ppi=60)


# Keys the sample export's pseudonyms only; a real export takes the app's secret.
SAMPLE_PSEUDONYM_KEY = "sample-only-" + "pseudonym-key"


def write_all_samples(folder: Path) -> list[Path]:
    """Every export of the samples, one file each, into ``folder``."""
    from exports.data import write_data_zip
    from exports.document import write_document
    from exports.poster import write_poster
    from exports.report import write_report

    folder.mkdir(parents=True, exist_ok=True)
    written = [
        write_poster(declaration=SAMPLE_DECLARATION, path=folder / "poster-a3.pdf"),
        write_poster(declaration=SAMPLE_DECLARATION, path=folder / "poster-a4.pdf", paper="a4"),
        write_poster(declaration=SAMPLE_DECLARATION, path=folder / "poster.png"),
        *(
            write_document(declaration=SAMPLE_DECLARATION, path=folder / f"declaration.{ext}")
            for ext in ("pdf", "docx", "md")
        ),  # fmt: skip
        write_report(report=sample_report(), path=folder / "report.html"),
        write_report(report=sample_report(), path=folder / "report.pdf"),
    ]
    write_data_zip(
        snapshot=sample_snapshot(), out=folder / "data.zip", secret=SAMPLE_PSEUDONYM_KEY,
        column_descriptions=COLUMN_DESCRIPTIONS,
    )  # fmt: skip
    return [*written, folder / "data.zip"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--png", default="docs/poster-example.png", help="where to write the README poster")
    parser.add_argument("--all", metavar="DIR", help="also write every sample export into DIR")
    args = parser.parse_args()
    print(write_readme_poster(args.png))
    if args.all:
        for written in write_all_samples(Path(args.all)):
            print(written)


if __name__ == "__main__":
    main()
