"""Exact HHI targets by outer-approximation cutting planes (SPEC §4 max_hhi).

HHI(x) = sum_c (x_c / sum x)^2 <= H  <=>  ||x||_2 <= sqrt(H) sum_c x_c   (x >= 0),
a second-order cone. For any unit vector a, a.x <= ||x|| (Cauchy-Schwarz), so the cut
a.x <= sqrt(H) sum x is valid for every feasible x; with a = x*/||x*|| it cuts off a violating x*.
The loop solves, adds one cut per violated instance, and re-solves on the persistent solver until
every true HHI <= H (1 + HHI_RELATIVE_TOL).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.concentration import club_parts, hhi_of, shares_of, world_parts
from mineralclub.model.supply import node
from mineralclub.model.targets import expand_scope
from mineralclub.units import HHI_BINDING_TOL, HHI_RELATIVE_TOL

RELATIVE_TOL = HHI_RELATIVE_TOL
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
        return shares_of(self.parts)

    def hhi(self) -> float:
        return hhi_of(self.parts)

    def violated(self) -> bool:
        h = self.hhi()
        return h == h and h > pyo.value(self.value) * (1 + RELATIVE_TOL)

    def row(self, marginal: dict) -> dict:
        h, limit = self.hhi(), pyo.value(self.value)
        return dict(
            target=self.target,
            metric="max_hhi",
            scope=self.scope,
            mineral=self.mineral,
            stage=self.stage,
            country=None,
            year=self.year,
            scenario=self.scenario,
            value=limit,
            achieved=h,
            binding=bool(h >= limit * (1 - HHI_BINDING_TOL)),
            violation_t=0.0,
            hard=True,
            marginal_cost_musd_per_pp=marginal.get(("hhi", self.index), float("nan")),
        )


def add_hhi(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""HHI instances, their static caps and an (initially empty) list of cuts.

    .. math::
        a^{(n)} \cdot x \le \sqrt{H} \sum_c x_c \;(+\, s_i \text{ elastic}), \qquad
        a^{(n)} = x^{*(n)} / \lVert x^{*(n)} \rVert

        \text{final stage, club: } x_c + u \le \sqrt{H} D \quad \forall c \notin members
    """
    insts = []
    if not m.opts.baseline:
        for row in ds.targets:
            if row.metric != "max_hhi":
                continue
            for k, s, _c, t, w in expand_scope(ds, row):
                make = world_parts if row.scope == "world" else club_parts
                insts.append(
                    HHIInstance(
                        row.target,
                        row.scope,
                        k,
                        s,
                        t,
                        w,
                        m.p_target[row.target],
                        make(m, ds, k, s, t, w),
                    )
                )
    for i, inst in enumerate(insts):
        inst.index = i
    m.hhi_instances = insts
    m.hhi_rounds = 0
    m.hhi_cut_count = 0
    m.hhi_converged = True
    m.c_hhi_cuts = pyo.ConstraintList()
    m.c_hhi_static = pyo.ConstraintList()
    m.hhi_slack = pyo.Var(range(len(insts)) if m.opts.elastic else [], within=pyo.NonNegativeReals)
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
