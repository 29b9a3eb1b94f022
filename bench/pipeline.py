"""Benchmark the theme pipeline on generated short texts.

    python bench/pipeline.py --n 10000        # or --n 50000

Cold: this fresh process, no cached embeddings, model load and numba compilation included (with --worker:
the first run on a started worker, which loads the model and compiles UMAP at start-up). Warm: the same
pipeline run again in the same process with every vector cached (a long-lived worker). The default route
is the one `clustering.embed.best_route` picks for this CPU. Then every route (--routes, plus the default)
is compared with sentence-transformers PyTorch fp32 on a labelled subset, interleaved: the same texts in
batches, each batch through every route back to back in rotating order, --rounds rounds; the median
speed-up per route with its spread (max - min over rounds) and NMI of each through the same pipeline.
`embed_speedup` is the default route's median. Prints JSON lines; the last line is one JSON object with
the targets. Wall times depend on what else the machine runs: CPU seconds and the load average are beside.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

STARTED = time.perf_counter()
LOAD_AT_START = round(os.getloadavg()[0], 2)

from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from clustering import CachedEmbedder, MemoryCache, Pipeline  # noqa: E402
from clustering.embed import best_route, cpu_flags, default_embedder, int8_variant, route_embedder  # noqa: E402
from clustering.evaluate import score  # noqa: E402
from clustering.synthetic import generate, generate_mixed  # noqa: E402


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)  # Linux reports KiB


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def step_times(result) -> dict[str, float]:
    return {f"{k}_s": round(v, 2) for k, v in result.timings.items()}


def compare_embedders(*, routes: list[str], m: int, seed: int, rounds: int, batch: int) -> dict[str, object]:
    """Each route against sentence-transformers PyTorch fp32 on the same labelled texts, interleaved: the
    texts go in batches of `batch`, and each batch through every route back to back, the order rotating
    from batch to batch and round to round, so a neighbour's burst on the machine lands on all routes
    alike. A round's speed-up is the median over its batches of fp32 seconds / route seconds for the same
    batch, timed back to back (a burst of a neighbour's work spoils one batch's ratio, not the round's);
    `speedup_rounds_total` is the same from the round's summed seconds. The median over `rounds` and its
    spread (max - min). NMI of each route's vectors (first round) through the same pipeline."""
    texts, labels = generate(n=m, seed=seed + 100)
    ids = [str(i) for i in range(m)]
    names = ["torch", *[r for r in routes if r != "torch"]]
    embedders = {name: route_embedder(name) for name in names}
    for embedder in embedders.values():
        embedder.embed(texts[:32])  # first-call warm-up, for each
    chunks = [texts[i : i + batch] for i in range(0, m, batch)]
    seconds = {name: [0.0] * rounds for name in names}
    batch_seconds = {name: [[0.0] * len(chunks) for _ in range(rounds)] for name in names}
    parts: dict[str, list] = {name: [None] * len(chunks) for name in names}
    for number in range(rounds):
        for index, chunk in enumerate(chunks):
            shift = (number + index) % len(names)
            for name in names[shift:] + names[:shift]:
                t = time.perf_counter()
                vectors = embedders[name].embed(chunk)
                batch_seconds[name][number][index] = time.perf_counter() - t
                seconds[name][number] += batch_seconds[name][number][index]
                if number == 0:
                    parts[name][index] = vectors
    figures: dict[str, object] = {"compare_n": m, "rounds": rounds, "batch": batch, "routes": {}}
    for name in names:
        result = Pipeline().run(texts=texts, ids=ids, vectors=np.concatenate(parts[name]))
        speedups = sorted(
            statistics.median(t32 / t for t32, t in zip(ref, own, strict=True))
            for ref, own in zip(batch_seconds["torch"], batch_seconds[name], strict=True)
        )
        totals = sorted(t32 / t for t32, t in zip(seconds["torch"], seconds[name], strict=True))
        figures["routes"][name] = {  # type: ignore[index]
            "embed_s_median": round(statistics.median(seconds[name]), 2),
            "texts_per_s": round(m / statistics.median(seconds[name]), 1),
            "speedup_median": round(statistics.median(speedups), 2),
            "speedup_spread": round(speedups[-1] - speedups[0], 2),
            "speedup_rounds": [round(x, 2) for x in speedups],
            "speedup_rounds_total": [round(x, 2) for x in totals],
            "nmi": score(result=result, ids=ids, texts=texts, labels=labels)["nmi"],
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="number of generated texts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--compare", type=int, default=1000, help="labelled texts for the routes vs fp32 (0: skip)"
    )
    parser.add_argument(
        "--worker",
        action="store_true",
        help="cold = the first run on a started worker (UMAP compiled at start-up, as crowd worker does)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the comparison")
    parser.add_argument("--batch", type=int, default=100, help="texts per interleaved batch")
    parser.add_argument(
        "--routes",
        default="qint8-u8s8,qint8-u8u8,fp32",
        help="routes to compare with torch fp32 (qint8-u8s8: int8 for VNNI, qint8-u8u8: int8 for AVX2, fp32)",
    )
    args = parser.parse_args(argv)

    texts, labels = generate_mixed(n=args.n, seed=args.seed)
    ids = [str(i) for i in range(args.n)]
    t = time.perf_counter()
    inner = default_embedder()
    load_s = time.perf_counter() - t
    warm_up_s = None
    if args.worker:  # what `crowd worker` (and the in-process worker) does at start-up, before any run
        from crowd.worker import warm_up_umap

        warm_up_s = round(warm_up_umap(), 2)
        run_started, run_cpu = time.perf_counter(), time.process_time()
    embedder = CachedEmbedder(inner, MemoryCache())
    pipeline = Pipeline(embedder=embedder)

    cold = pipeline.run(texts=texts, ids=ids)
    cold_s = time.perf_counter() - (run_started if args.worker else STARTED)
    cold_cpu_s = time.process_time() - (run_cpu if args.worker else 0.0)
    figures: dict[str, object] = {"n": args.n, "model": cold.model_name, "load_s": round(load_s, 2)}
    figures["load_average_at_start"] = LOAD_AT_START
    if args.worker:
        figures["cold_means"] = "the first run on a started worker: model loaded, UMAP compiled at start-up"
        figures["worker_start_umap_s"] = warm_up_s
        figures["process_s"] = round(time.perf_counter() - STARTED, 2)
    else:
        figures["cold_means"] = "a fresh process: model load and numba compilation included"
    figures.update(step_times(cold))
    figures.update(
        {
            "cold_s": round(cold_s, 2),
            "cold_cpu_s": round(cold_cpu_s, 2),
            "themes": len(cold.themes),
            "noise_share": round(cold.noise_share, 4),
            "foundations": len(cold.foundations),
            "nmi_vs_generator": score(result=cold, ids=ids, texts=texts, labels=labels)["nmi"],
        }
    )
    print(json.dumps({"cold": figures}), flush=True)

    t, cpu = time.perf_counter(), time.process_time()
    warm = pipeline.run(texts=texts, ids=ids)
    figures["warm_s"] = round(time.perf_counter() - t, 2)
    figures["warm_cpu_s"] = round(time.process_time() - cpu, 2)
    figures["load_average_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine slows wall times
    figures["warm_steps"] = step_times(warm)
    print(json.dumps({"warm": figures["warm_steps"]}), flush=True)

    route = best_route()
    if route == "qint8":  # the int8 graph this CPU gets
        route = f"qint8-{int8_variant()}"
    flags = cpu_flags()
    figures["route"] = route
    figures["cpu"] = {
        "model": cpu_model(),
        "count": len(os.sched_getaffinity(0)),
        "features": sorted(flags & {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8"}),
    }
    if args.compare:
        routes = list(dict.fromkeys([route, *args.routes.split(",")]))
        comparison = compare_embedders(
            routes=routes, m=args.compare, seed=args.seed, rounds=args.rounds, batch=args.batch
        )
        chosen = comparison["routes"][route]  # type: ignore[index]
        fastest = max(comparison["routes"].items(), key=lambda kv: kv[1]["speedup_median"])[0]  # type: ignore[union-attr]
        figures.update(
            {
                "embed_speedup": chosen["speedup_median"],
                "embed_speedup_spread": chosen["speedup_spread"],
                "nmi_fp32": comparison["routes"]["torch"]["nmi"],  # type: ignore[index]
                "nmi_default": chosen["nmi"],
                "default_is_fastest": fastest == route,
                "comparison": comparison,
            }
        )
    figures["targets"] = {
        "cold_s": "<= 120",
        "warm_s": "<= 10",
        "embed_speedup": ">= 1.5 (spread < 0.2)",
        "nmi_default": "within 0.01 of nmi_fp32",
    }
    figures["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
