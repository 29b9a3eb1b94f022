"""Compare our groups with Pol.is's on a Pol.is export.

    python -m opinions.evaluate FILE.csv [--comments comments.csv] [--seed N]

FILE.csv is a votes.csv or a participants-votes.csv (detected from the header). Where the file carries
Pol.is's group-id, the adjusted Rand index of our groups against Pol.is's is reported over the
participants both place. The last line printed is one JSON object with at least participants, groups
and ari (null when the file carries no groups or no participant is placed by both).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import adjusted_rand_score

from opinions.analysis import analyse_votes
from opinions.polis_csv import CsvFormatError, read_moderated_out, read_polis_export
from opinions.results import OpinionParams


def evaluate_file(*, path: Path | str, comments: Path | str | None = None, seed: int = 0) -> dict[str, Any]:
    """Analyse a Pol.is export and compare with its group-id; raises CsvFormatError for a bad file."""
    started = time.perf_counter()
    export = read_polis_export(path)
    hidden = read_moderated_out(comments) if comments else set()
    result = analyse_votes(votes=export.votes, hidden_statements=hidden, params=OpinionParams(seed=seed))
    ours = result.group_of()
    both = [p for p in ours if p in export.polis_groups]
    ari = None
    if both and export.polis_groups:
        ari = round(
            float(adjusted_rand_score([export.polis_groups[p] for p in both], [ours[p] for p in both])), 4
        )
    return {
        "file": str(path),
        "format": export.format,
        "status": result.status,
        "message": result.message,
        "participants": result.participants_counted,
        "participants_clustered": result.participants_clustered,
        "statements": result.statements_counted,
        "votes": result.votes_counted,
        "groups": len(result.groups),
        "group_sizes": [g.size for g in result.groups],
        "polis_groups": len(set(export.polis_groups.values())) or None,
        "compared": len(both),
        "ari": ari,
        "consensus": [c.statement_id for c in result.consensus[:5]],
        "seconds": round(time.perf_counter() - started, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="crowd opinions evaluate",
        description="Compare our opinion groups with Pol.is's on a Pol.is export.",
    )
    parser.add_argument("file", type=Path, help="Pol.is votes.csv or participants-votes.csv")
    parser.add_argument(
        "--comments", type=Path, help="Pol.is comments.csv, to leave moderated-out comments out"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for given in (args.file, args.comments):
        if given is not None and not given.is_file():
            print(f"error: {given}: no such file", file=sys.stderr)
            return 2
    try:
        report = evaluate_file(path=args.file, comments=args.comments, seed=args.seed)
    except CsvFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{report['format']}: {report['participants']} participants, {report['votes']} votes")
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
