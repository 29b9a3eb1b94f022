"""Benchmark the theme pipeline on generated short texts.

    python bench/pipeline.py --n 10000        # or --n 50000

Cold: this fresh process, no cached embeddings, model load and numba compilation included. Warm: the same
pipeline run again in the same process with every vector cached (a long-lived worker). Then the default
embedding route is compared with sentence-transformers PyTorch fp32 on a labelled subset (same texts, same
process): speed-up and NMI for both. Prints JSON lines; the last line is one JSON object. Wall times
depend on what else the machine runs: process CPU seconds and the load average are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

STARTED = time.perf_counter()

from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clustering import CachedEmbedder, MemoryCache, Pipeline, TorchEmbedder  # noqa: E402
from clustering.embed import default_embedder  # noqa: E402
from clustering.evaluate import score  # noqa: E402
from clustering.synthetic import generate, generate_mixed  # noqa: E402


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + children) / 1024, 1)  # Linux reports KiB


def step_times(result) -> dict[str, float]:
    return {f"{k}_s": round(v, 2) for k, v in result.timings.items()}


def compare_embedders(*, fast, m: int, seed: int) -> dict[str, float]:
    """fp32 PyTorch vs the default route on the same labelled texts; NMI through the same pipeline."""
    texts, labels = generate(n=m, seed=seed + 100)
    ids = [str(i) for i in range(m)]
    fp32 = TorchEmbedder()
    fp32.embed(texts[:32])  # first-call warm-up, for both
    fast.embed(texts[:32])
    t = time.perf_counter()
    v32 = fp32.embed(texts)
    fp32_s = time.perf_counter() - t
    t = time.perf_counter()
    vfast = fast.embed(texts)
    fast_s = time.perf_counter() - t
    nmi = {}
    for name, vectors in (("fp32", v32), ("default", vfast)):
        result = Pipeline().run(texts=texts, ids=ids, vectors=vectors)
        nmi[name] = score(result=result, ids=ids, texts=texts, labels=labels)["nmi"]
    return {
        "compare_n": m,
        "fp32_embed_s": round(fp32_s, 2),
        "default_embed_s": round(fast_s, 2),
        "embed_speedup": round(fp32_s / fast_s, 2),
        "nmi_fp32": nmi["fp32"],
        "nmi_default": nmi["default"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="number of generated texts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--compare", type=int, default=2000, help="labelled texts for fp32 vs default (0: skip)"
    )
    args = parser.parse_args(argv)

    texts, labels = generate_mixed(n=args.n, seed=args.seed)
    ids = [str(i) for i in range(args.n)]
    t = time.perf_counter()
    inner = default_embedder()
    load_s = time.perf_counter() - t
    embedder = CachedEmbedder(inner, MemoryCache())
    pipeline = Pipeline(embedder=embedder)

    cold = pipeline.run(texts=texts, ids=ids)
    cold_s = time.perf_counter() - STARTED
    cold_cpu_s = time.process_time()
    figures: dict[str, object] = {"n": args.n, "model": cold.model_name, "load_s": round(load_s, 2)}
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

    if args.compare:
        figures.update(compare_embedders(fast=inner, m=args.compare, seed=args.seed))
    figures["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
