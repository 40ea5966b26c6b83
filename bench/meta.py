"""Benchmark of the meta-analysis engine against statsmodels' ``combine_effects`` on the same data.

Run: ``.venv/bin/python bench/meta.py`` (from the repository root).  For k = 22, 1,000, 10,000 and 100,000
simulated studies it times ``analysis.stats.pool`` (the vectorised core: fixed and random effects, Q, I²,
tau² with its SE) and ``statsmodels.stats.meta_analysis.combine_effects`` on the same yi/vi, like with like:
DerSimonian-Laird with ``method_re="dl"``, Paule-Mandel with ``method_re="pm"`` (statsmodels' iteration
tolerance tightened to 1e-9·k on its estimating equation so both reach the same root).  statsmodels has no
REML, so REML is timed alone.  Times are the best of several interleaved runs (the machine is shared).
The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statsmodels.stats.meta_analysis import combine_effects  # noqa: E402

from analysis.stats import ModelSpec, meta_analysis, pool  # noqa: E402

SIZES = (22, 1_000, 10_000, 100_000)
REPEATS = {22: 300, 1_000: 200, 10_000: 60, 100_000: 15}
SEED = 20261126


def simulate(k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """k studies: vi ~ U(0.01, 0.5), yi ~ N(0.3, vi + 0.05)."""
    vi = rng.uniform(0.01, 0.5, k)
    return rng.normal(0.3, np.sqrt(vi + 0.05)), vi


def best_times(funcs: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Best wall time in ms of each function, runs interleaved so load spikes hit all alike."""
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: 1000 * t for name, t in best.items()}


def differences(engine: Any, sm: Any) -> float:
    """Max abs difference over fixed and random estimates and SEs, tau² and Q."""
    pairs = [
        (engine.fixed.estimate, sm.mean_effect_fe),
        (engine.fixed.se, sm.sd_eff_w_fe),
        (engine.random.estimate, sm.mean_effect_re),
        (engine.random.se, sm.sd_eff_w_re),
        (engine.heterogeneity.tau2, sm.tau2),
        (engine.heterogeneity.Q, sm.q),
    ]
    return max(abs(float(a) - float(b)) for a, b in pairs)


def bench_size(k: int, rng: np.random.Generator) -> dict[str, Any]:
    yi, vi = simulate(k, rng)
    specs = {m: ModelSpec(tau2_method=m) for m in ("DL", "PM", "REML")}
    atol = 1e-9 * k
    times = best_times(
        {
            "engine_DL": lambda: pool(yi, vi, specs["DL"]),
            "statsmodels_DL": lambda: combine_effects(yi, vi, method_re="dl"),
            "engine_PM": lambda: pool(yi, vi, specs["PM"]),
            "statsmodels_PM": lambda: combine_effects(yi, vi, method_re="pm", atol=atol),
            "engine_REML": lambda: pool(yi, vi, specs["REML"]),
        },
        REPEATS[k],
    )
    out: dict[str, Any] = {"k": k}
    for method, sm_name in (("DL", "dl"), ("PM", "pm")):
        engine_fit = pool(yi, vi, specs[method])
        sm_fit = combine_effects(yi, vi, method_re=sm_name, atol=atol)
        out[method] = {
            "engine_ms": round(times[f"engine_{method}"], 4),
            "statsmodels_ms": round(times[f"statsmodels_{method}"], 4),
            "ratio_engine_over_statsmodels": round(times[f"engine_{method}"] / times[f"statsmodels_{method}"], 3),
            "max_abs_diff": differences(engine_fit, sm_fit),
        }
    reml = pool(yi, vi, specs["REML"])
    out["REML"] = {
        "engine_ms": round(times["engine_REML"], 4),
        "iterations": reml.heterogeneity.tau2_iterations,
        "tau2": reml.heterogeneity.tau2,
    }
    if k <= 10_000:
        rows = [{"study": str(i), "yi": float(y), "vi": float(v)} for i, (y, v) in enumerate(zip(yi, vi, strict=True))]
        full = best_times({"rows": lambda: meta_analysis(rows, "GENERIC", specs["REML"])}, max(3, REPEATS[k] // 20))
        out["REML"]["meta_analysis_from_rows_ms"] = round(full["rows"], 3)
    return out


def main() -> None:
    rng = np.random.default_rng(SEED)
    results = [bench_size(k, rng) for k in SIZES]
    print(f"{'k':>7} {'method':>6} {'engine ms':>10} {'statsmodels ms':>15} {'ratio':>6} {'max |diff|':>11}")
    for r in results:
        for m in ("DL", "PM"):
            d = r[m]
            print(
                f"{r['k']:>7} {m:>6} {d['engine_ms']:>10.3f} {d['statsmodels_ms']:>15.3f} "
                f"{d['ratio_engine_over_statsmodels']:>6.2f} {d['max_abs_diff']:>11.2e}"
            )
        print(f"{r['k']:>7} {'REML':>6} {r['REML']['engine_ms']:>10.3f} {'-':>15} {'-':>6} {'-':>11}")
    summary = {
        "benchmark": "meta",
        "unit": "ms (best of interleaved runs)",
        "results": results,
        "goals": {
            "no_slower_than_statsmodels": all(
                r[m]["ratio_engine_over_statsmodels"] <= 1.0 for r in results for m in ("DL", "PM")
            ),
            "reml_k10000_under_500ms": next(r["REML"]["engine_ms"] for r in results if r["k"] == 10_000) < 500,
            "max_abs_diff_below_1e-8": all(r[m]["max_abs_diff"] < 1e-8 for r in results for m in ("DL", "PM")),
        },
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
