"""Pol.is-style opinion analysis over agree / disagree / pass votes.

Pure: numpy, scipy and scikit-learn only; it never imports the web application.
"""

from opinions.analysis import NOT_ENOUGH, analyse_votes
from opinions.matrix import VoteChoice, VoteMatrix, build_vote_matrix
from opinions.polis import PolisMethod, PolisState
from opinions.replay import ReplayOptions, run_cold, run_replay
from opinions.results import (
    Composition,
    ConsensusStatement,
    DivisiveStatement,
    Group,
    GroupShare,
    MajorityStatement,
    OpinionParams,
    OpinionResult,
    Point,
    Representative,
    WarmState,
    result_from_dict,
)

__all__ = [
    "NOT_ENOUGH",
    "Composition",
    "ConsensusStatement",
    "DivisiveStatement",
    "Group",
    "GroupShare",
    "MajorityStatement",
    "OpinionParams",
    "OpinionResult",
    "PolisMethod",
    "PolisState",
    "Point",
    "ReplayOptions",
    "Representative",
    "VoteChoice",
    "VoteMatrix",
    "WarmState",
    "analyse_votes",
    "build_vote_matrix",
    "result_from_dict",
    "run_cold",
    "run_replay",
]
