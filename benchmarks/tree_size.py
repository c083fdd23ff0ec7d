"""Model size and HiGHS time of the base case with the scenario tree (run on demand).

    PYTHONPATH=src .venv/bin/python benchmarks/tree_size.py [WORKBOOK]

Prints, for the workbook's own tree and for the clairvoyant extensive form (every scenario its own
path from the first period, the model before issue 13), the number of nodes, variables and
constraints, the build seconds and the HiGHS seconds of the plan. Node indexing declares one
copy of each second-stage variable per node instead of one per scenario, so the model shrinks
by the periods the scenarios share. (The two solve different problems: the clairvoyant one may
use knowledge of the future; its size is what a tree built from copies tied by equalities would
start from.) Times vary with the machine's load: compare runs made back to back.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyomo.environ as pyo

from mineralclub.dataset import build_dataset
from mineralclub.model import sets as sets_module
from mineralclub.model.build import build_model
from mineralclub.model.tree import Tree, build_tree
from mineralclub.pipeline import load_tables
from mineralclub.solve import SolveOptions, make_solver, run_solver

BASE = Path(__file__).resolve().parents[1] / "inputs" / "base_case.xlsx"


def clairvoyant_tree(ds) -> Tree:
    """Every scenario its own node in every period."""
    rep = {(t, w): w for t in ds.periods for w in ds.scenarios}
    nodes = tuple((t, w, (w,)) for t in ds.periods for w in ds.scenarios)
    prev = {t: (ds.periods[i - 1] if i else None) for i, t in enumerate(ds.periods)}
    parent = {(t, w): (None if prev[t] is None else w) for t in ds.periods for w in ds.scenarios}
    return Tree(rep=rep, nodes=nodes, parent=parent)


def measure(ds, label: str) -> None:
    t0 = time.perf_counter()
    m = build_model(ds)
    build = time.perf_counter() - t0
    nvar = sum(1 for _ in m.component_data_objects(pyo.Var))
    ncon = sum(1 for _ in m.component_data_objects(pyo.Constraint))
    solver = make_solver(ds, SolveOptions())
    t1 = time.perf_counter()
    status, _term, obj, _bound = run_solver(solver, m)
    solve = time.perf_counter() - t1
    print(
        f"{label:12} nodes {len(m.sets.tree.nodes):3}  variables {nvar:6}  constraints "
        f"{ncon:6}  build {build:5.2f} s  HiGHS {solve:6.2f} s  {status} {obj:,.1f}"
    )


def main(path: Path) -> None:
    ds = build_dataset(load_tables(path))
    measure(ds, "tree")
    sets_module.build_tree = clairvoyant_tree
    try:
        measure(ds, "clairvoyant")
    finally:
        sets_module.build_tree = build_tree


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else BASE)
