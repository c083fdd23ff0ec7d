"""Which coalitions to solve, solved through the sweep engine (with the cache), and the
analysis: costs, values, least core and stability tables.

Exact (K <= exact_max blocs): every non-empty coalition, 2^K - 1 solves, exact Shapley values
and the least core. Sampled (K > exact_max): `samples` random orders of the blocs, and the
coalitions their prefixes need, plus each bloc alone and the club without each bloc (for the
marginal values); Shapley values with standard errors; no least core (it needs every coalition).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mineralclub.coalition import values as V
from mineralclub.coalition.blocs import Blocs
from mineralclub.coalition.cache import Cache
from mineralclub.coalition.game import ROW_KEYS, SOLVED, CoalitionRun, solve_coalition
from mineralclub.coalition.stability import stability_table, values_table
from mineralclub.solve import SolveOptions
from mineralclub.sweep.address import Base
from mineralclub.sweep.execute import run_all


@dataclass
class CoalitionRequest:
    exact_max: int = 8
    samples: int = 200
    seed: int = 0
    workers: int = 1
    scheduler: object = None
    progress: bool = False
    cache_dir: Path | None = None
    input_sha256: str = ""


@dataclass
class Analysis:
    blocs: Blocs
    exact: bool
    costs: dict[int, float]
    coalitions: pd.DataFrame
    values: pd.DataFrame
    stability: pd.DataFrame
    least_core: V.LeastCore | None
    orders: int = 0
    solved: int = 0  # coalitions solved in this run (the others came from the cache)
    info: dict = field(default_factory=dict)

    @property
    def grand_cost(self) -> float:
        return self.costs.get(V.full(len(self.blocs)), math.nan)


def coalition_masks(k: int, exact_max: int, samples: int, seed: int):
    """(the coalitions to solve, the sampled orders or None)."""
    grand = V.full(k)
    if k <= exact_max:
        return list(range(1, grand + 1)), None
    orders = V.permutations(k, samples, seed)
    needed = V.prefix_coalitions(orders) | {grand}
    needed |= {1 << i for i in range(k)} | {grand & ~(1 << i) for i in range(k)}
    needed.discard(0)
    return sorted(needed), orders


def make_run(blocs: Blocs, mask: int) -> CoalitionRun:
    chosen = tuple(b for i, b in enumerate(blocs.names) if mask >> i & 1)
    return CoalitionRun(
        mask,
        chosen,
        blocs.countries(chosen),
        sum(blocs.demand_share[b] for b in chosen),
        sum(blocs.cost_share[b] for b in chosen),
    )


def solve_coalitions(
    base: Base, runs: list[CoalitionRun], req: CoalitionRequest, opts: SolveOptions
) -> tuple[list[dict], int]:
    """Every run's row: from the cache where it holds the coalition, else solved (and cached
    chunk by chunk). Returns the rows in run order and how many were solved now."""
    options = {"mip_gap": opts.mip_gap, "time_limit": opts.time_limit}
    cache = Cache(req.cache_dir, req.input_sha256, options)
    rows, todo = [], []
    for run in runs:
        row = cache.get(run.key)
        if row is None:
            todo.append(run)
        else:
            rows.append({**row, "run": run.id, "cached": True})
    if todo:
        solved = run_all(
            base,
            todo,
            opts,
            workers=req.workers,
            scheduler=req.scheduler,
            progress=req.progress,
            solve=solve_coalition,
            on_rows=cache.put,
            label="coalitions",
            chunk_size=1,  # each coalition is a model of its own: no reuse to lose
        )
        rows += [{**row, "cached": False} for row in solved]
    return sorted(rows, key=lambda r: r["run"]), len(todo)


def analyse(
    base: Base, blocs: Blocs, req: CoalitionRequest, opts: SolveOptions | None = None
) -> Analysis:
    opts = opts or SolveOptions()
    k = len(blocs)
    masks, orders = coalition_masks(k, req.exact_max, req.samples, req.seed)
    runs = [make_run(blocs, mask) for mask in masks]
    rows, solved = solve_coalitions(base, runs, req, opts)
    costs = {
        r["run"]: (float(r["cost_musd"]) if r.get("status") in SOLVED else math.nan) for r in rows
    }
    exact = orders is None
    grand = V.full(k)
    if exact:
        shapley, se = V.shapley_exact(costs, k), np.zeros(k)
    else:
        shapley, se = V.shapley_sampled(costs, orders)
    core = V.least_core(costs, k) if exact and math.isfinite(costs[grand]) else None
    table = values_table(blocs, costs, V.marginal_values(costs, k), shapley, se, core)
    return Analysis(
        blocs,
        exact,
        costs,
        coalitions_table(blocs, runs, rows, costs),
        table,
        stability_table(blocs, costs),
        core,
        0 if orders is None else len(orders),
        solved,
    )


def coalitions_table(
    blocs: Blocs, runs: list[CoalitionRun], rows: list[dict], costs: dict[int, float]
) -> pd.DataFrame:
    by_id = {r["run"]: r for r in rows}
    grand = costs.get(V.full(len(blocs)), math.nan)
    out = []
    for run in sorted(runs, key=lambda r: (len(r.blocs), r.id)):  # the whole club last
        row = by_id[run.id]
        ledger = run.cost_share * grand
        cost = costs[run.id]
        out.append(
            {
                "coalition": " + ".join(run.blocs),
                "blocs": len(run.blocs),
                "members": len(run.members),
                "demand_share": run.demand_share,
                "cost_share": run.cost_share,
                "status": row.get("status"),
                "cost_musd": cost,
                "ledger_musd": ledger,
                "ledger_minus_cost_musd": ledger - cost,
                "priced_targets": row.get("priced_targets", 0),
                "priced_violation_musd": row.get("priced_violation_musd", math.nan),
                **{key: row.get(key, math.nan) for key in ROW_KEYS if key != "objective_musd"},
                "cached": bool(row.get("cached")),
                "seconds": row.get("seconds"),
                "message": row.get("message", ""),
                "member_countries": "; ".join(run.members),
            }
        )
    return pd.DataFrame(out)
