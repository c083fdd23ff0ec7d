"""The whole search: the least-cost plan, the ranges and the alternatives (see engine.py)."""

from __future__ import annotations

import math
import time

from mineralclub.alternatives import terms
from mineralclub.alternatives.engine import Alternatives, Engine
from mineralclub.alternatives.ranges import range_bounds
from mineralclub.dataset import Dataset
from mineralclub.solve import OPTIMAL, SolveOptions


def find_alternatives(
    ds: Dataset,
    by: str = terms.PROJECT,
    slack: float = 0.05,
    count: int = 5,
    opts: SolveOptions | None = None,
    progress=lambda message: None,
    workers: int = 1,
) -> Alternatives:
    """The optimum, the ranges of the range space and up to `count` alternatives; the ranges
    over `workers` local processes when more than one.

    Raises Infeasible when the hard targets or budget cannot be met, SolverFailure when HiGHS
    finds no plan."""
    if by not in terms.SPACES:
        raise ValueError(f"unknown space {by!r}: one of {', '.join(terms.SPACES)}")
    t0 = time.perf_counter()
    progress("Building the model and solving the least-cost plan")
    engine = Engine(ds, opts)
    best = engine.optimum()
    cap = engine.add_cap(best.cost, best.penalty, slack)
    ranged = terms.range_space(by)
    ranges = range_bounds(engine, best, slack, ranged, workers, progress)
    if by == terms.PROJECT:
        scale = {p: (0.0, 1.0) for p in engine.spaces[by].items}
    else:
        scale = {
            r.item: (r.low, r.high) for r in ranges if not (math.isnan(r.low) or math.isnan(r.high))
        }
    progress(f"Searching for up to {count} alternative plan(s)")
    found, reason = engine.alternatives(by, count, [best], scale) if count else ([], "")
    messages = [
        f"warning: plan {p.index} stopped at the time limit (best plan found in time)"
        for p in [best] + found
        if p.status != OPTIMAL
    ]
    for b in ranges:
        for end, status in (("least", b.low_status), ("most", b.high_status)):
            if status != OPTIMAL:
                messages.append(f"warning: the {end} of {b.item} is {status} (Ranges sheet)")
    if not getattr(engine.m, "hhi_converged", True):
        messages.append("warning: the HHI cutting planes did not converge in the last solve")
    return Alternatives(
        by,
        slack,
        count,
        best.cost,
        cap,
        [best] + found,
        ranges,
        engine.solves,
        time.perf_counter() - t0,
        reason,
        messages,
        max(1, workers),
    )
