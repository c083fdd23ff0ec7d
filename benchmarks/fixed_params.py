"""Build and compile with fixed (immutable) Params against mutable ones, side by side.

    .venv/bin/python benchmarks/fixed_params.py [WORKBOOK] [REPEATS]

One-shot solves (plan, baseline, elastic) build with `BuildOptions(fixed_params=True)`; sweeps
keep mutable Params to push new values into a built model. Both compile to the same HiGHS
model bit for bit (`tests/model/test_bulk.py`). Alternates the two REPEATS times (default 3)
on the plan model and prints the median seconds of the build (Pyomo) and of the bulk compile
(standard form + passModel), then `mutable_vs_fixed_build_compile_speedup=X`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from mineralclub.dataset import build_dataset
from mineralclub.model.build import BuildOptions, build_model
from mineralclub.pipeline import load_tables
from mineralclub.solve import SolveOptions, make_solver

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    workbook = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "inputs" / "base_case.xlsx"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    ds = build_dataset(load_tables(workbook))
    make_solver(ds, SolveOptions(), bulk=True).compile(build_model(ds))  # imports, warm-up
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}", flush=True)
    seconds: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(repeats):
        for fixed in (False, True):
            t0 = time.perf_counter()
            m = build_model(ds, BuildOptions(fixed_params=fixed))
            t1 = time.perf_counter()
            make_solver(ds, SolveOptions(), bulk=True).compile(m)
            seconds[fixed].append((t1 - t0, time.perf_counter() - t1))
    total = {}
    for fixed, runs in seconds.items():
        build = statistics.median(b for b, _ in runs)
        compile_ = statistics.median(c for _, c in runs)
        total[fixed] = build + compile_
        print(
            f"{'fixed' if fixed else 'mutable'} Params: build {build:.2f} s, compile "
            f"{compile_:.2f} s (medians of {repeats})"
        )
    print(f"load average after {os.getloadavg()}")
    print(f"mutable_vs_fixed_build_compile_speedup={total[False] / total[True]:.2f}")


if __name__ == "__main__":
    main()
