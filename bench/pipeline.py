"""Benchmark the theme pipeline on generated short texts.

    python bench/pipeline.py --n 10000        # or --n 50000
    python bench/pipeline.py --compare-only   # only the embedding routes against PyTorch fp32

Cold: this fresh process, no cached embeddings, model load and numba compilation included (with --worker:
the first run on a started worker, which loads the model and compiles UMAP at start-up). Warm: the same
pipeline run again in the same process with every vector cached (a long-lived worker). The default route
is the one `clustering.embed.best_route` picks for this CPU. Then every route (--routes, plus the default)
is compared with sentence-transformers PyTorch fp32 on a labelled subset, interleaved: the same texts in
batches, each batch through every route back to back in rotating order, --rounds rounds, in a fresh
process with OMP_WAIT_POLICY=PASSIVE (see `comparison_in_child`); the median speed-up per route in wall
seconds and in CPU seconds, each with its spread (max - min over rounds), and NMI of each through the same
pipeline. `embed_speedup` is the default route's median in wall seconds, `embed_speedup_cpu` in CPU
seconds. Prints JSON lines; the last line is one JSON object with the targets. Wall times depend on what
else the machine runs: CPU seconds, the load average and `others_cores` (the CPU the rest of the machine
used in each round of the comparison) are beside.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any, cast

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


def machine_busy_s() -> float | None:
    """CPU seconds the whole machine has been busy since boot (Linux /proc/stat; None elsewhere)."""
    try:
        with open("/proc/stat") as f:
            user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in f.readline().split()[1:8])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def compare_embedders(*, routes: list[str], m: int, seed: int, rounds: int, batch: int) -> dict[str, object]:
    """Each route against sentence-transformers PyTorch fp32 on the same labelled texts, interleaved: the
    texts go in batches of `batch`, and each batch through every route back to back, the order rotating
    from batch to batch and round to round, so a neighbour's burst on the machine lands on all routes
    alike. Each batch is timed in wall seconds and in this process's CPU seconds (all threads).

    Wall: a round's speed-up is the median over its batches of fp32 seconds / route seconds for the same
    batch (`speedup_rounds`; from the round's summed seconds: `speedup_rounds_total`). It moves with the
    neighbours' load (`others_cores`): PyTorch's two threads meet at every operator, so when a neighbour
    holds a core both wait for the one that is descheduled, while the int8 route's threads embed texts
    side by side and lose only the time taken. CPU: a round's speed-up is its summed fp32 CPU seconds /
    the route's (`cpu_speedup_rounds`): the work each route does, which the neighbours do not move as long
    as no thread spins (run with OMP_WAIT_POLICY=PASSIVE: see `comparison_in_child`). For both, the median
    over `rounds` and its spread (max - min over rounds). NMI of each route's vectors (first round)
    through the same pipeline."""
    texts, labels = generate(n=m, seed=seed + 100)
    ids = [str(i) for i in range(m)]
    names = ["torch", *[r for r in routes if r != "torch"]]
    embedders = {name: route_embedder(name) for name in names}
    for embedder in embedders.values():
        embedder.embed(texts[:32])  # first-call warm-up, for each
    chunks = [texts[i : i + batch] for i in range(0, m, batch)]
    wall = {name: [[0.0] * len(chunks) for _ in range(rounds)] for name in names}
    cpu = {name: [[0.0] * len(chunks) for _ in range(rounds)] for name in names}
    others_cores: list[float | None] = []
    parts: dict[str, list] = {name: [None] * len(chunks) for name in names}
    for number in range(rounds):
        round_wall, round_cpu, busy = time.perf_counter(), time.process_time(), machine_busy_s()
        for index, chunk in enumerate(chunks):
            shift = (number + index) % len(names)
            for name in names[shift:] + names[:shift]:
                t, c = time.perf_counter(), time.process_time()
                vectors = embedders[name].embed(chunk)
                wall[name][number][index] = time.perf_counter() - t
                cpu[name][number][index] = time.process_time() - c
                if number == 0:
                    parts[name][index] = vectors
        after = machine_busy_s()
        if busy is None or after is None:
            others_cores.append(None)
        else:  # cores' worth of CPU the rest of the machine used during the round
            own = time.process_time() - round_cpu
            others_cores.append(round(max(0.0, after - busy - own) / (time.perf_counter() - round_wall), 2))
    figures: dict[str, object] = {
        "compare_n": m,
        "rounds": rounds,
        "batch": batch,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
        "others_cores": others_cores,
        "routes": {},
    }
    for name in names:
        result = Pipeline().run(texts=texts, ids=ids, vectors=np.concatenate(parts[name]))
        speedups = [
            statistics.median(t32 / t for t32, t in zip(ref, own, strict=True))
            for ref, own in zip(wall["torch"], wall[name], strict=True)
        ]
        totals = [sum(ref) / sum(own) for ref, own in zip(wall["torch"], wall[name], strict=True)]
        cpu_speedups = [sum(ref) / sum(own) for ref, own in zip(cpu["torch"], cpu[name], strict=True)]
        seconds = [sum(own) for own in wall[name]]
        figures["routes"][name] = {  # type: ignore[index]
            "embed_s_median": round(statistics.median(seconds), 2),
            "texts_per_s": round(m / statistics.median(seconds), 1),
            "cpu_ms_per_text": round(1000 * statistics.median(sum(own) for own in cpu[name]) / m, 2),
            "speedup_median": round(statistics.median(speedups), 2),
            "speedup_spread": round(max(speedups) - min(speedups), 2),
            "speedup_rounds": [round(x, 2) for x in speedups],
            "speedup_rounds_total": [round(x, 2) for x in totals],
            "cpu_speedup_median": round(statistics.median(cpu_speedups), 2),
            "cpu_speedup_spread": round(max(cpu_speedups) - min(cpu_speedups), 2),
            "cpu_speedup_spread_relative": round(
                (max(cpu_speedups) - min(cpu_speedups)) / statistics.median(cpu_speedups), 3
            ),
            "cpu_speedup_rounds": [round(x, 2) for x in cpu_speedups],
            "nmi": score(result=result, ids=ids, texts=texts, labels=labels)["nmi"],
        }
    return figures


def comparison_in_child(args: argparse.Namespace, routes: list[str]) -> dict[str, object]:
    """`compare_embedders` in a fresh process whose OpenMP threads sleep while they wait
    (OMP_WAIT_POLICY=PASSIVE; --omp-wait-policy unset leaves OpenMP's default): PyTorch's OpenMP threads spin by default, and on a shared CPU a
    thread spinning at an operator's barrier takes the core its partner needs - measured here with a
    neighbour on the other core, PyTorch burned 3x the CPU and ran 3x slower than with PASSIVE, which
    made the reference slow and erratic (the speed-up moved with the load, 4.7 to 13.9). A fresh process
    also keeps the pipeline's own threads and memory out of the timing. OpenMP reads the policy once, when
    it loads, hence the child."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if args.omp_wait_policy != "unset":
        env["OMP_WAIT_POLICY"] = args.omp_wait_policy
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--comparison-child",
        "--routes",
        ",".join(routes),
    ]
    command += ["--compare", str(args.compare), "--seed", str(args.seed), "--rounds", str(args.rounds)]
    command += ["--batch", str(args.batch)]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


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
    parser.add_argument("--batch", type=int, default=20, help="texts per interleaved batch")
    parser.add_argument(
        "--routes",
        default="qint8-u8s8,qint8-u8u8,fp32",
        help="routes to compare with torch fp32 (qint8-u8s8: int8 for VNNI, qint8-u8u8: int8 for AVX2, fp32)",
    )
    parser.add_argument(
        "--compare-only",
        action="store_true",
        help="only the routes vs fp32 comparison (no 10k pipeline runs)",
    )
    parser.add_argument(
        "--omp-wait-policy",
        choices=["PASSIVE", "ACTIVE", "unset"],
        default="PASSIVE",
        help="OMP_WAIT_POLICY of the comparison's process (unset: OpenMP's default, which spins a while)",
    )
    parser.add_argument("--comparison-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.comparison_child:  # see comparison_in_child
        print(json.dumps(compare_embedders(**comparison_options(args))))
        return 0
    figures: dict[str, object] = {"load_average_at_start": LOAD_AT_START}
    if not args.compare_only:
        figures.update(pipeline_runs(args))

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
        comparison = comparison_in_child(args, list(dict.fromkeys([route, *args.routes.split(",")])))
        routes = cast(dict[str, dict[str, Any]], comparison["routes"])
        chosen = routes[route]
        fastest = max(routes.items(), key=lambda kv: kv[1]["speedup_median"])[0]
        fastest_cpu = max(routes.items(), key=lambda kv: kv[1]["cpu_speedup_median"])[0]
        figures.update(
            {
                "embed_speedup": chosen["speedup_median"],
                "embed_speedup_spread": chosen["speedup_spread"],
                "embed_speedup_cpu": chosen["cpu_speedup_median"],
                "embed_speedup_cpu_spread": chosen["cpu_speedup_spread"],
                "embed_speedup_cpu_spread_relative": chosen["cpu_speedup_spread_relative"],
                "nmi_fp32": routes["torch"]["nmi"],
                "nmi_default": chosen["nmi"],
                "default_is_fastest": fastest == route,
                "default_is_fastest_cpu": fastest_cpu == route,
                "comparison": comparison,
            }
        )
    figures["load_average_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine slows wall times
    figures["targets"] = {
        "cold_s": "<= 120",
        "warm_s": "<= 10",
        "embed_speedup": ">= 1.5 (wall seconds; its spread moves with the neighbours' load: others_cores)",
        "embed_speedup_cpu": ">= 1.5, spread < 0.2 (CPU seconds; max - min over rounds; "
        "embed_speedup_cpu_spread_relative is that spread / the median)",
        "nmi_default": "within 0.01 of nmi_fp32",
    }
    figures["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(figures))
    return 0


def comparison_options(args: argparse.Namespace) -> dict[str, object]:
    return {
        "routes": args.routes.split(","),
        "m": args.compare,
        "seed": args.seed,
        "rounds": args.rounds,
        "batch": args.batch,
    }


def pipeline_runs(args: argparse.Namespace) -> dict[str, object]:
    """The cold and the warm 10k run; prints a JSON line after each."""
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
    figures["load_average_after_warm"] = round(os.getloadavg()[0], 2)
    figures["warm_steps"] = step_times(warm)
    print(json.dumps({"warm": figures["warm_steps"]}), flush=True)
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
