"""Exact regression landscapes vs the plain NumPy broadcast baseline.

Run from the repository root::

    python -m benchmarks.bench_landscape

For each loss and size it times :func:`lossviz.landscape.regression_landscape`
(sufficient statistics for MSE, sorted residuals + prefix sums for MAE/Huber)
against :func:`lossviz.landscape.regression_landscape_bruteforce`, which forms
all G·G·n residuals by broadcasting. Both run in this process, on the same data,
and the best of ``k`` repeats is kept. At G = 400, n = 10⁵ the baseline would
need 1.6·10¹⁰ loss evaluations per surface, so it is timed on a subset of the
w-columns and extrapolated linearly (its cost is exactly linear in the number
of columns); such rows are marked in the table. Results are checked against
the baseline on the evaluated columns before timing is reported.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from lossviz.data import regression_data
from lossviz.fit import fit_regression
from lossviz.landscape import regression_landscape, regression_landscape_bruteforce

LOSSES: list[tuple[str, dict[str, float]]] = [
    ("mse", {}),
    ("mae", {}),
    ("huber", {"delta": 1.0}),
    ("quantile", {"tau": 0.9}),
    ("epsilon_insensitive", {"epsilon": 0.3}),
]
#: The symbol of each hyperparameter in the table's labels.
SYMBOLS = {"delta": "δ", "tau": "τ", "epsilon": "ε"}


def best_of(fn: Callable[[], np.ndarray], repeats: int) -> tuple[float, np.ndarray]:
    """Best wall time in seconds over ``repeats`` calls (time.perf_counter), and the result."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench(g: int, n: int, baseline_cols: int | None, repeats: int) -> list[str]:
    """Table rows for one (G, n); baseline on ``baseline_cols`` columns if not None."""
    d = regression_data(n, outlier_fraction=0.1, seed=0)
    rows = []
    for loss, params in LOSSES:
        f = fit_regression(d.x, d.y, "mse")
        w = np.linspace(f.w - 3.0, f.w + 3.0, g)
        b = np.linspace(f.b - 5.0, f.b + 5.0, g)
        cols = g if baseline_cols is None else baseline_cols
        sub = w[np.linspace(0, g - 1, cols).astype(int)]
        fast_s, _ = best_of(partial(regression_landscape, d.x, d.y, w, b, loss, **params), repeats)
        base = partial(regression_landscape_bruteforce, d.x, d.y, sub, b, loss, **params)
        base_s, ref = best_of(base, repeats if baseline_cols is None else 1)
        base_s *= g / cols
        # Correctness on the columns the baseline evaluated.
        fast = regression_landscape(d.x, d.y, sub, b, loss, **params)
        err = float(np.max(np.abs(fast - ref) / np.abs(ref)))
        assert err < 1e-9, f"{loss}: relative error {err:.2e}"
        note = f" (extrapolated from {cols}/{g} w-columns)" if cols < g else ""
        label = loss + "".join(f", {SYMBOLS[k]}={v:g}" for k, v in params.items())
        rows.append(
            f"| {label} | {g} | {n:,} | {fast_s * 1e3:.2f} | {base_s * 1e3:,.0f}{note} | "
            f"{base_s / fast_s:,.0f}× | {err:.1e} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="best-of-k repeats (default 5)")
    parser.add_argument(
        "--baseline-cols",
        type=int,
        default=8,
        help="w-columns the baseline evaluates at G=400, n=1e5 before extrapolating (default 8)",
    )
    args = parser.parse_args()

    print(f"NumPy {np.__version__}, Python {platform.python_version()}, {platform.machine()}")
    print(f"best of {args.repeats} (baseline at the large size: best of 1, extrapolated)\n")
    print("| loss | G | n | fast ms | baseline ms | speedup | max rel. diff |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for line in bench(200, 100, None, args.repeats):  # the page's default surface
        print(line)
    for line in bench(400, 100_000, args.baseline_cols, args.repeats):
        print(line)
    print(
        "\nfast = lossviz.landscape.regression_landscape; baseline = "
        "regression_landscape_bruteforce (NumPy broadcasting over all G·G·n residuals)."
    )


if __name__ == "__main__":
    main()
