"""The six-bloc exact coalition game of the base case: wall time, solves per minute, and the
speed-up of two local worker processes over one.

    .venv/bin/python benchmarks/coalition_speed.py [WORKBOOK]

Six blocs: the base case's eight `bloc` values with Japan-Korea and Australia-New Zealand
merged ("Indo-Pacific") and India with "Gulf and others" ("India, Gulf and others"), so
2^6 - 1 = 63 coalitions, each a fresh model. Both runs solve every coalition (no cache); the
costs of the two runs are compared; the serial run's coalition workbook is written to
outputs/<workbook>_6blocs_coalition.xlsx and its paragraph printed. The machine's load
matters (the figures in docs/coalition.md were taken on a shared 2-core machine).
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time
from pathlib import Path

import pandas as pd

from mineralclub.coalition.blocs import read_blocs
from mineralclub.coalition.report import explain, write_coalition_workbook
from mineralclub.coalition.run import CoalitionRequest, analyse
from mineralclub.sweep.sweep import load_base

MERGE = {
    "Japan-Korea": "Indo-Pacific",
    "Australia-New Zealand": "Indo-Pacific",
    "India": "India, Gulf and others",
    "Gulf and others": "India, Gulf and others",
}


def six_blocs(base):
    countries = base.tables["Countries"].copy()
    countries["bloc6"] = countries["bloc"].map(lambda b: MERGE.get(b, b))
    frames = dict(base.tables.frames, Countries=countries)
    return read_blocs(dataclasses.replace(base.tables, frames=frames), "bloc6")


def timed(base, blocs, workers: int):
    t0 = time.perf_counter()
    a = analyse(base, blocs, CoalitionRequest(workers=workers, progress=True))
    return time.perf_counter() - t0, a


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("inputs/base_case.xlsx")
    base = load_base(path)
    blocs = six_blocs(base)
    print(f"{len(blocs)} blocs: {', '.join(blocs.names)}")
    results = {}
    for workers in (1, 2):
        seconds, a = timed(base, blocs, workers)
        n = len(a.coalitions)
        results[workers] = (seconds, a)
        print(
            f"workers={workers}: {n} coalitions in {seconds:.1f} s = "
            f"{60 * n / seconds:.1f} solves/min; c(N) = {a.grand_cost:,.1f} USD million"
        )
    one, two = results[1][1].coalitions, results[2][1].coalitions
    diff = (one["cost_musd"] - two["cost_musd"]).abs().max()
    print(f"largest cost difference between the runs: {diff:.3g} USD million")
    pd.set_option("display.width", 160)
    print(
        results[1][1]
        .values[["bloc", "marginal_musd", "shapley_musd", "ledger_musd", "least_core_musd"]]
        .round(1)
        .to_string(index=False)
    )
    target = Path("outputs") / f"{path.stem}_6blocs_coalition.xlsx"
    write_coalition_workbook(
        target,
        results[1][1],
        {"input_path": str(path.resolve()), "grouped_by": "bloc6 (benchmark)"},
    )
    print(f"coalition workbook: {target}")
    print(results[1][1].stability.round(1).to_string(index=False))
    print(explain(results[1][1]))
    speedup = results[1][0] / results[2][0]
    print(f"speedup_2_workers={speedup:.2f}")
    assert math.isfinite(speedup)


if __name__ == "__main__":
    main()
