"""Recall and precision of the personal-data masking on a labelled set, and its speed.

The labelled set (bench/data/masking_labelled.jsonl) has one line per object: ``text`` and ``pii``, the
pieces of personal data in it with their kind (names with titles and relations, dates of birth, street
addresses, NI numbers, spelled-out and full-width emails, phones, postcodes, NHS numbers) and lines with
none (hard negatives: "Dr appointments", "Victoria Station", "born and raised in Camden").

A labelled piece counts as found when the spans masked cover at least 80% of its characters; a masked
span counts as correct when it overlaps a labelled piece. Speed: microseconds per line, against the four
patterns the masking had before (email, NHS number, phone, postcode) on the same lines in the same run,
alternating rounds. The last line printed is one JSON object.

    python bench/masking.py [--data bench/data/masking_labelled.jsonl] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crowd.services.masking import find_personal_data  # noqa: E402

REFERENCE = [
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])"),
    re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)(?:\d[\s)-]{0,2}){8,9}\d(?!\d)"),
    re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}\b", re.IGNORECASE),
]


def reference(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in REFERENCE for m in pattern.finditer(text)]


def score(lines: list[dict]) -> dict:
    gold_total = found = predicted = correct = 0
    per_kind: dict[str, list[int]] = {}
    misses, false_alarms = [], []
    for line in lines:
        text = line["text"]
        spans = find_personal_data(text)
        covered = set()
        for s in spans:
            covered.update(range(s.start, s.end))
        gold_ranges = []
        for piece in line["pii"]:
            start = text.index(piece["text"])
            chars = set(range(start, start + len(piece["text"])))
            gold_ranges.append(chars)
            hit = len(chars & covered) >= 0.8 * len(chars)
            gold_total += 1
            found += hit
            per_kind.setdefault(piece["kind"], [0, 0])
            per_kind[piece["kind"]][0] += 1
            per_kind[piece["kind"]][1] += hit
            if not hit:
                misses.append(f"{piece['kind']}: {piece['text']!r} in {text!r}")
        for s in spans:
            predicted += 1
            ok = any(set(range(s.start, s.end)) & chars for chars in gold_ranges)
            correct += ok
            if not ok:
                false_alarms.append(f"{s.kind}: {text[s.start : s.end]!r} in {text!r}")
    return {
        "lines": len(lines),
        "labelled_pieces": gold_total,
        "recall": round(found / gold_total, 4) if gold_total else None,
        "precision": round(correct / predicted, 4) if predicted else None,
        "recall_by_kind": {k: round(h / n, 3) for k, (n, h) in sorted(per_kind.items())},
        "misses": misses,
        "false_alarms": false_alarms,
    }


def timing(lines: list[str], rounds: int) -> dict:
    ours, theirs = [], []
    for _ in range(rounds):
        for run, out in ((find_personal_data, ours), (reference, theirs)):
            start = time.perf_counter()
            for _ in range(20):
                for text in lines:
                    run(text)
            out.append((time.perf_counter() - start) / (20 * len(lines)) * 1e6)
    return {
        "rounds": rounds,
        "us_per_line": round(statistics.median(ours), 1),
        "reference_us_per_line": round(statistics.median(theirs), 1),
        "ratio_to_reference": round(statistics.median(ours) / statistics.median(theirs), 2),
        "ratio_min_max": [round(min(ours) / max(theirs), 2), round(max(ours) / min(theirs), 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "bench" / "data" / "masking_labelled.jsonl"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    lines = [
        json.loads(raw) for raw in Path(args.data).read_text(encoding="utf-8").splitlines() if raw.strip()
    ]
    result = score(lines)
    for miss in result["misses"]:
        print("missed", miss)
    for alarm in result["false_alarms"]:
        print("false alarm", alarm)
    result["speed"] = timing([line["text"] for line in lines], args.rounds)
    result["misses"], result["false_alarms"] = len(result["misses"]), len(result["false_alarms"])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
