"""A whole `solve` of the base case against HiGHS's own solve time, and the old translation path
side by side.

    .venv/bin/python benchmarks/single_run.py [WORKBOOK] [--repeat N] [--no-translation]
                                              [--against SRC]

1. `mineralclub solve WORKBOOK` exactly as a user runs it (a fresh interpreter: start-up,
   imports, read, validate, build, plan and baseline, marginal costs, results workbook, the
   progress display on standard error), REPEAT times (default 5); each run's wall is taken
   around the process and HiGHS's own time from its RunInfo sheet (`highs_seconds`: the run
   times of the plan with its HHI rounds, the baseline and the marginal-cost LP, each counted
   once). The machine may be shared: the median of the runs' ratios is the figure.
   With `--against SRC` (the `src` folder of another checkout, e.g. a `git worktree` of an
   earlier commit), each run of this code is followed by one of that code on the same
   workbook, and both medians are printed side by side.
2. The translation of each model into HiGHS, old path (Pyomo's persistent `set_instance`, and a
   second translation for the marginal LP) against the bulk path (standard form + passModel;
   the marginal LP re-solved on the plan's instance), on the same built models.

Prints the load average and last `wall_vs_highs=X` (goal <= 1.5).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli_run(workbook: Path, src: Path) -> tuple[float, dict[str, str]]:
    """Wall seconds of one `mineralclub solve` process (the package in `src`) and its RunInfo."""
    from python_calamine import CalamineWorkbook

    env = {**os.environ, "PYTHONPATH": str(src)}
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mineralclub", "solve", str(workbook), "--out", out],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        wall = time.perf_counter() - t
        book = CalamineWorkbook.from_path(str(Path(out) / f"{workbook.stem}_results.xlsx"))
        rows = book.get_sheet_by_name("RunInfo").to_python()
    return wall, {str(k): str(v) for k, v in rows[1:]}


def translation(workbook: Path) -> None:
    from mineralclub.dataset import build_dataset
    from mineralclub.marginal import translated_lp_duals
    from mineralclub.model.build import BuildOptions, build_model
    from mineralclub.pipeline import load_tables
    from mineralclub.solve import SolveOptions, make_solver, run_solver

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
    args = sys.argv[1:]
    repeat, against = 5, None
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i : i + 2]
    if "--against" in args:
        i = args.index("--against")
        against = Path(args[i + 1]).resolve()
        del args[i : i + 2]
    show_translation = "--no-translation" not in args and against is None
    args = [a for a in args if a != "--no-translation"]
    workbook = Path(args[0]) if args else ROOT / "inputs" / "base_case.xlsx"
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}")
    codes = {"this code": ROOT / "src"} | ({f"against {against}": against} if against else {})
    ratios: dict[str, list[float]] = {label: [] for label in codes}
    walls: dict[str, list[float]] = {label: [] for label in codes}
    for k in range(repeat):
        for label, src in codes.items():
            wall, info = cli_run(workbook, src)
            highs = float(info["highs_seconds"])
            ratios[label].append(wall / highs)
            walls[label].append(wall)
            print(
                f"run {k + 1} {label}: wall {wall:5.2f} s, HiGHS own time {highs:5.2f} s "
                f"(plan solve step {info['solve_seconds']} s, build {info['build_seconds']} s), "
                f"ratio {wall / highs:4.2f}"
            )
    if show_translation:
        translation(workbook)
    print(f"load average after {os.getloadavg()}")
    for label in codes:
        r = ratios[label]
        print(
            f"{label}: median wall {statistics.median(walls[label]):.2f} s; ratios min "
            f"{min(r):.2f} median {statistics.median(r):.2f} max {max(r):.2f}"
        )
    if against:
        speedup = statistics.median(walls[f"against {against}"]) / statistics.median(
            walls["this code"]
        )
        print(f"wall speedup over {against}: {speedup:.2f}")
    print(f"wall_vs_highs={statistics.median(ratios['this code']):.2f}")


if __name__ == "__main__":
    main()
