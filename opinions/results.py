"""Plain result and parameter records of an opinion analysis, with a JSON-friendly round trip."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Id = int | str
Status = Literal["ok", "not_enough_votes"]
RepfulFor = Literal["agree", "disagree"]


@dataclass(frozen=True)
class OpinionParams:
    """Tunable constants; the defaults are Pol.is's (math/src/polismath/math/conversation.clj)."""

    min_votes: int = 7
    """A participant joins the clustering after this many votes (or all statements, if fewer)."""
    greedy_participants: int = 15
    """If fewer than this many qualify, the most active voters are added until there are this many."""
    min_clustered: int = 4
    """Below this many clustered participants no groups are formed."""
    base_k: int = 100
    """Number of fine "base" clusters the participants are first grouped into."""
    max_k: int = 5
    """Largest number of opinion groups tried (capped at 2 + base clusters / 12, as Pol.is does)."""
    k_buffer: int = 4
    """On incremental runs a new best k is adopted only after it wins this many runs in a row."""
    significance_z: float = 1.2816
    """One-sided z threshold (90% confidence) for representative and consensus statements."""
    max_representative: int = 5
    max_divisive: int = 10
    min_divisive_spread: float = 0.25
    """A divisive statement's smoothed agree share differs by at least this much between two groups."""
    kmeans_iters: int = 100
    seed: int = 0


@dataclass(frozen=True)
class Point:
    participant_id: Id
    x: float
    y: float
    group: int | None
    """None when the participant voted too little to be clustered."""


@dataclass(frozen=True)
class Representative:
    """One representative statement of a group, in Pol.is's finalised form (repness.clj)."""

    statement_id: Id
    repful_for: RepfulFor
    n_success: int
    """Group members who agreed (or disagreed, for a disagree statement)."""
    n_trials: int
    """Group members who saw (voted on, passes included) the statement."""
    p_success: float
    """(n_success + 1) / (n_trials + 2)."""
    p_test: float
    """prop-test z of p_success against one half."""
    repness: float
    """p_success in the group divided by the same probability among everyone else clustered."""
    repness_test: float
    """two-prop-test z of the group against everyone else."""
    best_agree: bool = False


@dataclass(frozen=True)
class Composition:
    attribute: str
    counts: tuple[tuple[str, int], ...]
    """(value, participants), most frequent first."""


@dataclass(frozen=True)
class Group:
    id: int
    size: int
    members: tuple[Id, ...]
    centre: tuple[float, float]
    make_up: tuple[Composition, ...]
    representative: tuple[Representative, ...]


@dataclass(frozen=True)
class GroupShare:
    group: int
    agree: int
    disagree: int
    seen: int
    p_agree: float
    """(agree + 1) / (seen + 2), the smoothed agree share."""


@dataclass(frozen=True)
class ConsensusStatement:
    statement_id: Id
    consensus: float
    """Group-informed consensus: the product over groups of p_agree."""
    by_group: tuple[GroupShare, ...]


@dataclass(frozen=True)
class DivisiveStatement:
    statement_id: Id
    variance: float
    """Variance across groups of the smoothed agree share."""
    spread: float
    by_group: tuple[GroupShare, ...]


@dataclass(frozen=True)
class MajorityStatement:
    """Pol.is's plain majority consensus over every counted participant (select-consensus-comments)."""

    statement_id: Id
    direction: RepfulFor
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True)
class WarmState:
    """What an incremental run takes from the previous run."""

    statement_ids: tuple[Id, ...] = ()
    components: tuple[tuple[float, ...], ...] = ()
    base_members: tuple[tuple[Id, ...], ...] = ()
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass(frozen=True)
class OpinionResult:
    status: Status
    message: str
    participants_counted: int
    participants_clustered: int
    statements_counted: int
    votes_counted: int
    points: tuple[Point, ...] = ()
    groups: tuple[Group, ...] = ()
    consensus: tuple[ConsensusStatement, ...] = ()
    """Statements every group agrees with (significantly), best group-informed consensus first."""
    group_informed_consensus: tuple[tuple[Id, float], ...] = ()
    """Every statement with its group-informed consensus, highest first."""
    divisive: tuple[DivisiveStatement, ...] = ()
    majority: tuple[MajorityStatement, ...] = ()
    silhouettes: tuple[tuple[int, float], ...] = ()
    """(k, silhouette of the base clusters) for each number of groups tried."""
    params: OpinionParams = field(default_factory=OpinionParams)
    timings: dict[str, float] = field(default_factory=dict)
    state: WarmState = field(default_factory=WarmState)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def point_for(self, participant_id: Id) -> Point | None:
        """Where one participant sits on the map, if they were placed."""
        return next((p for p in self.points if p.participant_id == participant_id), None)

    def group_of(self) -> dict[Id, int]:
        """Clustered participant id -> group id."""
        return {p.participant_id: p.group for p in self.points if p.group is not None}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot (tuples become lists)."""
        return dataclasses.asdict(self)


def result_from_dict(data: dict[str, Any]) -> OpinionResult:
    """Rebuild a result from `OpinionResult.to_dict()` (after a JSON round trip), e.g. to warm-start."""

    def shares(rows: list[dict[str, Any]]) -> tuple[GroupShare, ...]:
        return tuple(GroupShare(**row) for row in rows)

    groups = tuple(
        Group(
            id=g["id"],
            size=g["size"],
            members=tuple(g["members"]),
            centre=(g["centre"][0], g["centre"][1]),
            make_up=tuple(
                Composition(c["attribute"], tuple((v, n) for v, n in c["counts"])) for c in g["make_up"]
            ),
            representative=tuple(Representative(**r) for r in g["representative"]),
        )
        for g in data["groups"]
    )
    state = data["state"]
    return OpinionResult(
        status=data["status"],
        message=data["message"],
        participants_counted=data["participants_counted"],
        participants_clustered=data["participants_clustered"],
        statements_counted=data["statements_counted"],
        votes_counted=data["votes_counted"],
        points=tuple(Point(**p) for p in data["points"]),
        groups=groups,
        consensus=tuple(
            ConsensusStatement(c["statement_id"], c["consensus"], shares(c["by_group"]))
            for c in data["consensus"]
        ),
        group_informed_consensus=tuple((s, v) for s, v in data["group_informed_consensus"]),
        divisive=tuple(
            DivisiveStatement(d["statement_id"], d["variance"], d["spread"], shares(d["by_group"]))
            for d in data["divisive"]
        ),
        majority=tuple(MajorityStatement(**m) for m in data["majority"]),
        silhouettes=tuple((k, s) for k, s in data["silhouettes"]),
        params=OpinionParams(**data["params"]),
        timings=dict(data["timings"]),
        state=WarmState(
            statement_ids=tuple(state["statement_ids"]),
            components=tuple(tuple(c) for c in state["components"]),
            base_members=tuple(tuple(m) for m in state["base_members"]),
            last_k=state["last_k"],
            last_k_count=state["last_k_count"],
            smoothed_k=state["smoothed_k"],
        ),
    )
