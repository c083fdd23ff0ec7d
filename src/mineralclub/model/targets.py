"""Concentration and security targets (SPEC §4 Targets).

Every target row expands into instances (mineral, stage, country, period, scenario). Each
instance is one linear constraint  g(x) <= slack  with g written so that g <= 0 means "met":

  max share:   numerator - value * denominator <= slack
  min share:   value * denominator - numerator <= slack

The slack exists for soft targets (priced at penalty_usd_per_t per tonne) and, in the elastic
re-solve, for hard ones too. HHI targets are enforced by cutting planes (hhi.py). A target holds
in the periods whose last year is >= year_from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from mineralclub.dataset import Dataset, TargetRow
from mineralclub.model import concentration, flows
from mineralclub.model.registry import Cost
from mineralclub.model.supply import node


@dataclass
class TargetInstance:
    target: str
    metric: str
    scope: str
    mineral: str
    stage: str
    country: str | None
    year: int
    scenario: str | None  # None for first-stage instances (stock capacity)
    hard: bool
    sense: str  # "max" or "min"
    scale: float  # tonnes per unit of the metric at build time (elastic weights)
    value: Any = None  # the mutable parameter p_target[target]
    numerator: Any = None
    denominator: Any = None
    index: int = -1

    @property
    def key(self) -> tuple:
        return (
            self.target,
            self.mineral,
            self.stage,
            self.country or "",
            self.year,
            self.scenario or "*",
        )


def expand_scope(ds: Dataset, row: TargetRow) -> list[tuple]:
    """(k, s, c, t, w) combinations of one Targets row."""
    ks = list(ds.minerals) if row.mineral == "*" else [row.mineral]
    periods = [t for t in ds.periods if ds.period_end(t) >= row.year_from]
    out = []
    for k in ks:
        if row.metric == "min_stock_days":
            stages = [ds.final_stage[k]]
        elif row.stage == "*":
            stages = list(ds.stages[k])
        else:
            stages = [row.stage] if row.stage in ds.stages[k] else []
        for s in stages:
            for c in _countries(ds, row, k, s):
                out += [(k, s, c, t, w) for t in periods for w in row.scenarios]
    return out


def _countries(ds: Dataset, row: TargetRow, k, s) -> list:
    if row.metric != "max_country_share":
        return [None]
    if row.country:
        return [row.country]
    present = ds.producers_of_stage.get((k, s), frozenset())
    return [c for c in ds.nonmembers if c in present]


def expand_targets(m, ds: Dataset) -> list[TargetInstance]:
    out = []
    for row in ds.targets:
        if row.metric == "max_hhi":
            continue  # hhi.py
        if row.metric == "min_stock_days":
            out += _stock_instances(m, ds, row)
            continue
        for k, s, c, t, w in expand_scope(ds, row):
            out.append(_share_instance(m, ds, row, k, s, c, t, w))
    for i, inst in enumerate(out):
        inst.index = i
    return out


def _base(m, row: TargetRow, k, s, c, t) -> dict:
    return dict(
        target=row.target,
        metric=row.metric,
        scope=row.scope,
        mineral=k,
        stage=s,
        country=c,
        year=t,
        hard=row.hard,
        value=m.p_target[row.target],
    )


def _share_instance(m, ds: Dataset, row, k, s, c, t, w) -> TargetInstance:
    base = _base(m, row, k, s, c, t)
    if base["scope"] == "world":
        num, den = concentration.world_share(m, ds, row.metric, k, s, c, t, w)
        scale = pyo.value(flows.nonmember_capacity_total(m, k, s, t))
    else:
        num, den = concentration.club_share(m, ds, row.metric, k, s, c, t, w)
        scale = pyo.value(flows.stage_demand(m, ds, k, s, t))  # b has no value at build
    sense = "min" if row.metric.startswith("min_") else "max"
    return TargetInstance(
        **base, scenario=w, sense=sense, scale=max(scale, 1e-9), numerator=num, denominator=den
    )


def _stock_instances(m, ds: Dataset, row) -> list[TargetInstance]:
    """min_stock_days: stock_initial + K >= days/365 D once per (mineral, period), and
    L >= days/365 D in the listed (t, w) without a disruption on the mineral (the stock may be
    drawn in a disruption)."""
    out, first_done = [], set()
    for k, s, _c, t, w in expand_scope(ds, row):
        per_day = m.p_demand[k, t] / 365.0
        scale = max(pyo.value(per_day), 1e-9)
        base = _base(m, row, k, s, None, t)
        if (k, t) not in first_done:
            first_done.add((k, t))
            out.append(
                TargetInstance(
                    **base,
                    scenario=None,
                    sense="min",
                    scale=scale,
                    numerator=m.p_stock_initial[k] + m.K[k],
                    denominator=per_day,
                )
            )
        if (k, t, w) not in ds.disrupted:
            out.append(
                TargetInstance(
                    **base,
                    scenario=w,
                    sense="min",
                    scale=scale,
                    numerator=m.L[k, t, node(m, t, w)],
                    denominator=per_day,
                )
            )
    return out


def violation_expr(inst: TargetInstance):
    """g(x): <= 0 when the instance is met (tonnes)."""
    if inst.sense == "max":
        return inst.numerator - inst.value * inst.denominator
    return inst.value * inst.denominator - inst.numerator


def add_targets(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Target constraints, one per instance i: g_i(x) \le s_i.

    .. math::
        \text{club, final: } spot_c + o^P_c + u \le \alpha (D + b), \quad
        I + \textstyle\sum_c o^P_c + u \le \alpha (D + b), \quad \sum_r yT_r \ge \gamma (D + b)

        \text{club, stage } s: \text{ the same on } (D + b) / \prod_{j>s} yield_j
            \text{ (non-member share adds embedded content)}

        \text{world: } cap_c \le \alpha (\textstyle\sum_N cap + \sum_r q_r)

    s_i = 0 for hard targets (unless elastic); soft slacks cost penalty_i per tonne.
    """
    insts = [] if m.opts.baseline else expand_targets(m, ds)
    m.reg.target_instances = insts
    slack_ids = [i.index for i in insts if (not i.hard) or m.opts.elastic]
    m.target_slack = pyo.Var(slack_ids, within=pyo.NonNegativeReals)

    def c_target(m, i):
        r"""g_i(x) \le s_i: numerator - value \cdot den (max) or value \cdot den - numerator
        (min)"""
        g = violation_expr(insts[i])
        if i in m.target_slack:
            return g <= m.target_slack[i]
        return g <= 0

    m.c_target = pyo.Constraint(range(len(insts)), rule=c_target)
    for i in slack_ids:
        inst = insts[i]
        if inst.hard:
            continue
        cost = m.p_weight[inst.year] * m.p_target_penalty[inst.target] * m.target_slack[i]
        m.reg.cost(
            Cost.TARGET_PENALTY,
            cost,
            owner=("target", inst.target),
            item=(inst.mineral, inst.stage),
            period=inst.year,
            scenario=inst.scenario,
        )
