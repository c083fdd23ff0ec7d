"""A whole `solve` of the base case against HiGHS's own solve time, and the old translation path
side by side.

    .venv/bin/python benchmarks/single_run.py [WORKBOOK]

1. `pipeline.run` (read, validate, build, plan and baseline, marginal costs, results workbook),
   timed from before the package import; HiGHS's own time is the sum of its run times for the
   plan (with HHI rounds), the baseline and the marginal-cost LP (RunInfo `highs_seconds`).
2. The translation of each model into HiGHS, old path (Pyomo's persistent `set_instance`, and a
   second translation for the marginal LP) against the bulk path (standard form + passModel;
   the marginal LP re-solved on the plan's instance), on the same built models.

Prints the load average (the machine may be shared) and last `wall_vs_highs=X` (goal <= 1.5).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
from mineralclub.pipeline import load_tables, run  # noqa: E402
from mineralclub.solve import SolveOptions  # noqa: E402

IMPORT_S = time.perf_counter() - T0
ROOT = Path(__file__).resolve().parents[1]


def translation(workbook: Path) -> None:
    from mineralclub.dataset import build_dataset
    from mineralclub.marginal import translated_lp_duals
    from mineralclub.model.build import BuildOptions, build_model
    from mineralclub.solve import make_solver, run_solver

    ds = build_dataset(load_tables(workbook))
    opts = SolveOptions()
    for label, options in (("plan", BuildOptions()), ("baseline", BuildOptions(baseline=True))):
        m = build_model(ds, options)
        t = time.perf_counter()
        make_solver(ds, opts).set_instance(m)
        old = time.perf_counter() - t
        t = time.perf_counter()
        make_solver(ds, opts, bulk=True).compile(m)
        new = time.perf_counter() - t
        print(
            f"translate {label:8s}: persistent {old:6.2f} s   bulk {new:6.2f} s   "
            f"ratio {old / new:5.2f}"
        )
    m = build_model(ds)
    bulk = make_solver(ds, opts, bulk=True)
    run_solver(bulk, m)
    t = time.perf_counter()
    translated_lp_duals(m, ds, opts)
    old = time.perf_counter() - t
    t = time.perf_counter()
    bulk.lp_duals()
    new = time.perf_counter() - t
    print(
        f"marginal LP       : translated {old:5.2f} s   same instance {new:5.2f} s   "
        f"ratio {old / new:5.2f}"
    )


def main() -> None:
    workbook = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "inputs" / "base_case.xlsx"
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as out:
        result = run(workbook, Path(out), SolveOptions())
    wall = time.perf_counter() - T0
    info = dict(
        zip(result.tables["RunInfo"]["key"], result.tables["RunInfo"]["value"], strict=True)
    )
    highs = float(info["highs_seconds"])
    print(f"status {result.status}, objective {result.summary['objective_musd']:.4f}")
    print(
        f"imports {IMPORT_S:.2f} s, build {info['build_seconds']} s, plan solve "
        f"{info['solve_seconds']} s, baseline solve {info['baseline_solve_seconds']} s"
    )
    print(f"total wall {wall:.2f} s, HiGHS own time {highs:.2f} s")
    translation(workbook)
    print(f"load average after {os.getloadavg()}")
    print(f"wall_vs_highs={wall / highs:.2f}")


if __name__ == "__main__":
    main()
