"""Readers for Pol.is's public export files.

- votes.csv (long): one row per vote; columns include voter-id, comment-id and vote (1 agree, -1 disagree,
  0 pass), usually also timestamp and datetime. A later vote by the same voter on the same comment wins
  (rows are ordered by timestamp when the column is there).
- participants-votes.csv (wide): participant, [xid,] group-id, n-comments, n-votes, n-agree, n-disagree,
  then one column per comment id with cells 1 / -1 / 0 or empty (not seen). group-id is Pol.is's own
  group; exports since 2023 may carry an xid column (the owner's own participant id) after participant.
- comments.csv (optional): comment-id and moderated (-1 = moderated out), and since 2023 is-meta, to
  zero moderated-out and meta comments as Pol.is does.

The format is detected from the header; a file that fits neither is refused, with line numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from opinions.results import Id

LONG_COLUMNS = ("voter-id", "comment-id", "vote")
WIDE_COLUMNS = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")
MAX_REPORTED = 10


class CsvFormatError(ValueError):
    """A file that is not a Pol.is export we can read; the message names the offending lines."""


@dataclass(frozen=True)
class PolisExport:
    format: Literal["votes", "participants-votes"]
    votes: list[tuple[Id, Id, int]]
    polis_groups: dict[Id, int] = field(default_factory=dict)
    """Pol.is's group per participant, where the file carries group-id."""
    times: list[float] | None = None
    """votes.csv: each vote's timestamp (ms), parallel to `votes`; None where the file has no timestamps."""
    comment_ids: tuple[Id, ...] = ()
    """participants-votes.csv: the comment columns, in order."""
    xids: dict[Id, str] = field(default_factory=dict)
    """participants-votes.csv: the xid column, where there is one and the cell is filled."""
    lines: tuple[int, ...] = ()
    """votes.csv: the line each vote came from, parallel to `votes` (for messages)."""

    @property
    def has_times(self) -> bool:
        return self.times is not None

    def timed_votes(self) -> list[tuple[float, Id, Id, int]]:
        """(timestamp, participant, comment, vote) rows; raises ValueError without timestamps."""
        if self.times is None:
            raise ValueError("the file has no timestamps")
        return [(t, p, c, v) for t, (p, c, v) in zip(self.times, self.votes, strict=True)]


@dataclass(frozen=True)
class PolisComments:
    ids: frozenset[Id]
    moderated_out: frozenset[Id]
    meta: frozenset[Id]
    has_meta_column: bool
    first_time: float | None = None


def _id(text: str) -> Id:
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else text


def _vote(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value in (-1.0, 0.0, 1.0) else None


class _Errors:
    def __init__(self, path: Path) -> None:
        self.path, self.lines = path, []

    def add(self, line: int, message: str) -> None:
        self.lines.append(f"line {line}: {message}")

    def raise_if_any(self) -> None:
        if self.lines:
            shown = self.lines[:MAX_REPORTED]
            more = len(self.lines) - len(shown)
            tail = f"\n  ... and {more} more" if more else ""
            raise CsvFormatError(f"{self.path}: refused\n  " + "\n  ".join(shown) + tail)


def _rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for row in reader:
        if any(cell.strip() for cell in row):
            yield reader.line_num, row  # type: ignore[attr-defined]  # csv's readers have line_num at runtime; the stubs type this one as an iterator


def _read_long(path: Path, header: list[str], reader: Iterator[list[str]], errors: _Errors) -> PolisExport:
    col = {name: header.index(name) for name in LONG_COLUMNS}
    has_time = "timestamp" in header
    t_col = header.index("timestamp") if has_time else -1
    rows: list[tuple[float, int, tuple[Id, Id, int]]] = []
    for line, row in _rows(reader):
        if len(row) != len(header):
            errors.add(line, f"expected {len(header)} columns, found {len(row)}")
            continue
        voter, comment, raw = (row[col[c]].strip() for c in LONG_COLUMNS)
        vote = _vote(raw)
        if not voter or not comment:
            errors.add(line, "voter-id and comment-id must not be empty")
        elif vote is None:
            errors.add(line, f"vote must be 1, -1 or 0, not {raw!r}")
        else:
            stamp = _vote_time(row[t_col]) if has_time else 0.0
            if stamp is None:
                errors.add(line, f"timestamp must be a number, not {row[t_col]!r}")
                continue
            rows.append((stamp, line, (_id(voter), _id(comment), vote)))
    errors.raise_if_any()
    rows.sort(key=lambda r: (r[0], r[1]))
    return PolisExport(
        format="votes",
        votes=[r[2] for r in rows],
        times=[r[0] for r in rows] if has_time else None,
        lines=tuple(r[1] for r in rows),
    )


def _vote_time(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _read_wide(path: Path, header: list[str], reader: Iterator[list[str]], errors: _Errors) -> PolisExport:
    has_xid = len(header) > 1 and header[1] == "xid"
    leading = ["participant", *(["xid"] if has_xid else []), *WIDE_COLUMNS[1:]]
    first_comment = len(leading)
    if header[:first_comment] != leading:
        errors.add(
            1,
            f"the first columns must be {', '.join(WIDE_COLUMNS)} (with xid after participant, "
            f"as exports since 2023 have it), not {', '.join(header[:first_comment])}",
        )
        errors.raise_if_any()
    names = header[first_comment:]
    for position, name in enumerate(names, start=first_comment + 1):
        if not name.strip().isdigit():
            errors.add(
                1, f"column {position} is {name!r}: after n-disagree every column must be a comment id"
            )
    comments = [_id(name) for name in names]
    duplicates = sorted({c for c in comments if comments.count(c) > 1}, key=str)
    if duplicates:
        errors.add(1, f"comment column(s) {', '.join(map(str, duplicates))} appear more than once")
    errors.raise_if_any()
    group_col = leading.index("group-id")
    votes: list[tuple[Id, Id, int]] = []
    groups: dict[Id, int] = {}
    xids: dict[Id, str] = {}
    seen: set[Id] = set()
    for line, row in _rows(reader):
        if len(row) != len(header):
            errors.add(line, f"expected {len(header)} columns, found {len(row)}")
            continue
        pid_text, group_text = row[0].strip(), row[group_col].strip()
        if not pid_text:
            errors.add(line, "participant must not be empty")
            continue
        pid = _id(pid_text)
        if pid in seen:
            errors.add(line, f"participant {pid_text} appears twice")
            continue
        seen.add(pid)
        if has_xid and row[1].strip():
            xids[pid] = row[1].strip()
        if group_text:
            if not group_text.lstrip("-").isdigit():
                errors.add(line, f"group-id must be a whole number or empty, not {group_text!r}")
                continue
            groups[pid] = int(group_text)
        for comment, cell in zip(comments, row[first_comment:], strict=True):
            cell = cell.strip()
            if not cell:
                continue
            vote = _vote(cell)
            if vote is None:
                errors.add(line, f"vote on comment {comment} must be 1, -1, 0 or empty, not {cell!r}")
            else:
                votes.append((pid, comment, vote))
    errors.raise_if_any()
    return PolisExport(
        format="participants-votes",
        votes=votes,
        polis_groups=groups,
        comment_ids=tuple(comments),
        xids=xids,
    )


def read_polis_export(path: Path | str) -> PolisExport:
    """Read a votes.csv or participants-votes.csv export, detecting which from the header."""
    path = Path(path)
    errors = _Errors(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader, [])]
        if not any(header):
            errors.add(1, "the file is empty: expected a header row")
            errors.raise_if_any()
        if "participant" in header or "group-id" in header:
            missing = [c for c in WIDE_COLUMNS if c not in header]
            if missing:
                errors.add(1, f"participants-votes.csv header lacks {', '.join(missing)}")
            errors.raise_if_any()
            return _read_wide(path, header, reader, errors)
        missing = [c for c in LONG_COLUMNS if c not in header]
        if missing:
            errors.add(
                1,
                f"not a Pol.is votes.csv (lacks {', '.join(missing)}) "
                f"nor a participants-votes.csv (lacks participant, group-id)",
            )
        errors.raise_if_any()
        return _read_long(path, header, reader, errors)


def read_comments(path: Path | str) -> PolisComments:
    """A Pol.is comments.csv: every comment id, the moderated-out ones (moderated = -1) and, where the
    export has the is-meta column (since 2023), the meta ones."""
    path = Path(path)
    errors = _Errors(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader, [])]
        if not any(header):
            errors.add(1, "the file is empty: expected a header row")
            errors.raise_if_any()
        missing = [c for c in ("comment-id", "moderated") if c not in header]
        if missing:
            errors.add(1, f"comments.csv header lacks {', '.join(missing)}")
        errors.raise_if_any()
        c_col, m_col = header.index("comment-id"), header.index("moderated")
        meta_col = header.index("is-meta") if "is-meta" in header else None
        t_col = header.index("timestamp") if "timestamp" in header else None
        ids: set[Id] = set()
        hidden: set[Id] = set()
        meta: set[Id] = set()
        first: float | None = None
        for line, row in _rows(reader):
            if len(row) != len(header):
                errors.add(line, f"expected {len(header)} columns, found {len(row)}")
                continue
            text = row[c_col].strip()
            if not text.isdigit():
                errors.add(line, f"comment-id must be a whole number, not {text!r}")
                continue
            comment = _id(text)
            if comment in ids:
                errors.add(line, f"comment {comment} appears twice")
            ids.add(comment)
            moderated = row[m_col].strip()
            if moderated not in ("-1", "0", "1"):
                errors.add(line, f"moderated must be -1, 0 or 1, not {moderated!r}")
            elif moderated == "-1":
                hidden.add(comment)
            if meta_col is not None:
                flag = row[meta_col].strip().lower()
                if flag in ("1", "true", "t", "yes"):
                    meta.add(comment)
                elif flag not in ("", "0", "false", "f", "no"):
                    errors.add(line, f"is-meta must be true/false or 1/0, not {row[meta_col]!r}")
            if t_col is not None:
                stamp = _vote_time(row[t_col])
                if stamp is not None:
                    first = stamp if first is None else min(first, stamp)
    errors.raise_if_any()
    return PolisComments(
        ids=frozenset(ids),
        moderated_out=frozenset(hidden),
        meta=frozenset(meta),
        has_meta_column=meta_col is not None,
        first_time=first,
    )


def check_comment_ids(export: PolisExport, comments: PolisComments, path: Path | str) -> None:
    """Refuse an export whose votes or columns name comments that comments.csv does not have."""
    errors = _Errors(Path(path))
    if export.format == "participants-votes":
        unknown = [c for c in export.comment_ids if c not in comments.ids]
        if unknown:
            shown = ", ".join(map(str, unknown[:MAX_REPORTED]))
            errors.add(1, f"comment column(s) {shown} are not in comments.csv")
    else:
        for line, (_, comment, _) in zip(
            export.lines or range(2, len(export.votes) + 2), export.votes, strict=True
        ):
            if comment not in comments.ids:
                errors.add(line, f"comment-id {comment} is not in comments.csv")
    errors.raise_if_any()


def read_moderated_out(path: Path | str) -> set[Id]:
    """Comment ids that a Pol.is comments.csv marks as moderated out (moderated = -1)."""
    path = Path(path)
    errors = _Errors(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [c for c in ("comment-id", "moderated") if c not in header]
        if missing:
            errors.add(1, f"comments.csv header lacks {', '.join(missing)}")
        errors.raise_if_any()
        c_col, m_col = header.index("comment-id"), header.index("moderated")
        hidden: set[Id] = set()
        for line, row in _rows(reader):
            if len(row) <= max(c_col, m_col):
                errors.add(line, f"expected {len(header)} columns, found {len(row)}")
            elif row[m_col].strip() == "-1":
                hidden.add(_id(row[c_col]))
    errors.raise_if_any()
    return hidden
