"""`sweep --workers 2` against serial, side by side, on a 20-run sweep of the base case.

    .venv/bin/python benchmarks/sweep_workers.py [WORKBOOK] [RUNS]

The sweep lowers the CRMA single-country cap from 0.70 to 0.60 in RUNS (default 20) steps: a
parameter change only, so every worker re-solves its own persistent model. Both paths solve the
same runs; their objectives are compared. Prints the machine's load average before and after
(the machine may be shared: the ratio, measured in one process run, is what matters) and last
`workers2_vs_serial_speedup=X`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from mineralclub.pipeline import load_tables
from mineralclub.solve import SolveOptions
from mineralclub.sweep.address import Base
from mineralclub.sweep.execute import run_all
from mineralclub.sweep.plan import cli_sweep, expand

ROOT = Path(__file__).resolve().parents[1]
CAP = "Targets[target=CRMA 65% single-country cap (processing)].value"


def main() -> None:
    workbook = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "inputs" / "base_case.xlsx"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    values = ",".join(f"{0.70 - 0.10 * i / (n - 1):.4f}" for i in range(n))
    runs = expand([cli_sweep([f"{CAP}={values}"])])
    base = Base(load_tables(workbook))
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}")
    timing, objectives = {}, {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        rows = run_all(base, runs, SolveOptions(), workers=workers)
        timing[workers] = time.perf_counter() - t0
        objectives[workers] = [r.get("objective_musd") for r in rows]
        statuses = {r["status"] for r in rows}
        print(
            f"workers={workers}: {len(rows)} runs in {timing[workers]:.1f} s, "
            f"statuses {sorted(statuses)}"
        )
    same = all(
        (a is None and b is None)
        or (a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(a)))
        for a, b in zip(objectives[1], objectives[2], strict=True)
    )
    print(f"same objectives: {same}")
    print(f"load average after {os.getloadavg()}")
    print(f"workers2_vs_serial_speedup={timing[1] / timing[2]:.2f}")


if __name__ == "__main__":
    main()
