"""HiGHS heuristics on and off, on every bundled workbook and scaled copies of the base case,
side by side (the measurement behind the defaults of `solver_rins`, `solver_rens` and
`solver_root_reduced_cost`).

    .venv/bin/python benchmarks/highs_options.py [SCALES] [REPEATS] [KEYS]
    (default 1,2,4, 2 and solver_rens,solver_root_reduced_cost)

SCALES: k clones the base case's scenarios k times; sN draws N scenarios from stated risks
(`scale.py`'s sampled copy, seed 0).

A scaled copy clones every scenario of the base case k times (probability / k each, prices
and disruptions copied), so the model grows k-fold in its second stage with the same optimum.
KEYS are Settings keys switched on and off together (every other key at its default). For
each instance: HiGHS's own time of the plan (with HHI rounds), its objective and the peak
memory of the solve (resident memory's high-water mark over what was resident before it;
each solve in a fresh process),
heuristics on (HiGHS' default) and off, REPEATS times each in alternating order (the fastest
and the highest peak of each are kept); then the time and memory ratios off / on.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd
from scale import sampled_copy  # benchmarks/scale.py

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


def switched(tables: Tables, keys: list[str], on: bool) -> Tables:
    return replace(tables, settings={**tables.settings, **dict.fromkeys(keys, on)})


def memory() -> tuple[float, float]:
    """(resident, high-water mark) in MiB; the mark is then reset (Linux)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":")
            out[key] = int(value.split()[0]) / 1024
    Path("/proc/self/clear_refs").write_text("5")
    return out["VmRSS"], out["VmHWM"]


def solve_once(tables: Tables, keys: list[str], on: bool) -> tuple[float, float, float]:
    """In a fresh process: HiGHS's time, the objective and the solve's memory peak (MiB over
    what was resident before it)."""
    ds = build_dataset(switched(tables, keys, on))
    gc.collect()
    before, _ = memory()
    plan = solve_plan(ds, SolveOptions())
    _, peak = memory()
    return plan.highs_seconds, plan.objective, peak - before


def measure(label: str, tables: Tables, repeats: int, keys: list[str]) -> None:
    out: dict[bool, list] = {}
    order = [True, False, False, True] * repeats
    spawn = multiprocessing.get_context("spawn")
    for on in order[: 2 * repeats]:  # alternate, so a load change hits both
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            out.setdefault(on, []).append(pool.submit(solve_once, tables, keys, on).result())
    on_s, off_s = (min(t for t, _, _ in out[k]) for k in (True, False))
    on_m, off_m = (max(m for _, _, m in out[k]) for k in (True, False))
    obj_on, obj_off = out[True][0][1], out[False][0][1]
    print(
        f"{label:28s} on {on_s:7.2f} s {on_m:6.0f} MiB  off {off_s:7.2f} s {off_m:6.0f} MiB  "
        f"off/on time {off_s / on_s:5.2f} memory {off_m / max(on_m, 1.0):5.2f}  objective on "
        f"{obj_on:.8g} off {obj_off:.8g} (relative difference "
        f"{abs(obj_on - obj_off) / max(1e-9, abs(obj_on)):.1e})",
        flush=True,
    )


def main() -> None:
    spec = (sys.argv[1] if len(sys.argv) > 1 else "1,2,4").split(",")
    scales = [int(x) for x in spec if not x.startswith("s")]
    sampled = [int(x[1:]) for x in spec if x.startswith("s")]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    keys = (sys.argv[3] if len(sys.argv) > 3 else "solver_rens,solver_root_reduced_cost").split(",")
    print(f"cores {os.cpu_count()}, load average before {os.getloadavg()}; on/off: {keys}")
    for path in sorted((ROOT / "inputs").glob("*.xlsx")):
        tables = load_tables(path)
        for k in scales if path.stem == "base_case" else [1]:
            label = path.stem + (f" x{k} scenarios" if k > 1 else "")
            measure(label, clone_scenarios(tables, k), repeats, keys)
    for n in sampled:
        with tempfile.TemporaryDirectory() as tmp:
            tables = load_tables(sampled_copy(n, 0, Path(tmp)))
        measure(f"base_case, {n} sampled", tables, repeats, keys)
    print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
