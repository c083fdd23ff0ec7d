"""Build and solve time and peak memory against model size (run on demand, not in the tests).

    .venv/bin/python benchmarks/build_scaling.py

Prints one line per instance: size, variables, constraints, build seconds, solve seconds, the
build/solve ratio, build microseconds per variable (flat when the build scales linearly) and the
peak memory of the build (tracemalloc).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import pyomo.environ as pyo

sys.path.insert(0, str(Path(__file__).parent))
import synthetic  # noqa: E402

from mineralclub.model.build import build_model  # noqa: E402
from mineralclub.solve import SolveOptions, make_solver, run_solver  # noqa: E402

SIZES = [(6, 2, 3, 2), (12, 4, 3, 3), (24, 6, 4, 3), (36, 8, 4, 4), (48, 12, 4, 5)]


def measure(size):
    ds = synthetic.dataset(*size)
    tracemalloc.start()
    t0 = time.perf_counter()
    m = build_model(ds)
    build = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    nvar = sum(1 for _ in m.component_data_objects(pyo.Var))
    ncon = sum(1 for _ in m.component_data_objects(pyo.Constraint))
    solver = make_solver(ds, SolveOptions(mip_gap=0.01, time_limit=300))
    t1 = time.perf_counter()
    status, *_ = run_solver(solver, m)
    solve = time.perf_counter() - t1
    return nvar, ncon, build, solve, peak / 2**20, status


def main() -> None:
    print("size(c x k x t x w)   vars    cons   build_s  solve_s  build/solve  us/var  peak_MiB")
    per_var = []
    for size in SIZES:
        nvar, ncon, build, solve, peak, status = measure(size)
        per_var.append(1e6 * build / nvar)
        print(
            f"{'x'.join(map(str, size)):>18} {nvar:7d} {ncon:7d} {build:9.2f} {solve:8.2f} "
            f"{build / max(solve, 1e-9):11.2f} {per_var[-1]:7.1f} {peak:9.1f}  {status}"
        )
    print(f"build_us_per_var_largest_vs_smallest={per_var[-1] / per_var[0]:.2f}")


if __name__ == "__main__":
    main()
