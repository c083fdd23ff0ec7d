"""HiGHS's RINS heuristic on and off, on every bundled workbook and scaled copies of the base
case, side by side (the measurement behind the `solver_rins` default).

    .venv/bin/python benchmarks/highs_options.py [SCALES] [REPEATS]   (default 1,2,4 and 2)

A scaled copy clones every scenario of the base case k times (probability / k each, prices
and disruptions copied), so the model grows k-fold in its second stage with the same optimum.
For each instance: HiGHS's own time of the plan (with HHI rounds) and its objective, RINS on
(HiGHS' default) and off, REPEATS times each in alternating order (the fastest of each is
kept); then the time ratio off / on.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from mineralclub.dataset import build_dataset
from mineralclub.io.tables import Tables
from mineralclub.pipeline import load_tables
from mineralclub.solve import SolveOptions, solve_plan

ROOT = Path(__file__).resolve().parents[1]


def clone_scenarios(tables: Tables, k: int) -> Tables:
    if k == 1:
        return tables
    frames = dict(tables.frames)
    scen = tables["Scenarios"]
    names = {w: [f"{w}#{i}" for i in range(k)] for w in scen["scenario"]}
    rows = []
    for r in scen.to_dict("records"):
        for name in names[r["scenario"]]:
            rows.append({**r, "scenario": name, "probability": r["probability"] / k})
    frames["Scenarios"] = pd.DataFrame(rows)
    for sheet in ("Prices", "Disruptions"):
        df = tables[sheet]
        if df.empty:
            continue
        parts = []
        for r in df.to_dict("records"):
            for name in names.get(r["scenario"], [r["scenario"]]):
                parts.append({**r, "scenario": name})
        frames[sheet] = pd.DataFrame(parts, columns=df.columns)
    return replace(tables, frames=frames)


def with_rins(tables: Tables, on: bool) -> Tables:
    return replace(tables, settings={**tables.settings, "solver_rins": on})


def measure(label: str, tables: Tables, repeats: int) -> tuple[float, float]:
    out = {}
    order = [True, False, False, True] * repeats
    for on in order[: 2 * repeats]:  # alternate, so a load change hits both
        plan = solve_plan(build_dataset(with_rins(tables, on)), SolveOptions())
        out.setdefault(on, []).append((plan.highs_seconds, plan.objective))
    on_s = min(t for t, _ in out[True])
    off_s = min(t for t, _ in out[False])
    obj_on, obj_off = out[True][0][1], out[False][0][1]
    print(
        f"{label:28s} RINS on {on_s:7.2f} s  off {off_s:7.2f} s  off/on {off_s / on_s:5.2f}"
        f"  objective on {obj_on:.6g} off {obj_off:.6g}",
        flush=True,
    )
    return on_s, off_s


def main() -> None:
    scales = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "1,2,4").split(",")]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}", flush=True)
    for path in sorted((ROOT / "inputs").glob("*.xlsx")):
        tables = load_tables(path)
        for k in scales if path.stem == "base_case" else [1]:
            label = path.stem + (f" x{k} scenarios" if k > 1 else "")
            measure(label, clone_scenarios(tables, k), repeats)
    print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
