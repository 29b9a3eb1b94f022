"""Consensus and division: the agree share among staff, service users and carers, separately.

A vote counts once per participant per contribution (the Vote table keeps one current row); passes are
left out of shares; hidden and withdrawn contributions are left out everywhere. A group is *heard* on a
statement when at least ``MIN_VOTERS`` of its members voted agree or disagree on it.

- **consensus**: at least two groups are heard and every heard group agrees at ``CONSENSUS_SHARE`` or more;
- **divisive**: at least two groups are heard and their agree shares differ by ``DIVISION_GAP`` or more.

``DIVISION_GAP`` is larger than ``1 - CONSENSUS_SHARE``, so nothing is both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from crowd.models import CareRole, Contribution, MemberRank, Participant, ThemeMember, Vote, VoteChoice
from crowd.services.workshop.contributions import shown_clause

GROUPS: tuple[CareRole, ...] = (CareRole.STAFF, CareRole.SERVICE_USER, CareRole.CARER)
MIN_VOTERS = 3  # agree + disagree votes a group needs on a statement before its share counts
CONSENSUS_SHARE = 0.70  # every heard group agrees at least this much
DIVISION_GAP = 0.35  # heard groups' agree shares differ by at least this much
MIN_GROUPS = 2  # groups that must be heard before a statement is called consensus or divisive


class Verdict(StrEnum):
    CONSENSUS = "consensus"
    DIVISIVE = "divisive"
    UNCLEAR = "unclear"  # groups heard but neither
    TOO_FEW = "too_few"  # fewer than MIN_GROUPS groups heard

    @property
    def label(self) -> str:
        return {
            "consensus": "Consensus",
            "divisive": "Divisive",
            "unclear": "Mixed",
            "too_few": "Too few votes",
        }[self.value]


@dataclass
class GroupShares:
    """Agree and disagree counts per group for one statement or theme."""

    counts: dict[CareRole, list[int]] = field(default_factory=lambda: {g: [0, 0] for g in GROUPS})

    def add(self, role: CareRole, choice: VoteChoice, n: int) -> None:
        self.counts[role][0 if choice == VoteChoice.AGREE else 1] += n

    def voters(self, role: CareRole) -> int:
        return sum(self.counts[role])

    def share(self, role: CareRole) -> float | None:
        agree, disagree = self.counts[role]
        return agree / (agree + disagree) if agree + disagree else None

    @property
    def heard(self) -> list[CareRole]:
        return [g for g in GROUPS if self.voters(g) >= MIN_VOTERS]

    @property
    def gap(self) -> float | None:
        shares = [self.share(g) or 0.0 for g in self.heard]
        return max(shares) - min(shares) if len(shares) >= MIN_GROUPS else None

    @property
    def verdict(self) -> Verdict:
        heard = self.heard
        if len(heard) < MIN_GROUPS:
            return Verdict.TOO_FEW
        if all((self.share(g) or 0.0) >= CONSENSUS_SHARE for g in heard):
            return Verdict.CONSENSUS
        if (self.gap or 0.0) >= DIVISION_GAP:
            return Verdict.DIVISIVE
        return Verdict.UNCLEAR

    @property
    def rows(self) -> list[tuple[CareRole, float | None, int]]:
        """(group, agree share, voters) for the pages."""
        return [(g, self.share(g), self.voters(g)) for g in GROUPS]


def _fill(rows: Iterable[tuple[int, str, str, int]]) -> dict[int, GroupShares]:
    out: dict[int, GroupShares] = {}
    for key, role, choice, n in rows:
        out.setdefault(key, GroupShares()).add(CareRole(role), VoteChoice(choice), int(n))
    return out


def _voted():
    return (col(Participant.role).in_([g.value for g in GROUPS]), col(Vote.choice) != VoteChoice.PASS)


def by_contribution(session: Session, *, contribution_ids: Sequence[int]) -> dict[int, GroupShares]:
    """Group shares of each shown contribution (one GROUP BY query per 900 ids)."""
    ids = list(contribution_ids)
    out: dict[int, GroupShares] = {}
    for start in range(0, len(ids), 900):
        rows = session.exec(
            select(Vote.contribution_id, Participant.role, Vote.choice, func.count())
            .join(Participant, col(Participant.id) == Vote.participant_id)
            .join(Contribution, col(Contribution.id) == Vote.contribution_id)
            .where(col(Vote.contribution_id).in_(ids[start : start + 900]), shown_clause(), *_voted())
            .group_by(col(Vote.contribution_id), col(Participant.role), col(Vote.choice))
        ).all()
        out.update(_fill(rows))
    return {cid: out.get(cid, GroupShares()) for cid in ids}


def by_theme(session: Session, *, theme_ids: Sequence[int]) -> dict[int, GroupShares]:
    """Group shares summed over each theme's shown primary members (one GROUP BY query)."""
    ids = list(theme_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(ThemeMember.theme_id, Participant.role, Vote.choice, func.count())
        .join(Vote, col(Vote.contribution_id) == ThemeMember.contribution_id)
        .join(Participant, col(Participant.id) == Vote.participant_id)
        .join(Contribution, col(Contribution.id) == ThemeMember.contribution_id)
        .where(col(ThemeMember.theme_id).in_(ids), ThemeMember.rank == MemberRank.PRIMARY, shown_clause())
        .where(*_voted())
        .group_by(col(ThemeMember.theme_id), col(Participant.role), col(Vote.choice))
    ).all()
    found = _fill(rows)
    return {tid: found.get(tid, GroupShares()) for tid in ids}


def statements_of_theme(
    session: Session, *, theme_id: int, verdict: Verdict, limit: int = 10
) -> list[tuple[Contribution, GroupShares]]:
    """The theme's shown primary members with the given verdict, most voted first."""
    members = session.exec(
        select(Contribution)
        .join(ThemeMember, col(ThemeMember.contribution_id) == Contribution.id)
        .where(ThemeMember.theme_id == theme_id, ThemeMember.rank == MemberRank.PRIMARY, shown_clause())
        .where(col(Contribution.agree_count) + col(Contribution.disagree_count) >= MIN_VOTERS * MIN_GROUPS)
    ).all()
    shares = by_contribution(session, contribution_ids=[c.id for c in members])
    chosen = [(c, shares[c.id]) for c in members if shares[c.id].verdict == verdict]
    chosen.sort(key=lambda pair: -(pair[0].agree_count + pair[0].disagree_count))
    return chosen[:limit]
