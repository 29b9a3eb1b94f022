"""Where a cited contribution can be read: the addresses behind a draft's footnotes and a quote's link.

A drafted sentence (a theme description, a candidate foundation's statement) keeps the ids of the
contributions it came from. Footnotes number the distinct ids of a draft in order of first citation and
link each to the contribution: an idea to its page, a comment to its place under its idea, an imported
note (which has no public page) to its row in its theme's curation workspace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from crowd.models import Contribution, ContributionKind, MemberRank, ThemeMember, Workshop
from crowd.services.workshop.contributions import shown_clause


@dataclass(frozen=True)
class Footnoted:
    """One drafted sentence with the footnote numbers of its sources."""

    text: str
    notes: list[int]


@dataclass(frozen=True)
class Footnote:
    number: int
    contribution_id: int
    url: str
    shown: bool  # false when the contribution was hidden or withdrawn since the draft


@dataclass
class Draft:
    """A machine draft ready to show: parts of footnoted sentences, and the footnotes they share."""

    parts: dict[str, list[Footnoted]]
    footnotes: list[Footnote]

    @property
    def sources(self) -> int:
        return len(self.footnotes)


def links(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The address of each contribution, for moderators."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = session.exec(
        select(
            Contribution.id,
            Contribution.kind,
            Contribution.parent_id,
            Contribution.workshop_id,
            Workshop.slug,
        )
        .join(Workshop, col(Workshop.id) == Contribution.workshop_id)
        .where(col(Contribution.id).in_(wanted))
    ).all()
    themes = dict(
        session.exec(
            select(ThemeMember.contribution_id, ThemeMember.theme_id).where(
                col(ThemeMember.contribution_id).in_(wanted), ThemeMember.rank == MemberRank.PRIMARY
            )
        ).all()
    )
    out = {}
    for cid, kind, parent_id, workshop_id, slug in rows:
        if kind == ContributionKind.IDEA:
            out[cid] = f"/w/{slug}/ideas/{cid}"
        elif kind == ContributionKind.COMMENT and parent_id is not None:
            out[cid] = f"/w/{slug}/ideas/{parent_id}#c{cid}"
        elif cid in themes:
            out[cid] = f"/manage/themes/{themes[cid]}/curate#m{cid}"
        else:
            out[cid] = f"/manage/workshops/{workshop_id}/themes/unthemed#m{cid}"
    return out


def footnoted(session: Session, parts: dict[str, Sequence[dict]]) -> Draft:
    """Number the sources of a draft (``{"part": [{"text", "ids"}]}``) in order of first citation."""
    order: list[int] = []
    for sentences in parts.values():
        for sentence in sentences:
            for cid in sentence.get("ids", []):
                if int(cid) not in order:
                    order.append(int(cid))
    addresses = links(session, order)
    shown = set(
        session.exec(select(Contribution.id).where(col(Contribution.id).in_(order or [-1]), shown_clause()))
    )
    number = {cid: i + 1 for i, cid in enumerate(order)}
    return Draft(
        parts={
            name: [
                Footnoted(str(s.get("text", "")), [number[int(c)] for c in s.get("ids", [])])
                for s in sentences
            ]
            for name, sentences in parts.items()
        },
        footnotes=[Footnote(number[c], c, addresses.get(c, ""), c in shown) for c in order],
    )


def description_draft(session: Session, *, description: str, description_ids: list) -> Draft | None:
    """A theme's drafted description as footnoted sentences (None when it has no sources)."""
    if not description or not description_ids:
        return None
    from clustering.sentences import split_sentences

    sentences = split_sentences(description)
    if len(sentences) != len(description_ids):  # one sentence with several full stops inside
        sentences = [description]
        description_ids = [[i for ids in description_ids for i in ids]]
    return footnoted(
        session,
        {"description": [{"text": t, "ids": ids} for t, ids in zip(sentences, description_ids, strict=True)]},
    )
