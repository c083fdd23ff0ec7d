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

import pyomo.environ as pyo

from mineralclub.dataset import Dataset
from mineralclub.model import flows
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
    value: object = None  # the mutable parameter p_target[target]
    numerator: object = None
    denominator: object = None
    index: int = -1

    @property
    def key(self) -> tuple:
        return (self.target, self.mineral, self.stage, self.country or "", self.year,
                self.scenario or "*")


def expand_scope(ds: Dataset, row) -> list[tuple]:
    """(k, s, c, t, w) combinations of one Targets row."""
    ks = list(ds.minerals) if row["mineral"] == "*" else [row["mineral"]]
    scen = str(row.get("scenarios") or "*").strip()
    scenarios = (list(ds.scenarios) if scen == "*"
                 else [x.strip() for x in scen.split(";") if x.strip()])
    y0 = int(row["year_from"])
    periods = [t for t in ds.periods if ds.period_end(t) >= y0]
    out = []
    for k in ks:
        if row["metric"] == "min_stock_days":
            stages = [ds.final_stage[k]]
        elif row["stage"] == "*":
            stages = list(ds.stages[k])
        else:
            stages = [row["stage"]] if row["stage"] in ds.stages[k] else []
        for s in stages:
            for c in _countries(ds, row, k, s):
                out += [(k, s, c, t, w) for t in periods for w in scenarios]
    return out


def _countries(ds: Dataset, row, k, s) -> list:
    if row["metric"] != "max_country_share":
        return [None]
    c = row.get("country")
    if isinstance(c, str) and c:
        return [c]
    present = ds.producers_of_stage.get((k, s), frozenset())
    return [c for c in ds.nonmembers if c in present]


def expand_targets(m, ds: Dataset) -> list[TargetInstance]:
    out = []
    for row in ds.tables["Targets"].to_dict("records"):
        if row["metric"] == "max_hhi":
            continue  # hhi.py
        if row["metric"] == "min_stock_days":
            out += _stock_instances(m, ds, row)
            continue
        for k, s, c, t, w in expand_scope(ds, row):
            out.append(_share_instance(m, ds, row, k, s, c, t, w))
    for i, inst in enumerate(out):
        inst.index = i
    return out


def _base(m, row, k, s, c, t) -> dict:
    return dict(target=row["target"], metric=row["metric"], scope=row.get("scope") or "club",
                mineral=k, stage=s, country=c, year=t, hard=bool(row.get("hard", True)),
                value=m.p_target[row["target"]])


def _share_instance(m, ds: Dataset, row, k, s, c, t, w) -> TargetInstance:
    base = _base(m, row, k, s, c, t)
    if base["scope"] == "world":
        num, den = _world_share(m, ds, row["metric"], k, s, c, t, w)
        scale = pyo.value(flows.nonmember_capacity_total(m, k, s, t))
    else:
        num, den = _club_share(m, ds, row["metric"], k, s, c, t, w)
        scale = pyo.value(flows.stage_demand(m, ds, k, s, t))
    sense = "min" if row["metric"].startswith("min_") else "max"
    return TargetInstance(**base, scenario=w, sense=sense, scale=max(scale, 1e-9),
                          numerator=num, denominator=den)


def _club_share(m, ds: Dataset, metric, k, s, c, t, w):
    """Numerator (tonnes) and denominator D_s + purchases of a club-scope share at
    (k, s, t, w)."""
    final = s == ds.final_stage[k]
    dem = flows.share_base(m, ds, k, s, t, w)
    if metric == "max_country_share":
        num = flows.country_direct(m, c, k, s, t, w)
        if final:
            num = num + m.u[k, t, node(m, t, w)]
    elif metric == "max_nonmember_share":
        num = flows.nonmember_direct(m, ds, k, s, t, w)
        num = num + (m.u[k, t, node(m, t, w)] if final
                     else flows.embedded_unknown(m, ds, k, s, t, w))
    else:  # min_trusted_share
        num = flows.trusted_used(m, k, s, t, w)
    return num, dem


def _world_share(m, ds: Dataset, metric, k, s, c, t, w):
    """World production = sum_nonmembers capacity x utilization + sum_members q."""
    ncap = flows.nonmember_capacity_total(m, k, s, t)
    den = ncap + flows.member_output(m, ds, k, s, t, w)
    num = flows.nonmember_capacity(m, c, k, s, t) if metric == "max_country_share" else ncap
    return num, den


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
            out.append(TargetInstance(**base, scenario=None, sense="min", scale=scale,
                                      numerator=m.p_stock_initial[k] + m.K[k],
                                      denominator=per_day))
        if (k, t, w) not in ds.disrupted:
            out.append(TargetInstance(**base, scenario=w, sense="min", scale=scale,
                                      numerator=m.L[k, t, node(m, t, w)],
                                      denominator=per_day))
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
        if inst.scenario is None:
            m.reg.first_cost["target_penalty"].append(cost)
        else:
            m.reg.scenario_cost[("target_penalty", inst.scenario)].append(cost)
