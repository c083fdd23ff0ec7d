"""Exact HHI targets by outer-approximation cutting planes (SPEC §4 max_hhi).

HHI(x) = sum_c (x_c / sum x)^2 <= H  <=>  ||x||_2 <= sqrt(H) sum_c x_c   (x >= 0),
a second-order cone. For any unit vector a, a.x <= ||x|| (Cauchy-Schwarz), so the cut
a.x <= sqrt(H) sum x is valid for every feasible x; with a = x*/||x*|| it cuts off a violating x*.
The loop solves, adds one cut per violated instance, and re-solves on the persistent solver until
every true HHI <= H (1 + 1e-4).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import pyomo.environ as pyo

from mineralclub.dataset import Dataset
from mineralclub.model import flows
from mineralclub.model.supply import node, output, used
from mineralclub.model.targets import expand_scope

RELATIVE_TOL = 1e-4
MAX_ROUNDS = 100


@dataclass
class HHIInstance:
    target: str
    scope: str
    mineral: str
    stage: str
    year: int
    scenario: str
    value: object  # the mutable parameter H = p_target[target]
    parts: dict  # country -> linear expression (tonnes)
    index: int = -1
    cuts: list = field(default_factory=list)  # constraint data of the cuts added
    static: list = field(default_factory=list)  # x_c + u <= sqrt(H) D (final stage, club)

    def shares(self) -> dict:
        x = {c: max(0.0, pyo.value(e)) for c, e in self.parts.items()}
        tot = sum(x.values())
        return {c: v / tot for c, v in x.items()} if tot > 1e-9 else {}

    def hhi(self) -> float:
        sh = self.shares()
        return sum(v * v for v in sh.values()) if sh else float("nan")

    def violated(self) -> bool:
        h = self.hhi()
        return h == h and h > pyo.value(self.value) * (1 + RELATIVE_TOL)

    def row(self, marginal: dict) -> dict:
        h, limit = self.hhi(), pyo.value(self.value)
        return dict(target=self.target, metric="max_hhi", scope=self.scope, mineral=self.mineral,
                    stage=self.stage, country=None, year=self.year, scenario=self.scenario,
                    value=limit, achieved=h, binding=bool(h >= limit * (1 - 1e-3)),
                    violation_t=0.0, hard=True,
                    marginal_cost_musd_per_pp=marginal.get(("hhi", self.index), float("nan")))


def _member_parts(m, ds: Dataset, k, s, t, w, flow) -> dict:
    """Member countries' tonnes at (k, s, t, w): flow = used (club) or output (world)."""
    parts = defaultdict(int)
    for r in m.sets.producers_at.get((k, s, t), []):
        country = ds.country_of(r[0])
        parts[country] = parts[country] + flow(m, ds, *r, t, w)
    return parts


def _club_parts(m, ds: Dataset, k, s, t, w) -> dict:
    parts = _member_parts(m, ds, k, s, t, w, used)
    suppliers = set(m.sets.suppliers_at.get((k, s, t, w), []))
    suppliers |= set(m.sets.partners_at.get((k, s, t), []))
    for c in sorted(suppliers):
        parts[c] = flows.country_direct(m, c, k, s, t, w)
    return dict(parts)


def _world_parts(m, ds: Dataset, k, s, t, w) -> dict:
    parts = _member_parts(m, ds, k, s, t, w, output)
    for c in m.sets.nonmembers_at.get((k, s, t), []):
        parts[c] = parts[c] + m.p_ncap[c, k, s, t]
    return dict(parts)


def add_hhi(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""HHI instances, their static caps and an (initially empty) list of cuts.

    .. math::
        a^{(n)} \cdot x \le \sqrt{H} \sum_c x_c \;(+\, s_i \text{ elastic}), \qquad
        a^{(n)} = x^{*(n)} / \lVert x^{*(n)} \rVert

        \text{final stage, club: } x_c + u \le \sqrt{H} D \quad \forall c \notin members
    """
    insts = []
    if not m.opts.baseline:
        for row in ds.tables["Targets"].to_dict("records"):
            if row["metric"] != "max_hhi":
                continue
            scope = row.get("scope") or "club"
            for k, s, _c, t, w in expand_scope(ds, row):
                make = _world_parts if scope == "world" else _club_parts
                insts.append(HHIInstance(row["target"], scope, k, s, t, w,
                                         m.p_target[row["target"]], make(m, ds, k, s, t, w)))
    for i, inst in enumerate(insts):
        inst.index = i
    m.hhi_instances = insts
    m.hhi_rounds = 0
    m.hhi_cut_count = 0
    m.hhi_converged = True
    m.c_hhi_cuts = pyo.ConstraintList()
    m.c_hhi_static = pyo.ConstraintList()
    m.hhi_slack = pyo.Var(range(len(insts)) if m.opts.elastic else [],
                          within=pyo.NonNegativeReals)
    nonmember = frozenset(ds.nonmembers)
    for inst in insts:
        if inst.scope == "club" and inst.stage == ds.final_stage[inst.mineral]:
            root = pyo.sqrt(inst.value) * m.p_demand[inst.mineral, inst.year]
            u = m.u[inst.mineral, inst.year, node(m, inst.year, inst.scenario)]
            for c, part in inst.parts.items():
                if c in nonmember:
                    inst.static.append(m.c_hhi_static.add(part + u <= root + _slack(m, inst)))


def _slack(m, inst):
    return m.hhi_slack[inst.index] if inst.index in m.hhi_slack else 0


def add_cuts(m: pyo.ConcreteModel) -> int:
    """Add one cut per instance whose true HHI exceeds H (1 + tol). Returns the number added."""
    added = 0
    for inst in m.hhi_instances:
        if not inst.violated():
            continue
        x = {c: max(0.0, pyo.value(e)) for c, e in inst.parts.items()}
        norm = math.sqrt(sum(v * v for v in x.values()))
        lhs = sum((x[c] / norm) * e for c, e in inst.parts.items() if x[c] > 0)
        rhs = pyo.sqrt(inst.value) * sum(inst.parts.values())  # valid for any H (a sweep)
        inst.cuts.append(m.c_hhi_cuts.add(lhs - rhs <= _slack(m, inst)))
        added += 1
    return added


def cut_loop(m: pyo.ConcreteModel, solver, run):
    """Solve, add violated cuts, re-solve until exact. After MAX_ROUNDS the plan is returned with
    `m.hhi_converged = False` (the pipeline says so and records it in RunInfo)."""
    result = run(solver, m)
    if not getattr(m, "hhi_instances", None):
        return result
    for _ in range(MAX_ROUNDS):
        if result[0] == "INFEASIBLE":
            return result
        added = add_cuts(m)
        if not added:
            m.hhi_converged = True
            return result
        m.hhi_rounds += 1
        m.hhi_cut_count += added
        result = run(solver, m)
    m.hhi_converged = not any(inst.violated() for inst in m.hhi_instances)
    return result
