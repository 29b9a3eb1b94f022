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
        "preamble": 0.08, "personal": 0.2, "boundaries": 0.0, "leaders": -0.15, "outcomes": 0.0,
        "outcome_commissioning": -0.35, "benchmarking": -0.25, "joint_budgets": -0.25, "what_matters": 0.2,
        "shared_records": -0.2, "tell_story_once": 0.2, "plain_language": 0.2,
    },
    "system_change": {
        "preamble": 0.0, "personal": -0.1, "boundaries": 0.2, "leaders": -0.12, "outcomes": 0.15,
        "outcome_commissioning": 0.35, "benchmarking": 0.3, "joint_budgets": 0.3, "plain_language": -0.2,
        "shared_records": 0.25, "single_access": 0.2,
    },
    "workforce": {
        "preamble": -0.05, "personal": -0.12, "boundaries": 0.0, "leaders": 0.3, "outcomes": -0.12,
        "benchmarking": -0.4, "outcome_commissioning": -0.2, "waiting_times": -0.2, "burnout": 0.3,
        "care_pay": 0.3, "agency_continuity": 0.2, "what_matters": -0.1,
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
