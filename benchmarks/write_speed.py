"""Writing the results workbook: the xlsxwriter writer against openpyxl, on the same tables.

    .venv/bin/python benchmarks/write_speed.py [WORKBOOK] [--repeat N]

Solves WORKBOOK (default: the base case) once, then writes its results tables N times (default
3) in alternation with:

* ``xlsxwriter``: `mineralclub.report.workbook.write_results`, the product's writer: every
  sheet with formats and print setup, the Summary headline, the Charts and ChartData sheets;
* ``openpyxl``: the same tables through ``pandas.ExcelWriter(engine="openpyxl")``, tables only
  (no formats, no charts), i.e. less work than the openpyxl writer it replaces did.

Prints the best wall and CPU time of each, their ratio, and whether the goal of issue 17 (at
most 1 s on the base case) is met, judged on CPU time so that a busy machine does not decide it.
The last line is ``openpyxl_vs_xlsxwriter_speedup=X`` (wall time ratio).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from mineralclub.pipeline import run
from mineralclub.report.workbook import sheet_names, write_results
from mineralclub.solve import SolveOptions

BASE_CASE = Path(__file__).resolve().parents[1] / "inputs" / "base_case.xlsx"
GOAL_SECONDS = 1.0


def write_openpyxl(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name in sheet_names(tables):
            tables[name].to_excel(xw, sheet_name=name[:31], index=False)


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path, default=BASE_CASE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        result = run(args.workbook, folder, SolveOptions())
        print(f"solved {args.workbook.name} in {time.perf_counter() - start:.1f} s")
        tables = result.tables
        cells = sum(df.size + len(df.columns) for df in tables.values())
        print(f"tables: {len(tables)} sheets, {cells:,} cells")
        fast = slow = (float("inf"), float("inf"))
        for _ in range(args.repeat):  # alternate, so both see the same machine load
            fast = min(fast, timed(lambda: write_results(folder / "x.xlsx", tables)))
            slow = min(slow, timed(lambda: write_openpyxl(folder / "o.xlsx", tables)))
    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"xlsxwriter (formats, charts, print setup): {fast[0]:.3f} s wall, {fast[1]:.3f} s CPU")
    print(f"openpyxl (tables only):                    {slow[0]:.3f} s wall, {slow[1]:.3f} s CPU")
    verdict = "met" if fast[1] <= GOAL_SECONDS else "NOT met"
    print(f"goal <= {GOAL_SECONDS:.1f} s (CPU time, robust to a busy machine): {verdict}")
    print(f"openpyxl_vs_xlsxwriter_speedup={slow[0] / fast[0]:.2f}")


if __name__ == "__main__":
    main()
