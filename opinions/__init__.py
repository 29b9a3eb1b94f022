"""Pol.is-style opinion analysis over agree / disagree / pass votes.

Pure: numpy, scipy and scikit-learn only; it never imports the web application.
"""

from opinions.analysis import NOT_ENOUGH, analyse_votes
from opinions.matrix import VoteChoice, VoteMatrix, build_vote_matrix
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
    "Point",
    "Representative",
    "VoteChoice",
    "VoteMatrix",
    "WarmState",
    "analyse_votes",
    "build_vote_matrix",
    "result_from_dict",
]
