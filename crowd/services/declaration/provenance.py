"""You said, we did: what shaped each published foundation, and what became of each contribution.

Read from the curation records as they stand: the themes grouped under a foundation (FoundationTheme),
their members (ThemeMember, primary or secondary), the quotes pinned as evidence, and the moderators'
decisions in the audit log. Hidden and withdrawn contributions are never counted; a quote links to its
contribution only when its author consented to be quoted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from crowd.models import (
    AuditEntry,
    CareRole,
    Contribution,
    ContributionStatus,
    DeclarationVersion,
    Evidence,
    EvidenceKind,
    Foundation,
    FoundationTheme,
    MemberRank,
    Participant,
    SafeguardingCase,
    Stream,
    Theme,
    ThemeMember,
    ThemeStatus,
    Workshop,
)
from crowd.services.declaration.foundations import quote_attribution

UNKNOWN_ROLE = "Not known"


@dataclass
class Quote:
    text: str
    attribution: str
    href: str


@dataclass
class Shaped:
    """What shaped one foundation of a published version."""

    slug: str
    title: str
    themes: list[tuple[str, int]] = field(default_factory=list)  # (label, contributions in it)
    total: int = 0
    by_role: dict[str, int] = field(default_factory=dict)
    by_stream: dict[str, int] = field(default_factory=dict)
    quotes: list[Quote] = field(default_factory=list)


def _role_label(contribution: Contribution, author: Participant | None) -> str:
    value = author.role.value if author is not None and author.role else contribution.source_role
    try:
        return CareRole(value).label if value else UNKNOWN_ROLE
    except ValueError:
        return str(value).replace("_", " ").capitalize()


def contribution_href(contribution: Contribution, slug: str) -> str:
    return f"/w/{slug}/ideas/{contribution.parent_id or contribution.id}#c{contribution.id}"


def _counted(contribution: Contribution | None) -> bool:
    return (
        contribution is not None
        and contribution.status != ContributionStatus.HIDDEN
        and contribution.withdrawn_at is None
    )


def shaped_by(session: Session, *, version: DeclarationVersion) -> list[Shaped]:
    """Per foundation of the version (in order): its themes, and the contributions in them by role and
    stream, with links to the quotes whose authors consented."""
    slugs = [f["slug"] for f in (version.snapshot or {}).get("foundations", [])]
    titles = {f["slug"]: f["title"] for f in (version.snapshot or {}).get("foundations", [])}
    found = {f.slug: f for f in session.exec(select(Foundation).where(col(Foundation.slug).in_(slugs)))}
    result = []
    for slug in slugs:
        shaped = Shaped(slug=slug, title=titles[slug])
        foundation = found.get(slug)
        if foundation is not None:
            _fill(session, shaped, foundation)
        result.append(shaped)
    return result


def _fill(session: Session, shaped: Shaped, foundation: Foundation) -> None:
    themes = list(
        session.exec(
            select(Theme)
            .join(FoundationTheme, col(FoundationTheme.theme_id) == col(Theme.id))
            .where(FoundationTheme.foundation_id == foundation.id, Theme.status == ThemeStatus.ACTIVE)
            .order_by(col(Theme.size).desc(), col(Theme.id))
        )
    )
    members = list(
        session.exec(
            select(ThemeMember.theme_id, Contribution)
            .join(Contribution, col(Contribution.id) == col(ThemeMember.contribution_id))
            .where(
                col(ThemeMember.theme_id).in_([t.id for t in themes]),
                ThemeMember.rank != MemberRank.EXCLUDED,
                Contribution.status != ContributionStatus.HIDDEN,
                col(Contribution.withdrawn_at).is_(None),
            )
        )
    )
    authors = _authors(session, {c.author_id for _, c in members if c.author_id})
    per_theme = Counter(theme_id for theme_id, _ in members)
    shaped.themes = [(t.label, per_theme.get(t.id, 0)) for t in themes]
    unique = {c.id: c for _, c in members}
    roles = Counter(_role_label(c, authors.get(c.author_id)) for c in unique.values())
    streams = Counter(Stream(c.stream).label for c in unique.values())
    shaped.total = len(unique)
    shaped.by_role = dict(roles.most_common())
    shaped.by_stream = dict(streams.most_common())
    shaped.quotes = _consented_quotes(session, foundation.id)


def _authors(session: Session, ids: set) -> dict[int, Participant]:
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Participant).where(col(Participant.id).in_(ids)))}


def _consented_quotes(session: Session, foundation_id: int) -> list[Quote]:
    rows = list(
        session.exec(
            select(Contribution, Participant, Workshop.slug)
            .join(Evidence, col(Evidence.contribution_id) == col(Contribution.id))
            .join(Participant, col(Participant.id) == col(Contribution.author_id))
            .join(Workshop, col(Workshop.id) == col(Contribution.workshop_id))
            .where(
                Evidence.foundation_id == foundation_id,
                Evidence.kind == EvidenceKind.QUOTE,
                col(Participant.consent_quote).is_(True),
                col(Participant.erased_at).is_(None),
            )
            .order_by(Evidence.position, Evidence.id)
        )
    )
    return [
        Quote(c.text, quote_attribution(c, author), contribution_href(c, slug))
        for c, author, slug in rows
        if _counted(c)
    ]


@dataclass
class Fate:
    """What became of one of the participant's contributions."""

    themes: list[str] = field(default_factory=list)
    foundations: list[str] = field(default_factory=list)
    quoted_in: list[str] = field(default_factory=list)
    hidden_reason: str | None = None
    safeguarding: bool = False  # escalated because someone may be at risk: the author sees where to get help

    @property
    def nothing_yet(self) -> bool:
        return not (self.themes or self.foundations or self.quoted_in or self.hidden_reason)


def what_became(session: Session, *, contribution_ids: list[int]) -> dict[int, Fate]:
    """contribution id -> its fate: the themes it is in, the foundations those themes are under, the
    foundations that quote it as evidence, and why a moderator hid it."""
    fates = {cid: Fate() for cid in contribution_ids}
    if not contribution_ids:
        return fates
    placed = session.exec(
        select(ThemeMember.contribution_id, Theme)
        .join(Theme, col(Theme.id) == col(ThemeMember.theme_id))
        .where(
            col(ThemeMember.contribution_id).in_(contribution_ids),
            ThemeMember.rank != MemberRank.EXCLUDED,
            Theme.status == ThemeStatus.ACTIVE,
        )
    ).all()
    theme_ids = {t.id for _, t in placed}
    under: dict[int, list[str]] = {}
    if theme_ids:
        for theme_id, title in session.exec(
            select(FoundationTheme.theme_id, Foundation.title)
            .join(Foundation, col(Foundation.id) == col(FoundationTheme.foundation_id))
            .where(col(FoundationTheme.theme_id).in_(theme_ids))
        ):
            under.setdefault(theme_id, []).append(title)
    for cid, theme in placed:
        fate = fates[cid]
        fate.themes.append(theme.label)
        fate.foundations += [t for t in under.get(theme.id, []) if t not in fate.foundations]
    for cid, title in session.exec(
        select(Evidence.contribution_id, Foundation.title)
        .join(Foundation, col(Foundation.id) == col(Evidence.foundation_id))
        .where(col(Evidence.contribution_id).in_(contribution_ids), Evidence.kind == EvidenceKind.QUOTE)
    ):
        fates[cid].quoted_in.append(title)
    hidden = session.exec(
        select(AuditEntry.target_id, AuditEntry.note)
        .where(
            AuditEntry.action == "hide_contribution",
            AuditEntry.target_type == "contribution",
            col(AuditEntry.target_id).in_(contribution_ids),
        )
        .order_by(col(AuditEntry.id))
    ).all()
    for cid, note in hidden:
        fates[cid].hidden_reason = note or "No reason was recorded."
    for cid in session.exec(
        select(SafeguardingCase.contribution_id).where(
            col(SafeguardingCase.contribution_id).in_(contribution_ids)
        )
    ):
        fates[cid].safeguarding = True
    return fates
