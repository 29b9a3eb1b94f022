"""How people vote in the demo: a subtopic's appeal, the voter's role and outlook, and the post itself.

The effects are modest on purpose: enough for consensus and division by role, and for opinion groups, to
be found by the analyses, not so strong that every vote is predictable.
"""

from __future__ import annotations

import random

from crowd.demo.texts import Stance
from crowd.demo.topics import Subtopic
from crowd.models import VoteChoice

# An outlook's pull on a whole section, with subtopic keys overriding their section.
CAMP_AFFINITY: dict[str, dict[str, float]] = {
    "people_first": {
        "preamble": 0.05, "personal": 0.12, "boundaries": 0.03, "leaders": -0.08, "outcomes": 0.0,
        "outcome_commissioning": -0.25, "benchmarking": -0.15, "joint_budgets": -0.15, "what_matters": 0.12,
    },
    "system_change": {
        "preamble": 0.0, "personal": -0.03, "boundaries": 0.12, "leaders": -0.06, "outcomes": 0.1,
        "outcome_commissioning": 0.25, "benchmarking": 0.22, "joint_budgets": 0.22, "plain_language": -0.1,
    },
    "workforce": {
        "preamble": 0.0, "personal": -0.06, "boundaries": 0.0, "leaders": 0.18, "outcomes": -0.05,
        "benchmarking": -0.3, "outcome_commissioning": -0.1, "waiting_times": -0.12, "burnout": 0.25,
    },
}  # fmt: skip
STANCE_SHIFT = {Stance.SUPPORT: 0.0, Stance.QUESTION: -0.08, Stance.CAVEAT: -0.22, Stance.OFF_TOPIC: -0.35}
PASS_CHANCE = {Stance.SUPPORT: 0.08, Stance.QUESTION: 0.2, Stance.CAVEAT: 0.12, Stance.OFF_TOPIC: 0.45}


def agree_chance(*, topic: Subtopic, role: str, camp: str, stance: str, quality: float) -> float:
    affinity = CAMP_AFFINITY[camp]
    pull = affinity.get(topic.key, affinity.get(topic.section, 0.0))
    chance = topic.appeal + topic.lean.get(role, 0.0) + pull + STANCE_SHIFT[stance] + quality
    return min(0.97, max(0.03, chance))


def choose_vote(
    rng: random.Random, *, topic: Subtopic, role: str, camp: str, stance: str, quality: float
) -> VoteChoice:
    if rng.random() < PASS_CHANCE[stance]:
        return VoteChoice.PASS
    chance = agree_chance(topic=topic, role=role, camp=camp, stance=stance, quality=quality)
    return VoteChoice.AGREE if rng.random() < chance else VoteChoice.DISAGREE
