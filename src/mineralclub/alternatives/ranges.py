"""The least and the most each item (host country or lever) can get within the slack.

Serially, on the search's own persistent model (two solves per item). With `workers > 1`, the
items are cut into chunks as the sweep cuts its runs (`sweep.execute.chunks`) and solved by
local worker processes (spawned, one HiGHS thread each, as the sweep's executors do): each
worker builds the model once, adds the same cap (the C* and P* of the search's least-cost plan,
not its own re-solve) and keeps its model across the chunks it gets; the HHI loop adds the cuts
it needs. Every range solve starts from a cleared solver state, so serial and parallel ranges
agree (within the MIP gap; exactly on the tested knapsack).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from multiprocessing import get_context

from mineralclub.alternatives.engine import Bound, Engine, Plan
from mineralclub.dataset import Dataset
from mineralclub.solve import SolveOptions
from mineralclub.sweep.execute import chunks


def range_bounds(
    engine: Engine,
    best: Plan,
    slack: float,
    space: str,
    workers: int = 1,
    progress=lambda message: None,
) -> list[Bound]:
    """A Bound per item of `space`, in the space's order; `engine` holds the capped model."""
    items = list(engine.spaces[space].items)
    optimum = best.points[space]
    if workers <= 1 or len(items) < 2:
        out = []
        for n, item in enumerate(items, start=1):
            progress(f"Range {n}/{len(items)}: {item}")
            out.append(engine.bound(space, item, optimum[item]))
        return out
    opts = engine.opts if engine.opts.threads else replace(engine.opts, threads=1)
    found: dict[str, Bound] = {}
    ctx = get_context("spawn")  # no fork of a process holding solver threads
    args = (engine.ds, opts, best.cost, best.penalty, slack)
    with ProcessPoolExecutor(
        max_workers=min(workers, len(items)), mp_context=ctx, initializer=_init, initargs=args
    ) as pool:
        futures = [
            pool.submit(_chunk, space, [(i, optimum[i]) for i in chunk])
            for chunk in chunks(items, workers)
        ]
        for future in as_completed(futures):
            bounds, solves = future.result()
            engine.solves += solves
            found.update({b.item: b for b in bounds})
            progress(f"Ranges: {len(found)}/{len(items)}")
    return [found[item] for item in items]


_ENGINE: Engine | None = None


def _init(ds: Dataset, opts: SolveOptions, c_star: float, p_star: float, slack: float) -> None:
    global _ENGINE
    _ENGINE = Engine(ds, opts)
    _ENGINE.add_cap(c_star, p_star, slack)


def _chunk(space: str, items: list[tuple[str, float]]) -> tuple[list[Bound], int]:
    engine = _ENGINE
    if engine is None:
        raise RuntimeError("range worker used before its initializer built the engine")
    before = engine.solves
    bounds = [engine.bound(space, item, optimum) for item, optimum in items]
    return bounds, engine.solves - before
