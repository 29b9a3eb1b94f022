"""What the read API returns: plain dicts built from the same services the pages use.

Public (no token): published declaration versions with their foundations and outcomes, signatories, and
the benchmark - all of them public pages already. With a token of scope `read`: theme summaries
(names, sizes, support by role; quotes only from people who agreed to be quoted) and engagement figures,
with every small count suppressed the way the engagement report suppresses it (`exports.suppression`).
Lists are paged by an opaque cursor (`page`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from crowd.models import CareRole, DeclarationVersion, Theme, ThemeStatus, Workshop
from crowd.services.curation import consensus
from crowd.services.declaration import benchmark, signatories
from crowd.services.declaration import versions as declarations
from crowd.services.errors import DomainError, NotFound
from crowd.services.exports.data import engagement_report
from crowd.services.themes.curated import member_counts_of, representative_quotes_of
from exports.suppression import SUPPRESSED, suppress_counts

DEFAULT_LIMIT = 50
CURSOR = re.compile(r"c[0-9]{1,9}")  # where the next page starts; the API's own, passed back as is
MAX_LIMIT = 200


class BadQuery(DomainError):
    """A query parameter the API cannot use (422, naming the parameter)."""

    status_code = 422


@dataclass(frozen=True)
class PageRequest:
    offset: int
    limit: int


def page_request(cursor: str | None, limit: str | None) -> PageRequest:
    try:
        size = DEFAULT_LIMIT if limit in (None, "") else int(limit)
    except ValueError:
        raise BadQuery("limit must be a whole number from 1 to 200.", field="limit") from None
    if not 1 <= size <= MAX_LIMIT:
        raise BadQuery("limit must be a whole number from 1 to 200.", field="limit")
    if not cursor:
        return PageRequest(0, size)
    if not CURSOR.fullmatch(cursor):
        raise BadQuery("cursor is not one this API gave out: start again without it.", field="cursor")
    return PageRequest(int(cursor[1:]), size)


def _cursor(offset: int) -> str:
    return f"c{offset}"


def paged(items: list, page: PageRequest) -> dict:
    chunk = items[page.offset : page.offset + page.limit]
    end = page.offset + len(chunk)
    return {"items": chunk, "next_cursor": _cursor(end) if end < len(items) else None, "total": len(items)}


def _version_summary(version: DeclarationVersion) -> dict:
    snapshot = version.snapshot or {}
    return {
        "number": version.number,
        "title": snapshot.get("title", ""),
        "published_at": snapshot.get("published_at"),
        "foundations": len(snapshot.get("foundations", [])),
        "url": snapshot.get("url", ""),
    }


def list_versions(session: Session) -> list[dict]:
    return [_version_summary(v) for v in declarations.published_versions(session)]


def version_detail(session: Session, *, number: int) -> dict:
    version = declarations.published_version(session, number)
    snapshot = version.snapshot or {}
    return {
        **_version_summary(version),
        "preamble": snapshot.get("preamble", ""),
        "foundations": [
            {
                "slug": f["slug"],
                "title": f["title"],
                "statement": f["statement"],
                "looks_like": f["looks_like"],
                "how_to_achieve": f["how_to_achieve"],
                "outcomes": [
                    {
                        key: o.get(key)
                        for key in (
                            "name",
                            "definition",
                            "unit",
                            "direction",
                            "baseline",
                            "target",
                            "period",
                            "data_source",
                        )
                    }  # fmt: skip
                    | {"key": f"{f['slug']}-o{i}"}
                    for i, o in enumerate(f.get("outcomes", []), start=1)
                ],
            }
            for f in snapshot.get("foundations", [])
        ],
    }


def signatory_rows(session: Session, *, number: int) -> list[dict]:
    version = declarations.published_version(session, number)
    return [
        {
            "id": s.id,
            "organisation": s.organisation_name,
            "organisation_type": s.kind.value,
            "borough": s.borough,
            "signed_by": f"{s.signer_name}, {s.signer_role}",
            "signed_at": s.created_at.isoformat(timespec="seconds"),
        }
        for s in signatories.signatories_of(session, declaration_id=version.id)
    ]


def benchmark_items(session: Session, *, number: int) -> list[dict]:
    version = declarations.published_version(session, number)
    bench = benchmark.build_benchmark(session, declaration=version)
    ids = {(s.organisation_name, s.borough): s.id for s in bench.signatories}
    out = []
    for row in benchmark.benchmark_rows(bench):
        value = dict(zip(benchmark.CSV_COLUMNS, row, strict=True))
        out.append(
            {
                "foundation": value["foundation"],
                "outcome": value["outcome"],
                "unit": value["unit"],
                "direction": value["direction"],
                "baseline": value["baseline"],
                "target": value["target"],
                "signatory_id": ids.get((value["organisation"], value["borough"])),
                "organisation": value["organisation"],
                "organisation_type": value["organisation_type"],
                "borough": value["borough"],
                "period": value["period"],
                "value": value["value"],
                "rag": value["rag"],
            }
        )
    return out


def _workshop(session: Session, slug: str) -> Workshop:
    workshop = session.exec(select(Workshop).where(Workshop.slug == slug)).first()
    if workshop is None:
        raise NotFound("There is no workshop with that slug.")
    return workshop


def _shown(n: int, threshold: int) -> int | str:
    return SUPPRESSED if 0 < n < threshold else n


def theme_summaries(session: Session, *, slug: str, threshold: int) -> list[dict]:
    workshop = _workshop(session, slug)
    themes = list(
        session.exec(
            select(Theme)
            .where(Theme.workshop_id == workshop.id, Theme.status == ThemeStatus.ACTIVE)
            .order_by(col(Theme.size).desc(), col(Theme.id))
        )
    )
    ids = [t.id for t in themes]
    shares = consensus.by_theme(session, theme_ids=ids)
    sizes = member_counts_of(session, theme_ids=ids)
    quoted = representative_quotes_of(session, theme_ids=ids)
    out = []
    for theme in themes:
        primary, secondary = sizes[theme.id]
        if primary == 0:
            continue
        support = {}
        for role, share, voters in shares[theme.id].rows:
            hidden = 0 < voters < threshold
            support[CareRole(role).value] = {
                "voters": _shown(voters, threshold),
                "agree_share": None if hidden or share is None else round(share, 3),
            }
        quotes = [
            {"text": q.contribution.text, "role": q.role, "name": q.name}
            for q in quoted[theme.id]
            if q.name  # only people who agreed to be quoted
        ]
        out.append(
            {
                "id": theme.id,
                "name": theme.label,
                "description": theme.description,
                "keywords": list(theme.keywords),
                "size": _shown(primary, threshold),
                "also_touches": _shown(secondary, threshold),
                "support_by_role": support,
                "quotes": quotes,
            }
        )
    return out


def engagement(session: Session, *, slug: str | None, threshold: int) -> dict:
    workshop_id = _workshop(session, slug).id if slug else None
    report = engagement_report(session, workshop_id=workshop_id)
    breakdowns = {}
    for key in ("participants_by_role", "participants_by_org_type", "participants_by_borough",
                "contributions_by_stream", "contributions_by_section", "poll"):  # fmt: skip
        counts = suppress_counts(report[key], threshold=threshold)
        breakdowns[key] = {"counts": counts.shown(), "total": counts.total()}
    return {"title": report["title"], "generated_at": report["generated_at"], "suppressed_below": threshold,
            **breakdowns}  # fmt: skip


def version_number_of(session: Session, signatory) -> int:
    """The number of the published version an organisation signed (its token writes to that one)."""
    version = session.get(DeclarationVersion, signatory.declaration_id)
    if version is None:
        raise NotFound("The version this organisation signed no longer exists.")
    return version.number
