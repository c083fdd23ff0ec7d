"""An estimate of the least a `solve` of the base case can take with the project's fixed stack,
against what it takes, side by side in one run.

    .venv/bin/python benchmarks/floor.py [WORKBOOK] [--repeat N]

The floor counts the work a `solve` cannot do without while the model is written in Pyomo,
solved by HiGHS and reported in an Excel workbook, each part at the least cost found for it
(median of N runs, default 5, each in fresh interpreters):

* start-up and imports: a fresh interpreter importing the fixed dependencies a solve needs
  beyond reading its input (pyomo.core, pandas, highspy, xlsxwriter, typer and the pydantic
  typer parses a command line with), nothing of ours, and leaving without the interpreter's
  teardown (`os._exit`);
* the plan's Pyomo build (`build_model`, this project's, in an interpreter whose imports are
  settled with `gc.freeze` as the command line's are): the least this formulation is built in
  today, not the least any Pyomo build could take;
* its translation: Pyomo's standard-form compiler and one `passModel` of its arrays, without
  the work `BulkHighs.compile` adds to hand HiGHS the very matrix, column and row order of
  Pyomo's persistent interface;
* HiGHS's own time for the plan and the marginal-cost LP (the baseline's HiGHS run is counted
  in the denominator but taken as hidden beside the plan's, at no cost to the wall);
* the results tables' cells, bare (numbers, text, booleans; no formats, widths, filters,
  charts or Summary), through xlsxwriter in its `constant_memory` mode (each row's XML written
  as it comes), and the workbook's closing.

Left out: reading and validating the input with its imports (openpyxl; measured, counted only in
the last variant), the baseline's build, the results' extraction, exit. The ratio is (floor
wall) / (HiGHS's own time of plan, baseline and marginal LP), the figure issue 17's goal
(<= 1.5) is stated in; the command's own ratio is measured beside it as `single_run.py` does.
Variants: without the plan's build (as if a Pyomo model cost nothing to build); and with
everything after HiGHS's runs hidden behind them (results written for HiGHS's incumbent while
it proves the gap) but the workbook's closing, which must wait for the final Summary and
Targets (gap, marginal costs), reading and validating the input counted instead. Each ratio
is the median of the runs' ratios (the medians of the parts need not add up to it).
Last line `floor_ratio=X command_ratio=Y`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from single_run import cli_run  # benchmarks/single_run.py

ROOT = Path(__file__).resolve().parents[1]
CHILD = "--child"
MARK = "floor-json: "
# typer (0.2x) coerces a command's parameters through pydantic, imported when it parses them
FIXED_STACK = "import os, pyomo.core, pandas, highspy, xlsxwriter, typer, pydantic; os._exit(0)"


def imports_seconds() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", FIXED_STACK], check=True)
    return time.perf_counter() - t


def bare_write(path: Path, tables: dict[str, pd.DataFrame]) -> float:
    """Every table's cells and nothing else, as cheaply as xlsxwriter writes them; returns the
    seconds of the closing (the zip of the sheets' XML, written row by row before)."""
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True},
    )
    for name, df in tables.items():
        ws = book.add_worksheet(name[:31])
        for j, col in enumerate(df.columns):
            ws.write_string(0, j, str(col))
        numeric = [df[c].dtype.kind in "fiu" for c in df.columns]
        columns = [
            df[c].to_numpy(dtype=float).tolist() if num else df[c].tolist()
            for c, num in zip(df.columns, numeric, strict=True)
        ]
        for i, row in enumerate(zip(*columns, strict=True), start=1):
            for j, v in enumerate(row):
                cell(ws, i, j, v)
    t = time.perf_counter()
    book.close()
    return time.perf_counter() - t


def cell(ws, i: int, j: int, v) -> None:
    if isinstance(v, bool | np.bool_):
        ws.write_boolean(i, j, bool(v))
    elif isinstance(v, int | float | np.number):
        if math.isfinite(float(v)):
            ws.write_number(i, j, float(v))
    elif isinstance(v, str):
        ws.write_string(i, j, v)
    elif v is not None and v == v:
        ws.write_string(i, j, str(v))


def bare_compile(m) -> None:
    """Pyomo's standard-form compiler and one passModel of its arrays, nothing else."""
    import highspy

    from mineralclub.bulk import _compiler, new_highs

    repn = _compiler().write(m, mixed_form=True, set_sense=None)
    a = repn.A
    lower, upper = np.full(len(repn.rows), -np.inf), np.full(len(repn.rows), np.inf)
    kinds = np.fromiter((r.bound_type for r in repn.rows), dtype=np.int64, count=len(repn.rows))
    upper[kinds >= 0] = repn.rhs[kinds >= 0]
    lower[kinds <= 0] = repn.rhs[kinds <= 0]
    bounds = [v.bounds for v in repn.columns]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(repn.columns), len(repn.rows)
    lp.col_cost_ = np.asarray(repn.c.toarray()[0], dtype=float)
    lp.col_lower_ = np.array([-np.inf if lb is None else lb for lb, _ in bounds])
    lp.col_upper_ = np.array([np.inf if ub is None else ub for _, ub in bounds])
    lp.row_lower_, lp.row_upper_ = lower, upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.asarray(a.indptr, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(a.indices, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(a.data, dtype=float)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if v.is_integer() else highspy.HighsVarType.kContinuous
        for v in repn.columns
    ]
    h = new_highs()
    if h.passModel(lp) == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the compiled model")


def in_process(workbook: Path, out: Path) -> dict[str, float]:
    """Read, build, compile, HiGHS times and the bare write, from one solve of the base case."""
    from mineralclub.dataset import build_dataset
    from mineralclub.marginal import marginal_costs
    from mineralclub.memory import settle_imports
    from mineralclub.model.build import BuildOptions, build_model
    from mineralclub.pipeline import Baseline, _results, load_tables
    from mineralclub.solve import SolveOptions, solve_plan_and_baseline

    settle_imports()  # as the command line does once its imports are in
    t = time.perf_counter()
    ds = build_dataset(load_tables(workbook))
    read = time.perf_counter() - t
    opts = SolveOptions()
    t = time.perf_counter()
    m = build_model(ds, BuildOptions(fixed_params=True))  # as `solve` builds the plan
    build = time.perf_counter() - t
    t = time.perf_counter()
    bare_compile(m)
    compile_s = time.perf_counter() - t
    del m
    plan, base = solve_plan_and_baseline(ds, opts, digest=lambda out: Baseline.of(out, ds))
    plan_highs = plan.solver.highs_seconds
    marginal = marginal_costs(plan.model, ds, opts, plan.solver)
    marginal_highs = plan.solver.highs_seconds - plan_highs
    tables = _results(ds, opts, plan, base, lambda: marginal, dt.datetime.now(dt.UTC)).tables
    t = time.perf_counter()
    close = bare_write(out / "bare.xlsx", tables)
    write = time.perf_counter() - t
    return {
        "read": read,
        "build": build,
        "compile": compile_s,
        "write": write,
        "close": close,
        "plan_highs": plan_highs,
        "marginal_highs": marginal_highs,
        "baseline_highs": base.highs_seconds,
    }


def child_measurement(workbook: Path, tmp: str) -> dict[str, float]:
    """`in_process` in a fresh interpreter; its figures come back on a marked line of standard
    output (HiGHS may print there too)."""
    child = subprocess.run(
        [sys.executable, __file__, CHILD, str(workbook), tmp],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in child.stdout.splitlines() if x.startswith(MARK))
    return json.loads(line[len(MARK) :])


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == [CHILD]:  # one in-process measurement in a fresh interpreter
        print(MARK + json.dumps(in_process(Path(args[1]), Path(args[2]))), flush=True)
        return
    repeat = 5
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i : i + 2]
    workbook = Path(args[0]) if args else ROOT / "inputs" / "base_case.xlsx"
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}")
    parts: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {"floor": [], "unbuilt": [], "hidden": [], "command": []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            wall, info = cli_run(workbook, ROOT / "src")
            got = {"imports": imports_seconds(), **child_measurement(workbook, tmp)}
            highs = got["plan_highs"] + got["marginal_highs"] + got["baseline_highs"]
            runs = got["plan_highs"] + got["marginal_highs"]
            floor_wall = got["imports"] + got["build"] + got["compile"] + runs + got["write"]
            hidden = floor_wall - got["write"] + got["close"] + got["read"]
            ratios["floor"].append(floor_wall / highs)
            ratios["unbuilt"].append((floor_wall - got["build"]) / highs)
            ratios["hidden"].append(hidden / highs)
            ratios["command"].append(wall / float(info["highs_seconds"]))
            for key, v in got.items():
                parts.setdefault(key, []).append(v)
            print(
                f"run {k + 1}: "
                + ", ".join(f"{key} {v:.2f} s" for key, v in got.items())
                + f"; floor {floor_wall:.2f} s = {floor_wall / highs:.2f} x HiGHS {highs:.2f} s"
                + f"; the command {wall:.2f} s = {ratios['command'][-1]:.2f} x its HiGHS "
                + f"{float(info['highs_seconds']):.2f} s"
            )
    print(f"load average after {os.getloadavg()}")
    print("medians: " + ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in parts.items()))
    for key, label in (
        ("floor", "floor"),
        ("unbuilt", "floor without the plan's build"),
        ("hidden", "everything after HiGHS hidden but the closing, read and validate counted"),
        ("command", "the command"),
    ):
        r = ratios[key]
        print(f"{label}: median {statistics.median(r):.2f}, runs {min(r):.2f}-{max(r):.2f}")
    floor, command = statistics.median(ratios["floor"]), statistics.median(ratios["command"])
    print(f"floor_ratio={floor:.2f} command_ratio={command:.2f}")


if __name__ == "__main__":
    main()
