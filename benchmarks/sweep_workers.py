"""`sweep --workers 2` against serial, side by side, on a 20-run sweep of the base case.

    .venv/bin/python benchmarks/sweep_workers.py [WORKBOOK] [RUNS] [CONFIGS]

The sweep lowers the CRMA single-country cap from 0.70 to 0.60 in RUNS (default 20) steps (plus
the base run): a parameter change only, so every worker re-solves its own persistent model.
CONFIGS (default `s1,w2,s2`) are run in that order in this one process:

- `s1`: serial, one HiGHS thread (HiGHS' own default on a 2-core machine: half the cores);
- `s2`: serial, two HiGHS threads (the whole machine for one solve);
- `w2`: `--workers 2`, one HiGHS thread per worker.

Prints per configuration the wall time, the sum of the runs' own seconds (their mean is the
time of a run; with two workers the sum over the wall time is the parallel efficiency), the
CPU time of this process and its workers, and whether status, objective and decisions equal
those of the first configuration; the machine's load average before and after each (the
machine may be shared: ratios measured in one process run are what matter); last
`workers2_vs_serial_speedup=X` (against `s1`) and `workers2_vs_serial2threads_speedup=Y`.
On a busy machine the wall times say more about the other jobs than about the sweep; the line
`idle_estimate_cpu_s1_over_busiest_w2` divides the serial CPU time by that of the busiest of
the two workers: the speedup when each worker has a core of its own (the two ran within one
run of each other, and CPU time is inflated too by the others' use of the shared caches).
"""

from __future__ import annotations

import os
import resource
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
CONFIGS = {
    "s1": ("serial, 1 HiGHS thread", 1, 1),
    "s2": ("serial, 2 HiGHS threads", 1, 2),
    "w2": ("--workers 2, 1 thread each", 2, 1),
}
COMPARED = ("status", "projects", "stock", "floor_levels", "reference_levels")


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process and of its ended child processes (the helpers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def same_rows(a: list[dict], b: list[dict]) -> bool:
    for x, y in zip(a, b, strict=True):
        if any(x.get(k) != y.get(k) for k in COMPARED):
            return False
        p, q = x.get("objective_musd"), y.get("objective_musd")
        if (p is None) != (q is None):
            return False
        if p is not None and p == p and abs(p - q) > 1e-6 * max(1.0, abs(p)):
            return False
    return True


def main() -> None:
    workbook = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "inputs" / "base_case.xlsx"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    order = sys.argv[3].split(",") if len(sys.argv) > 3 else ["s1", "w2", "s2"]
    values = ",".join(f"{0.70 - 0.10 * i / (n - 1):.4f}" for i in range(n))
    runs = expand([cli_sweep([f"{CAP}={values}"])])
    base = Base(load_tables(workbook))
    print(f"cores {os.cpu_count()}, {len(runs)} runs, configurations {order}", flush=True)
    wall: dict[str, float] = {}
    busiest: dict[str, float] = {}  # CPU seconds of the busiest process
    first: list[dict] | None = None
    for key in order:
        label, workers, threads = CONFIGS[key]
        load = os.getloadavg()
        (me0, kids0), t0 = cpu_seconds(), time.perf_counter()
        rows = run_all(base, runs, SolveOptions(threads=threads), workers=workers)
        wall[key] = time.perf_counter() - t0
        me, kids = cpu_seconds()
        cpu = me - me0 + kids - kids0
        busiest[key] = max(me - me0, kids - kids0)
        own = sum(r["seconds"] or 0.0 for r in rows)
        first = first or rows
        print(
            f"{key} ({label}): wall {wall[key]:.1f} s; runs' own seconds {own:.1f} "
            f"(mean {own / len(rows):.2f}, sum / wall / workers {own / wall[key] / workers:.2f}); "
            f"CPU {cpu:.1f} s (busiest process {busiest[key]:.1f} s); statuses "
            f"{sorted({r['status'] for r in rows})}; same as "
            f"{order[0]}: {same_rows(rows, first)}; load {load[0]:.2f} -> "
            f"{os.getloadavg()[0]:.2f}",
            flush=True,
        )
    if "w2" in wall and "s1" in wall:
        # on a busy machine: what an idle one would give, each process on a core of its own
        print(f"idle_estimate_cpu_s1_over_busiest_w2={busiest['s1'] / busiest['w2']:.2f}")
        print(f"workers2_vs_serial_speedup={wall['s1'] / wall['w2']:.2f}")
    if "w2" in wall and "s2" in wall:
        print(f"workers2_vs_serial2threads_speedup={wall['s2'] / wall['w2']:.2f}")


if __name__ == "__main__":
    main()
