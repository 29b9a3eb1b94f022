"""bench/pipeline.py's embedding comparison: run in a child whose OpenMP threads do not spin, and reported in
wall and CPU seconds. Nothing here is timed: the child is replaced by its printed answer."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "pipeline.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_pipeline", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def route(speedup: float, cpu: float, nmi: float) -> dict:
    return {
        "speedup_median": speedup,
        "speedup_spread": 0.5,
        "cpu_speedup_median": cpu,
        "cpu_speedup_spread": 0.1,
        "cpu_speedup_spread_relative": round(0.1 / cpu, 3),
        "nmi": nmi,
    }


def last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_the_comparison_runs_in_a_child_with_passive_openmp_and_reports_cpu_figures(
    bench, monkeypatch, capsys
):
    seen = {}

    def child(command, *, env, stdout, text, check):
        seen["command"], seen["env"] = command, env
        routes = {
            "torch": route(1.0, 1.0, 0.93),
            "qint8-u8s8": route(5.6, 5.0, 0.928),
            "qint8-u8u8": route(3.9, 3.4, 0.92),
            "fp32": route(1.0, 1.0, 0.92),
        }
        answer = {"rounds": 5, "others_cores": [1.2] * 5, "routes": routes}
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps(answer) + "\n")

    monkeypatch.setattr(bench.subprocess, "run", child)
    monkeypatch.setattr(bench, "best_route", lambda: "qint8")
    monkeypatch.setattr(bench, "int8_variant", lambda: "u8s8")
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")  # the flag decides, not the caller's environment
    assert bench.main(["--compare-only", "--compare", "40", "--rounds", "2"]) == 0

    out = last_json(capsys)
    assert seen["env"]["OMP_WAIT_POLICY"] == "PASSIVE"
    assert "--comparison-child" in seen["command"] and "40" in seen["command"]
    assert out["route"] == "qint8-u8s8"
    assert (out["embed_speedup"], out["embed_speedup_cpu"]) == (5.6, 5.0)
    assert out["embed_speedup_cpu_spread"] == 0.1 and out["embed_speedup_cpu_spread_relative"] == 0.02
    assert out["default_is_fastest"] and out["default_is_fastest_cpu"]
    assert "cold_s" not in out  # --compare-only: no 10k pipeline runs
    assert "embed_speedup_cpu" in out["targets"]


def test_unset_leaves_openmp_its_default(bench, monkeypatch, capsys):
    seen = {}

    def child(command, *, env, stdout, text, check):
        seen["env"] = env
        answer = {"routes": {"torch": route(1.0, 1.0, 0.9), "qint8-u8s8": route(2.0, 2.0, 0.9)}}
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps(answer))

    monkeypatch.setattr(bench.subprocess, "run", child)
    monkeypatch.setattr(bench, "best_route", lambda: "qint8-u8s8")
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    bench.main(["--compare-only", "--routes", "qint8-u8s8", "--omp-wait-policy", "unset"])
    assert "OMP_WAIT_POLICY" not in seen["env"]
    assert last_json(capsys)["default_is_fastest"]
