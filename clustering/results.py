"""Plain result types of a theme run: no behaviour beyond small conveniences."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

UNTHEMED = -1


class RunStatus(StrEnum):
    OK = "ok"
    NOT_ENOUGH_CONTRIBUTIONS = "not_enough_contributions"


@dataclass
class Theme:
    index: int
    label: str
    keywords: list[str]
    member_ids: list[str]
    representative_ids: list[str]
    centroid: np.ndarray
    # contributions whose membership is split and that also touch this theme (secondary membership)
    secondary_ids: list[str] = field(default_factory=list)
    # other names the run considered (in the contributors' words), a short extractive description and, per
    # description sentence, the ids of the contributions it came from
    name_options: list[str] = field(default_factory=list)
    description: str = ""
    description_ids: list[list[str]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.member_ids)


@dataclass
class Citation:
    """One drafted sentence and the ids of the contributions it draws on (empty: crowd says it found none)."""

    text: str
    ids: list[str]

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "ids": list(self.ids)}


@dataclass
class Foundation:
    title: str
    statement: str
    theme_indices: list[int]
    quote_ids: list[str]
    looks_like: str = ""
    how_to_achieve: str = ""
    # "statement" / "looks_like" / "how_to_achieve" -> the sentences of that part with their sources
    citations: dict[str, list[Citation]] = field(default_factory=dict)
    n_contributions: int = 0
    title_index: int | None = None  # the theme whose name is the title


@dataclass
class RunResult:
    status: RunStatus
    message: str
    model_name: str
    params: dict[str, object]
    timings: dict[str, float]
    themes: list[Theme] = field(default_factory=list)
    foundations: list[Foundation] = field(default_factory=list)
    # per input id: theme index or UNTHEMED; ids of skipped (blank) texts are listed apart
    assignments: dict[str, int] = field(default_factory=dict)
    secondary: dict[str, int] = field(default_factory=dict)
    skipped_ids: list[str] = field(default_factory=list)
    n_contributions: int = 0

    @property
    def unthemed_ids(self) -> list[str]:
        return [i for i, t in self.assignments.items() if t == UNTHEMED]

    @property
    def noise_share(self) -> float:
        return len(self.unthemed_ids) / len(self.assignments) if self.assignments else 0.0

    def labels_for(self, ids: list[str]) -> list[int]:
        return [self.assignments.get(i, UNTHEMED) for i in ids]
