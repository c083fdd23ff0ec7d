"""Persistent re-solve versus rebuild, on the same 20-point sweep of a mid-size instance.

    .venv/bin/python benchmarks/sweep_speed.py [COUNTRIES MINERALS PERIODS SCENARIOS]

The sweep changes parameters only (a target value, a price multiplier, the discount rate,
demand), so the persistent session re-solves one HiGHS instance; the rebuild path validates,
builds the dataset, builds the model, loads a new solver and solves, for every run. Both pull
the same sweep row. Also timed: the persistent path keeping HiGHS' basis between runs, and with
Pyomo's own `update_parameters()` instead of the targeted one. The objectives of the two paths
are compared. The last line is `persistent_vs_rebuild_speedup=X` (wall time of rebuild / wall
time of persistent, default options).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synthetic  # noqa: E402

from mineralclub.dataset import build_dataset  # noqa: E402
from mineralclub.io.read_workbook import sheet_frame  # noqa: E402
from mineralclub.io.validate import validate  # noqa: E402
from mineralclub.solve import SolveOptions, solve_plan  # noqa: E402
from mineralclub.sweep.address import Base  # noqa: E402
from mineralclub.sweep.rows import plan_row  # noqa: E402
from mineralclub.sweep.session import Session  # noqa: E402

SIZE = (36, 8, 4, 4)  # mid-size: the 4th of the 5 sizes of build_scaling.py


def base_tables(size):
    raw = {}
    for name, rows in synthetic.sheets(*size).items():
        cols = list(dict.fromkeys(c for r in rows for c in r)) or ["_empty"]
        if rows:
            raw[name] = sheet_frame(name, [cols] + [[r.get(c) for c in cols] for r in rows])
    return validate(raw)


def sweep_runs() -> list[list[tuple]]:
    """20 runs: 8 target values, 4 price multipliers, 4 discount rates, 4 demand levels."""
    runs = [
        [("Targets[target=cap_M00].value", v)] for v in (0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1)
    ]
    runs += [
        [("Prices[mineral=M01,stage=refine].price_usd_per_t", f"x{f}")]
        for f in (0.8, 0.9, 1.1, 1.2)
    ]
    runs += [[("Settings[key=discount_rate].value", r)] for r in (0.02, 0.04, 0.06, 0.08)]
    runs += [[("Demand[mineral=M02].demand_t", f"x{f}")] for f in (0.8, 0.9, 1.1, 1.2)]
    return runs


def persistent(base: Base, runs, opts, **kw) -> tuple[float, list]:
    session = Session(base, opts, **kw)
    session.run_row([])  # the base run builds and loads the model once
    t0 = time.perf_counter()
    rows = [session.run_row(changes) for changes in runs]
    assert not any(r["rebuilt"] for r in rows)
    return time.perf_counter() - t0, rows


def rebuild(base: Base, runs, opts) -> tuple[float, list]:
    t0 = time.perf_counter()
    rows = []
    for changes in runs:
        ds = build_dataset(base.apply(changes))
        plan = solve_plan(ds, opts)
        rows.append({"status": plan.status, **plan_row(plan.model, ds, plan.status, plan.gap)})
    return time.perf_counter() - t0, rows


def main() -> None:
    size = tuple(int(a) for a in sys.argv[1:5]) or SIZE
    base = Base(base_tables(size))
    opts = SolveOptions(threads=1)  # one HiGHS thread per run, as in a sweep worker
    runs = sweep_runs()
    print(
        f"instance {'x'.join(map(str, size))} (countries x minerals x periods x scenarios), "
        f"{len(runs)} runs"
    )
    t_keep, rows_keep = persistent(base, runs, opts, keep_basis=True)
    t_slow, _ = persistent(base, runs, opts, fast_updates=False)
    t_pers, rows_pers = persistent(base, runs, opts)
    t_build, rows_build = rebuild(base, runs, opts)
    diff = max(
        abs(a["objective_musd"] - b["objective_musd"]) / max(1.0, abs(b["objective_musd"]))
        for a, b in zip(rows_pers, rows_build, strict=True)
    )
    diff_keep = max(
        abs(a["objective_musd"] - b["objective_musd"]) / max(1.0, abs(b["objective_musd"]))
        for a, b in zip(rows_keep, rows_build, strict=True)
    )
    per = [r["seconds"] for r in rows_pers]
    print(f"rebuild each run:                         {t_build:7.2f} s")
    print(
        f"persistent, basis cleared (default):      {t_pers:7.2f} s   median run "
        f"{statistics.median(per):.3f} s"
    )
    print(f"persistent, basis kept:                   {t_keep:7.2f} s")
    print(f"persistent, Pyomo update_parameters():    {t_slow:7.2f} s")
    print(
        f"max relative objective difference persistent vs rebuild: {diff:.2e} "
        f"(basis kept: {diff_keep:.2e})"
    )
    print(f"persistent_vs_rebuild_speedup={t_build / t_pers:.2f}")


if __name__ == "__main__":
    main()
