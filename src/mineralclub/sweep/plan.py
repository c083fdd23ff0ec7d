"""Which runs a sweep makes: sweeps from the workbook's Sweeps sheet or from ``--param``
options, expanded into runs (one-at-a-time, grid, frontier), and samples for global
sensitivity (Morris, Sobol) over uncertain inputs given as ranges.

A run is a list of changes ``(address, value)`` to the base workbook; run ids count from 1 in
the order the runs are listed (sweeps in sheet order, then the command line's, then samples).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mineralclub.io.tables import Tables
from mineralclub.schema import SWEEP_MODES
from mineralclub.sweep.address import (
    AddressError,
    multiplier,
    parse_address,
    parse_bounds,
    parse_values,
    split_assignment,
    value_range,
)

ONE_AT_A_TIME, GRID, FRONTIER, MORRIS, SOBOL = (*SWEEP_MODES, "morris", "sobol")
CLI_SWEEP = "cli"
MAX_GRID_RUNS = 100_000


@dataclass(frozen=True)
class Run:
    id: int
    sweep: str
    mode: str
    changes: tuple[tuple[str, Any], ...]
    parameter: str = ""  # one-at-a-time and frontier: the address varied ("" = base run)
    value: Any = None


@dataclass(frozen=True)
class SweepSpec:
    name: str
    mode: str
    parameters: tuple[tuple[str, tuple[Any, ...]], ...]  # (address, values), in order


@dataclass(frozen=True)
class Uncertain:
    address: str
    low: Any  # a number, or a multiplier "x0.8"
    high: Any

    @property
    def bounds(self) -> tuple[float, float]:
        low, high = (multiplier(v) for v in (self.low, self.high))
        return (
            low if low is not None else float(self.low),
            high if high is not None else float(self.high),
        )

    def value(self, x: float) -> Any:
        """The change for a sampled x: a number, or a multiplier when the range is one."""
        return f"x{x:.10g}" if multiplier(self.low) is not None else float(x)


class PlanError(Exception):
    """Sweep definitions that cannot be read: one user-facing message per problem."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


# --- sweep definitions ---------------------------------------------------------------------


def sheet_sweeps(tables: Tables, names: list[str] | None = None) -> list[SweepSpec]:
    """The Sweeps sheet's sweeps (only `names` when given), rows grouped by sweep name."""
    frame = tables["Sweeps"]
    messages: list[str] = []
    grouped: dict[str, list[tuple[str, tuple]]] = {}
    modes: dict[str, set[str]] = {}
    for r in frame.to_dict("records"):
        where = f"Sweeps row {r['_row']}"
        try:
            address = parse_address(r["parameter"]).text
            values = row_values(r)
        except AddressError as exc:
            messages.append(f"{where}: {exc}")
            continue
        grouped.setdefault(r["sweep"], []).append((address, tuple(values)))
        modes.setdefault(r["sweep"], set()).add(r["mode"] or ONE_AT_A_TIME)
    wanted = names or list(grouped)
    unknown = [n for n in wanted if n not in grouped]
    if unknown:
        known = ", ".join(grouped) or "none"
        messages.append(f"Sweeps: no sweep named {', '.join(unknown)} (sweeps: {known})")
    specs = []
    for name in wanted:
        if name not in grouped:
            continue
        if len(modes[name]) > 1:
            messages.append(f"Sweeps: sweep {name} mixes modes {', '.join(sorted(modes[name]))}")
            continue
        specs.append(SweepSpec(name, modes[name].pop(), tuple(grouped[name])))
    messages += [m for spec in specs for m in spec_problems(spec)]
    if messages:
        raise PlanError(messages)
    return specs


def row_values(r: dict) -> list[Any]:
    text = r.get("values")
    if isinstance(text, str) and text.strip():
        return parse_values(text)
    numbers: list[float] = []
    for key in ("start", "stop", "step"):
        v = r.get(key)
        if v is None or v != v:
            raise AddressError("give values (a comma list) or all of start, stop and step")
        numbers.append(float(v))
    return value_range(*numbers)


def cli_sweep(params: list[str], mode: str = ONE_AT_A_TIME, name: str = CLI_SWEEP) -> SweepSpec:
    """``--param 'ADDRESS=v1,v2'`` options (or ``ADDRESS=start:stop:step``) as one sweep."""
    if mode not in SWEEP_MODES:
        raise PlanError([f"--mode must be one of {', '.join(SWEEP_MODES)}, found {mode}"])
    parameters, messages = [], []
    for text in params:
        try:
            address, values = split_assignment(text)
            parameters.append((address.text, tuple(parse_values(values))))
        except AddressError as exc:
            messages.append(f"--param {exc}")
    spec = SweepSpec(name, mode, tuple(parameters))
    messages += spec_problems(spec) if not messages else []
    if messages:
        raise PlanError(messages)
    return spec


def spec_problems(spec: SweepSpec) -> list[str]:
    out = []
    addresses = [a for a, _ in spec.parameters]
    twice = sorted({a for a in addresses if addresses.count(a) > 1})
    if twice and spec.mode != ONE_AT_A_TIME:
        out.append(f"sweep {spec.name}: {', '.join(twice)} given twice")
    if spec.mode == FRONTIER and len(spec.parameters) != 1:
        out.append(
            f"sweep {spec.name}: a frontier sweeps exactly one parameter (usually "
            f"Targets[target=NAME].value), found {len(spec.parameters)}"
        )
    if spec.mode == GRID:
        size = 1
        for _, values in spec.parameters:
            size *= len(values)
        if size > MAX_GRID_RUNS:
            out.append(f"sweep {spec.name}: the grid has {size:,} runs (at most {MAX_GRID_RUNS:,})")
    return out


def parse_uncertain(texts: list[str]) -> list[Uncertain]:
    """``--uncertain 'ADDRESS=low:high'`` (or ``=x0.8:x1.2``) options."""
    out, messages = [], []
    for text in texts:
        try:
            address, bounds = split_assignment(text)
            low, high = parse_bounds(bounds)
            out.append(Uncertain(address.text, low, high))
        except AddressError as exc:
            messages.append(f"--uncertain {exc}")
    names = [u.address for u in out]
    messages += [f"--uncertain {a} given twice" for a in sorted(set(names)) if names.count(a) > 1]
    if messages:
        raise PlanError(messages)
    return out


# --- runs ----------------------------------------------------------------------------------


def run_count(spec: SweepSpec) -> int:
    """How many runs a sweep makes, counted without building them."""
    if spec.mode == GRID:
        return math.prod(len(values) for _, values in spec.parameters)
    base = 1 if spec.mode == ONE_AT_A_TIME else 0
    return base + sum(len(values) for _, values in spec.parameters)


def sample_count(method: str, n: int, k: int) -> int:
    """Runs of a Morris (n trajectories of k + 1 points) or Sobol (n (k + 2)) sample."""
    return n * (k + 1) if method == MORRIS else n * (k + 2)


def expand(specs: list[SweepSpec], start: int = 1) -> list[Run]:
    runs: list[Run] = []
    for spec in specs:
        runs += expand_one(spec, start + len(runs))
    return runs


def expand_one(spec: SweepSpec, start: int) -> list[Run]:
    if spec.mode == GRID:
        names = [a for a, _ in spec.parameters]
        combos = itertools.product(*(values for _, values in spec.parameters))
        return [
            Run(start + i, spec.name, GRID, tuple(zip(names, combo, strict=True)))
            for i, combo in enumerate(combos)
        ]
    runs = []
    if spec.mode == ONE_AT_A_TIME:
        runs.append(Run(start, spec.name, ONE_AT_A_TIME, ()))
    for address, values in spec.parameters:
        for value in values:
            runs.append(
                Run(start + len(runs), spec.name, spec.mode, ((address, value),), address, value)
            )
    return runs


def frontier_runs(target: str, values, start: int = 1, sweep: str = "frontier") -> list[Run]:
    """The runs of a frontier over a target's value (ε-constraint), in the order given."""
    address = parse_address(f"Targets[target={target}].value").text
    return expand_one(SweepSpec(sweep, FRONTIER, ((address, tuple(values)),)), start)


def sample_runs(
    uncertain: list[Uncertain], method: str, n: int, seed: int = 0, start: int = 1
) -> tuple[list[Run], dict]:
    """Morris trajectories (`n` of them, 4 levels) or a Saltelli/Sobol sample (base size `n`,
    first and total order) over the uncertain inputs. Returns the runs and the SALib problem
    with its sample matrix."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if not uncertain:
        raise PlanError([f"--{method} needs at least one --uncertain 'ADDRESS=low:high'"])
    if n < 2:
        raise PlanError([f"--{method} needs a sample size of at least 2, found {n}"])
    problem = {
        "num_vars": len(uncertain),
        "names": [u.address for u in uncertain],
        "bounds": [list(u.bounds) for u in uncertain],
    }
    if method == MORRIS:
        x = morris_sample.sample(problem, n, num_levels=4, seed=seed)
    else:
        x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    runs = [
        Run(
            start + i,
            method,
            method,
            tuple((u.address, u.value(v)) for u, v in zip(uncertain, row, strict=True)),
        )
        for i, row in enumerate(x)
    ]
    return runs, {"method": method, "problem": problem, "X": x, "uncertain": uncertain}


def distinct_changes(runs: list[Run], uncertain: Sequence[Uncertain] = ()) -> list[tuple]:
    """Every (address, value) the runs set (the range ends for sampled inputs): each is
    checked against the workbook on its own before any solve."""
    changes = [c for run in runs if run.mode not in (MORRIS, SOBOL) for c in run.changes]
    changes += [(u.address, v) for u in uncertain for v in (u.low, u.high)]
    return list(dict.fromkeys(changes))


def runs_frame(runs: list[Run]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "run": r.id,
                "sweep": r.sweep,
                "mode": r.mode,
                "parameter": r.parameter,
                "value": r.value,
            }
            for r in runs
        ]
    )
