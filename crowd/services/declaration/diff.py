"""A readable diff between two frozen declarations: word-level insertions and deletions per part."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

FOUNDATION_FIELDS = (
    ("title", "Title"),
    ("statement", "Statement"),
    ("looks_like", "What it should look like"),
    ("how_to_achieve", "How it can be achieved"),
    ("evidence", "Evidence"),
    ("outcomes", "Outcomes"),
)


@dataclass
class FieldChange:
    label: str
    segments: list[tuple[str, str]]  # ("equal" | "insert" | "delete", text)


@dataclass
class PartChange:
    title: str
    status: str  # "added" | "removed" | "changed"
    changes: list[FieldChange] = field(default_factory=list)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(), new.split()
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("insert", " ".join(b[j1:j2])))
    return segments


def _text(foundation: dict, name: str) -> str:
    if name == "evidence":
        return "\n".join(f"{e['text']} ({e['attribution']})" for e in foundation["evidence"])
    if name == "outcomes":
        return "\n".join(
            f"{o['name']}: baseline {o['baseline']}, target {o['target']} {o['period']}".strip()
            for o in foundation["outcomes"]
        )
    return foundation.get(name) or ""


def _changes(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    for name, label in FOUNDATION_FIELDS:
        before, after = _text(old, name), _text(new, name)
        if before != after:
            changes.append(FieldChange(label, word_diff(before, after)))
    return changes


def diff_declarations(old: dict, new: dict) -> list[PartChange]:
    """What changed from `old` to `new`: the title and preamble, then each foundation by slug."""
    parts: list[PartChange] = []
    head = [
        FieldChange(label, word_diff(old[key] or "", new[key] or ""))
        for key, label in (("title", "Title"), ("preamble", "Preamble"))
        if (old[key] or "") != (new[key] or "")
    ]
    if head:
        parts.append(PartChange("Title and preamble", "changed", head))
    old_by_slug = {f["slug"]: f for f in old["foundations"]}
    new_slugs = {f["slug"] for f in new["foundations"]}
    for foundation in new["foundations"]:
        before = old_by_slug.get(foundation["slug"])
        if before is None:
            empty = {name: "" for name, _ in FOUNDATION_FIELDS} | {"evidence": [], "outcomes": []}
            parts.append(PartChange(foundation["title"], "added", _changes(empty, foundation)))
        else:
            changes = _changes(before, foundation)
            if changes:
                parts.append(PartChange(foundation["title"], "changed", changes))
    for foundation in old["foundations"]:
        if foundation["slug"] not in new_slugs:
            parts.append(PartChange(foundation["title"], "removed"))
    return parts
