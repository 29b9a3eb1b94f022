"""Opinion analysis at the issue's scale: 10,000 participants x 2,000 statements, 500,000 votes.

Three planted camps vote on 50 random statements each (agreeing with their camp's stance 80% of the
time); 5% of statements are agreed by everyone. Runs a full analysis, then an incremental one with 5,000
more votes warm-started from the first. Then replays the largest shared Pol.is conversation
(../shared/data/polis/vtaiwan.uberx, 1,921 participants, 50,000 votes) through Pol.is's method in
poll batches (opinions.replay), beside one cold update of the same votes as the in-run reference. The
last line printed is one JSON object.

    .venv/bin/python bench/opinions.py [--participants N] [--statements M] [--votes-each K]
                                       [--polis DIR] [--poll-seconds S] [--no-replay]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

# This script shares its name with the package: import the package from the repository root, not itself.
_HERE, _ROOT = Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]
sys.path[:] = [str(_ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.modules.pop("opinions", None)

from opinions import analyse_votes  # noqa: E402
from opinions.evaluate import evaluate_export  # noqa: E402

LARGEST = _ROOT.parent / "shared" / "data" / "polis" / "vtaiwan.uberx"


def planted_votes(
    *, participants: int, statements: int, votes_each: int, camps: int, seed: int
) -> tuple[list[tuple[int, int, int]], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, camps, size=participants)
    stance = rng.choice([-1, 1], size=(camps, statements))
    consensus = rng.choice(statements, size=statements // 20, replace=False)
    stance[:, consensus] = 1
    rows = np.repeat(np.arange(participants), votes_each)
    cols = np.concatenate([rng.choice(statements, votes_each, replace=False) for _ in range(participants)])
    follow = rng.random(rows.size) < 0.8
    noise = rng.choice([-1, 0, 1], size=rows.size)
    vals = np.where(follow, stance[camp[rows], cols], noise)
    return list(zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True)), camp, consensus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=2_000)
    parser.add_argument("--votes-each", type=int, default=50)
    parser.add_argument("--camps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--polis", type=Path, default=LARGEST, help="Pol.is export folder to replay")
    parser.add_argument(
        "--poll-seconds", type=float, default=60.0, help="replay batch (Pol.is polls every 1 s; default 60)"
    )
    parser.add_argument("--no-replay", action="store_true", help="skip the Pol.is replay")
    args = parser.parse_args()
    votes, camp, consensus = planted_votes(
        participants=args.participants,
        statements=args.statements,
        votes_each=args.votes_each,
        camps=args.camps,
        seed=args.seed,
    )
    start = time.perf_counter()
    first = analyse_votes(votes=votes)
    seconds = time.perf_counter() - start

    rng = np.random.default_rng(args.seed + 1)
    extra = [
        (int(p), int(s), int(rng.choice([-1, 0, 1])))
        for p, s in zip(
            rng.integers(0, args.participants, 5_000), rng.integers(0, args.statements, 5_000), strict=True
        )
    ]
    start = time.perf_counter()
    second = analyse_votes(votes=votes + extra, previous=first)
    incremental_seconds = time.perf_counter() - start

    ours = first.group_of()
    kept = second.group_of()
    same = sum(kept.get(p) == g for p, g in ours.items()) / max(len(ours), 1)
    found_consensus = {c.statement_id for c in first.consensus}
    replay = _replay(args) if not args.no_replay and args.polis.is_dir() else {}
    print(f"status: {first.status} ({first.message})")
    print(f"timings: {first.timings}")
    print(f"incremental timings: {second.timings}")
    print(
        json.dumps(
            {
                "participants": first.participants_counted,
                "statements": first.statements_counted,
                "votes": first.votes_counted,
                "participants_clustered": first.participants_clustered,
                "groups": len(first.groups),
                "planted_groups": args.camps,
                "ari": round(adjusted_rand_score([camp[p] for p in ours], list(ours.values())), 4),
                "consensus_recall": round(len(found_consensus & set(consensus.tolist())) / len(consensus), 4),
                "seconds": round(seconds, 2),
                "incremental_seconds": round(incremental_seconds, 2),
                "incremental_same_group": round(same, 4),
                **replay,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def _replay(args: argparse.Namespace) -> dict[str, object]:
    """Pol.is's method on a real conversation: one cold update (reference), then the replay."""
    cold = evaluate_export(path=args.polis)
    replayed = evaluate_export(path=args.polis, replay=True, poll_seconds=args.poll_seconds)
    print(f"replay of {args.polis.name}: {replayed['updates']} updates in {replayed['seconds']} s")
    return {
        "polis_conversation": args.polis.name,
        "polis_participants": replayed["participants"],
        "polis_votes": replayed["votes"],
        "polis_cold_seconds": cold["seconds"],
        "polis_cold_ari": cold["ari"],
        "replay_poll_seconds": args.poll_seconds,
        "replay_updates": replayed["updates"],
        "replay_seconds": replayed["seconds"],
        "replay_ms_per_update": round(1000 * replayed["seconds"] / max(replayed["updates"], 1), 1),
        "replay_ari": replayed["ari"],
    }


if __name__ == "__main__":
    main()
