"""The least a `solve` of the base case can take with the project's fixed stack, against what it
takes, side by side in one run.

    .venv/bin/python benchmarks/floor.py [WORKBOOK] [--repeat N]

The floor counts only work no `solve` can skip while it is a Pyomo model solved by HiGHS whose
results are an Excel workbook, each part measured here on the base case (median of N, default 5):

* start-up and imports: a fresh interpreter importing the fixed dependencies the command needs
  (pyomo.environ, pandas, highspy, openpyxl, xlsxwriter, typer and the pydantic typer parses a
  command line with), nothing of ours;
* the plan's Pyomo build (`build_model`) and its translation into HiGHS (Pyomo's standard-form
  compiler, the fastest path Pyomo has; `BulkHighs.compile`), in a fresh interpreter whose
  imports are settled (`gc.freeze`) as the command line's are;
* HiGHS's own time for the plan and the marginal-cost LP (the baseline's HiGHS run is counted
  in the denominator but taken as hidden beside the plan's, at no cost to the wall);
* writing the results tables' cells with xlsxwriter and closing the file: bare `write_number`
  and `write_string`, row by row, no formats, widths, filters or charts.

Left out entirely: reading and validating the workbook (measured, counted only in the last
variant below), the baseline's build, the results
tables' extraction, the Summary and its charts, exit. The floor ratio is
(floor wall) / (HiGHS's own time of plan, baseline and marginal LP), the figure the goal
(<= 1.5) is stated in; the command's own ratio is measured beside it as `single_run.py` does.
The floor is also printed without the plan's build, as if a Pyomo model cost nothing to build,
and as if everything after HiGHS's runs were hidden behind them (results written for HiGHS's
incumbent while it proves the gap): then the floor is what must come before HiGHS can start
(imports, reading and validating the input, the plan's build and compile), HiGHS's runs of
the plan and the marginal-cost LP, which follow each other, and the workbook's closing, which
must wait for the final Summary and Targets (the gap, the marginal costs): xlsxwriter
assembles and zips every sheet's XML only when the workbook is closed.
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

import pandas as pd
import xlsxwriter
from single_run import cli_run  # benchmarks/single_run.py

ROOT = Path(__file__).resolve().parents[1]
CHILD = "--child"
# typer (0.2x) coerces a command's parameters through pydantic, imported when it parses them
FIXED_STACK = "import pyomo.environ, pandas, highspy, openpyxl, xlsxwriter, typer, pydantic"


def imports_seconds() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", FIXED_STACK], check=True)
    return time.perf_counter() - t


def bare_write(path: Path, tables: dict[str, pd.DataFrame]) -> float:
    """Every table's cells and nothing else, as cheaply as xlsxwriter writes them; returns the
    seconds of the closing (xlsxwriter assembles every sheet's XML and zips them only then)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    for name, df in tables.items():
        ws = book.add_worksheet(name[:31])
        for j, col in enumerate(df.columns):
            ws.write_string(0, j, str(col))
        numeric = [df[c].dtype.kind in "fiu" for c in df.columns]
        columns = [
            df[c].to_numpy(dtype=float).tolist() if num else df[c].tolist()
            for c, num in zip(df.columns, numeric, strict=True)
        ]
        number, string = ws.write_number, ws.write_string
        for i, row in enumerate(zip(*columns, strict=True), start=1):
            for j, (v, num) in enumerate(zip(row, numeric, strict=True)):
                if num:
                    if math.isfinite(v):
                        number(i, j, v)
                elif isinstance(v, str):
                    string(i, j, v)
                elif v is not None and v == v:
                    string(i, j, str(v))
    t = time.perf_counter()
    book.close()
    return time.perf_counter() - t


def in_process(workbook: Path, out: Path) -> dict[str, float]:
    """Build, compile, HiGHS times and the bare write, from one solve of the base case."""
    from mineralclub.dataset import build_dataset
    from mineralclub.marginal import marginal_costs
    from mineralclub.memory import settle_imports
    from mineralclub.model.build import BuildOptions, build_model
    from mineralclub.pipeline import Baseline, _results, load_tables
    from mineralclub.solve import SolveOptions, make_solver, solve_plan_and_baseline

    settle_imports()  # as the command line does once its imports are in
    t = time.perf_counter()
    ds = build_dataset(load_tables(workbook))
    read = time.perf_counter() - t
    opts = SolveOptions()
    t = time.perf_counter()
    m = build_model(ds, BuildOptions(fixed_params=True))  # as `solve` builds the plan
    build = time.perf_counter() - t
    t = time.perf_counter()
    make_solver(ds, opts, bulk=True).compile(m)
    compile_s = time.perf_counter() - t
    del m
    plan, base = solve_plan_and_baseline(ds, opts, digest=lambda out: Baseline.of(out, ds))
    plan_highs = plan.solver.highs_seconds
    marginal = marginal_costs(plan.model, ds, opts, plan.solver)
    marginal_highs = plan.solver.highs_seconds - plan_highs
    tables = _results(ds, opts, plan, base, marginal, dt.datetime.now(dt.UTC)).tables
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


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == [CHILD]:  # one in-process measurement in a fresh interpreter, as JSON
        print(json.dumps(in_process(Path(args[1]), Path(args[2]))))
        return
    repeat = 5
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i : i + 2]
    workbook = Path(args[0]) if args else ROOT / "inputs" / "base_case.xlsx"
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}")
    parts: dict[str, list[float]] = {}
    floors, unbuilt, hidden, commands = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            wall, info = cli_run(workbook, ROOT / "src")
            command = wall / float(info["highs_seconds"])
            child = subprocess.run(
                [sys.executable, __file__, CHILD, str(workbook), tmp],
                check=True,
                capture_output=True,
                text=True,
            )
            got = {"imports": imports_seconds(), **json.loads(child.stdout.splitlines()[-1])}
            highs = got["plan_highs"] + got["marginal_highs"] + got["baseline_highs"]
            floor_wall = (
                got["imports"]
                + got["build"]
                + got["compile"]
                + got["plan_highs"]
                + got["marginal_highs"]
                + got["write"]
            )
            floors.append(floor_wall / highs)
            unbuilt.append((floor_wall - got["build"]) / highs)
            hidden.append((floor_wall - got["write"] + got["close"] + got["read"]) / highs)
            commands.append(command)
            for key, v in got.items():
                parts.setdefault(key, []).append(v)
            print(
                f"run {k + 1}: "
                + ", ".join(f"{key} {v:.2f} s" for key, v in got.items())
                + f"; floor {floor_wall:.2f} s = {floor_wall / highs:.2f} x HiGHS {highs:.2f} s"
                + f"; the command {wall:.2f} s = {command:.2f} x its HiGHS "
                + f"{float(info['highs_seconds']):.2f} s"
            )
    print(f"load average after {os.getloadavg()}")
    print("medians: " + ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in parts.items()))
    print(
        f"floor without the plan's build (as if a Pyomo model cost nothing to build): "
        f"{statistics.median(unbuilt):.2f}"
    )
    print(
        f"everything after HiGHS hidden behind its run but the workbook's closing, read and "
        f"validate counted: "
        f"{statistics.median(hidden):.2f}"
    )
    floor, command = statistics.median(floors), statistics.median(commands)
    print(f"floor_ratio={floor:.2f} command_ratio={command:.2f}")


if __name__ == "__main__":
    main()
