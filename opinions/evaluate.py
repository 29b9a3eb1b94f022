"""Reproduce Pol.is's groups on a Pol.is export and compare with its own `group-id`.

    python -m opinions.evaluate PATH [--comments comments.csv] [--votes votes.csv] [--meta IDS]
                                     [--replay] [--poll-seconds S] [--restart-hours H] [--seed N]

PATH is an export folder (participants-votes.csv, votes.csv, comments.csv), or one file: a votes.csv or a
participants-votes.csv (detected from the header). The groups are Pol.is's method (opinions.polis): cold,
one update with every vote by the method Pol.is ran on the last vote's date; with --replay, votes.csv is
replayed in poll-sized batches by timestamp (opinions.replay). Moderated-out comments (comments.csv) and
meta comments (its is-meta column, or --meta) are zeroed as Pol.is does. Where the export carries Pol.is's
group-id, the adjusted Rand index of our groups against it is reported over the participants both place.
The last line printed is one JSON object with at least participants, groups and ari (null when the file
carries no groups or no participant is placed by both).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from opinions.polis import PolisMethod, PolisState
from opinions.polis_csv import (
    CsvFormatError,
    PolisComments,
    PolisExport,
    check_comment_ids,
    read_comments,
    read_polis_export,
)
from opinions.replay import DAY_MS, ReplayOptions, run_cold, run_replay
from opinions.results import Id

NO_TIMES = "the votes carry no timestamps, so there is nothing to replay: ran once (cold)"


@dataclass(frozen=True)
class ExportFiles:
    main: Path
    votes: Path | None
    comments: Path | None


def find_files(path: Path, *, comments: Path | None, votes: Path | None) -> ExportFiles:
    """A folder names its participants-votes.csv (or votes.csv), votes.csv and comments.csv."""
    if path.is_dir():
        wide, long = path / "participants-votes.csv", path / "votes.csv"
        main = wide if wide.is_file() else long
        if not main.is_file():
            raise CsvFormatError(f"{path}: refused\n  no participants-votes.csv or votes.csv in this folder")
        votes = votes or (long if long.is_file() else None)
        found = path / "comments.csv"
        comments = comments or (found if found.is_file() else None)
        return ExportFiles(main=main, votes=votes, comments=comments)
    return ExportFiles(main=path, votes=votes, comments=comments)


def _ari(ours: dict[Id, int], theirs: dict[Id, int]) -> tuple[float | None, int]:
    both = [p for p in ours if p in theirs]
    if not both or not theirs:
        return None, len(both)
    from sklearn.metrics import adjusted_rand_score

    score = adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both])
    return round(float(score), 4), len(both)


def _timed(export: PolisExport, votes_export: PolisExport | None) -> tuple[list, bool]:
    """The votes to analyse, as (time, participant, comment, vote), and whether the times are real."""
    source = votes_export or export
    if source.has_times:
        return source.timed_votes(), True
    return [(0.0, p, c, v) for p, c, v in source.votes], False


def evaluate_export(
    *,
    path: Path | str,
    comments: Path | str | None = None,
    votes: Path | str | None = None,
    meta: Sequence[Id] = (),
    replay: bool = False,
    poll_seconds: float = 1.0,
    restart_hours: float | None = 24.0,
    seed: int = 0,
) -> dict[str, Any]:
    """Run Pol.is's method on an export and compare with its group-id; raises CsvFormatError for a bad
    file (the message names the lines)."""
    started = time.perf_counter()
    files = find_files(
        Path(path),
        comments=Path(comments) if comments else None,
        votes=Path(votes) if votes else None,
    )
    export = read_polis_export(files.main)
    votes_export = None
    if files.votes is not None and files.votes != files.main:
        votes_export = read_polis_export(files.votes)
        if votes_export.format != "votes":
            raise CsvFormatError(f"{files.votes}: refused\n  line 1: --votes must be a votes.csv")
    info: PolisComments | None = read_comments(files.comments) if files.comments else None
    if info is not None:
        check_comment_ids(export, info, files.main)
        if votes_export is not None:
            check_comment_ids(votes_export, info, files.votes)
    zeroed = set(meta)
    if info is not None:
        zeroed |= set(info.moderated_out) | set(info.meta)
    timed, has_times = _timed(export, votes_export)
    options = ReplayOptions(
        poll_ms=poll_seconds * 1000,
        restart_after_ms=None if restart_hours is None else restart_hours * 3600 * 1000,
        restart_every_ms=None if restart_hours is None else restart_hours * 3600 * 1000,
        dated=has_times,
        seed=seed,
    )
    notes = []
    updates = 1
    if replay and has_times:
        state, updates = run_replay(timed, zeroed=zeroed, options=options)
        mode = "replay"
    else:
        if replay:
            notes.append(NO_TIMES)
        state = run_cold(timed, zeroed=zeroed, options=options)
        mode = "cold"
    return _report(
        files=files,
        export=export,
        state=state,
        zeroed=zeroed,
        info=info,
        mode=mode,
        updates=updates,
        notes=notes,
        method=PolisMethod.as_of(max(v[0] for v in timed) if timed and has_times else None),
        started=started,
    )


def _report(
    *,
    files: ExportFiles,
    export: PolisExport,
    state: PolisState,
    zeroed: set[Id],
    info: PolisComments | None,
    mode: str,
    updates: int,
    notes: list[str],
    method: PolisMethod,
    started: float,
) -> dict[str, Any]:
    ours = state.group_of()
    if len(set(ours.values())) < 2:
        ours = {}  # one group is no grouping: Pol.is shows no groups either
    sizes = Counter(ours.values())
    ari, compared = _ari(ours, export.polis_groups)
    n_groups = len(sizes)
    statements = [c for c in state.cols if c not in zeroed]
    if n_groups >= 2:
        status, message = (
            "ok",
            f"{n_groups} opinion groups among {len(ours)} of {len(state.rows)} participants",
        )
    else:
        status, message = "not_enough_votes", "not enough votes to form two or more groups"
    if export.format == "participants-votes" and not export.polis_groups:
        notes.append("group-id is empty on every line: Pol.is placed nobody, so there is nothing to compare")
    elif export.format == "votes":
        notes.append("votes.csv carries no group-id: give the folder or participants-votes.csv to compare")
    if info is not None and not info.has_meta_column and not zeroed - set(info.moderated_out):
        notes.append(
            "comments.csv has no is-meta column (exports before 2023): pass meta comments with --meta"
        )
    return {
        "file": str(files.main),
        "format": export.format,
        "mode": mode,
        "status": status,
        "message": message,
        "participants": len(state.rows),
        "participants_clustered": len(state.in_conv),
        "statements": len(statements),
        "zeroed": sorted(c for c in zeroed if c in state.col_index),
        "votes": int((~np.isnan(state.raw)).sum()),
        "groups": n_groups,
        "group_sizes": sorted(sizes.values(), reverse=True),
        "polis_groups": len(set(export.polis_groups.values())) or None,
        "polis_group_sizes": sorted(Counter(export.polis_groups.values()).values(), reverse=True),
        "compared": compared,
        "ari": ari,
        "updates": updates,
        "method": asdict(method),
        "notes": notes,
        "seconds": round(time.perf_counter() - started, 3),
    }


def meta_ids(text: str) -> list[Id]:
    """--meta 3,7,12 -> [3, 7, 12]; raises ValueError on anything but comment ids."""
    out: list[Id] = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(f"--meta takes comment ids separated by commas, not {part!r}")
        out.append(int(part))
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crowd opinions evaluate",
        description="Reproduce Pol.is's opinion groups on its export and compare with its group-id.",
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", type=Path, help="a Pol.is export folder, or its participants-votes.csv or votes.csv"
    )
    parser.add_argument(
        "--comments", type=Path, help="Pol.is comments.csv: moderated-out (and is-meta) comments are zeroed"
    )
    parser.add_argument("--votes", type=Path, help="Pol.is votes.csv, for the vote times (replay, dates)")
    parser.add_argument(
        "--meta",
        default="",
        metavar="IDS",
        help="meta comment ids, comma-separated (exports before 2023 do not mark them)",
    )
    parser.add_argument(
        "--replay", action="store_true", help="replay votes.csv by timestamp, one update per poll"
    )
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="replay batch length (default 1)")
    parser.add_argument(
        "--restart-hours",
        type=float,
        default=DAY_MS / 3_600_000,
        help="in a replay, Pol.is's worker restarts this often and after this long a silence "
        "(default 24; 0: never)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of Pol.is's random PCA start vectors")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args)


def run(args: argparse.Namespace) -> int:
    for given in (args.file, args.comments, args.votes):
        if given is not None and not given.exists():
            print(f"error: {given}: no such file", file=sys.stderr)
            return 2
    if args.poll_seconds <= 0:
        print("error: --poll-seconds must be more than 0", file=sys.stderr)
        return 2
    try:
        meta = meta_ids(args.meta)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        report = evaluate_export(
            path=args.file,
            comments=args.comments,
            votes=args.votes,
            meta=meta,
            replay=args.replay,
            poll_seconds=args.poll_seconds,
            restart_hours=args.restart_hours or None,
            seed=args.seed,
        )
    except CsvFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{report['format']}: {report['participants']} participants, {report['votes']} votes")
    print(f"Pol.is's method, {report['mode']}: {report['updates']} update(s)")
    for note in report["notes"]:
        print(f"note: {note}")
    print(f"{report['status']}: {report['message']}")
    if report["ari"] is not None:
        print(
            f"adjusted Rand index against Pol.is's groups: {report['ari']} "
            f"(over {report['compared']} participants placed by both)"
        )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
