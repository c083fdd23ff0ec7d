"""Writing the results workbook: the xlsxwriter writer against openpyxl, on the same tables.

    .venv/bin/python benchmarks/write_speed.py [WORKBOOK] [--repeat N]

Solves WORKBOOK (default: the base case) once, then writes its results tables N times (default
3) in alternation with:

* ``xlsxwriter``: `mineralclub.report.workbook.write_results`, the product's writer: every
  sheet with formats and print setup, the Summary headline, the Charts and ChartData sheets;
* ``openpyxl``: the same tables through ``pandas.ExcelWriter(engine="openpyxl")``, tables only
  (no formats, no charts), i.e. less work than the openpyxl writer it replaces did.

Prints the best time of each, their ratio, and whether the goal of issue 17 (at most 1 s on the
base case) is met. The last line is ``openpyxl_vs_xlsxwriter_speedup=X``.
"""

from __future__ import annotations

import argparse
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


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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
        fast = slow = float("inf")
        for _ in range(args.repeat):  # alternate, so both see the same machine load
            fast = min(fast, best_of(lambda: write_results(folder / "x.xlsx", tables), 1))
            slow = min(slow, best_of(lambda: write_openpyxl(folder / "o.xlsx", tables), 1))
    print(f"xlsxwriter (formats, charts, print setup): {fast:.3f} s")
    print(f"openpyxl (tables only):                    {slow:.3f} s")
    verdict = "met" if fast <= GOAL_SECONDS else "NOT met"
    print(f"goal <= {GOAL_SECONDS:.1f} s: {verdict}")
    print(f"openpyxl_vs_xlsxwriter_speedup={slow / fast:.2f}")


if __name__ == "__main__":
    main()
