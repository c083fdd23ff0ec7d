"""Price floors: a strike level per (mineral, stage) and the covered tonnes per producer.

Firm, contract-for-difference cover: in every scenario the club pays (F_l - P)^+ on every
covered tonne.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.capacity import capacity_expr


def floor_levels(ds: Dataset) -> dict[tuple, float]:
    """(k, s, level) -> strike F_l in USD/t."""
    return {
        (r.mineral, r.stage, r.level): float(r.floor_usd_per_t)
        for r in ds.tables["FloorLevels"].itertuples(index=False)
    }


def eligible_cover(ds: Dataset, levels: dict) -> list[tuple]:
    """(owner, k, s, level, t) where F_l >= max_w c_{r,t,w} (the level covers the producer's full
    cash cost in every scenario)."""
    by_stage = defaultdict(list)
    for (k, s, lvl), f in levels.items():
        by_stage[(k, s)].append((lvl, f))
    out = []
    for (r, t) in ds.producer_cap:
        o, k, s = r
        worst = max(ds.producer_cost[(r, t, w)] for w in ds.scenarios)
        for lvl, f in by_stage.get((k, s), []):
            if f >= worst - 1e-9:
                out.append((o, k, s, lvl, t))
    return sorted(out)


def add_price_floors(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Floor choice and covered volumes.

    .. math::
        \sum_l z_{k,s,l} \le 1, \qquad
        v_{r,l,t} \le \overline{cap}_{r,t} \, z_{k,s,l}, \qquad
        Z^{floor}_w = 10^{-6} \sum_t w_t \sum_{r,l} (F_l - P_{k,s,t,w})^+ v_{r,l,t}
    """
    levels = floor_levels(ds) if not m.opts.baseline else {}
    m.floor_levels = levels
    m.z = pyo.Var(sorted(levels), within=pyo.Binary)
    cover = eligible_cover(ds, levels)
    m.v = pyo.Var(cover, within=pyo.NonNegativeReals)
    by_stage = defaultdict(list)
    for k, s, lvl in levels:
        by_stage[(k, s)].append(lvl)

    def c_one_level(m, k, s):
        r"""\sum_l z_{k,s,l} \le 1"""
        return sum(m.z[k, s, lvl] for lvl in by_stage[(k, s)]) <= 1

    def c_cover_if_chosen(m, o, k, s, lvl, t):
        r"""v_{r,l,t} \le \overline{cap}_{r,t} z_{k,s,l} (undisrupted capacity)"""
        return m.v[o, k, s, lvl, t] <= ds.producer_cap[((o, k, s), t)] * m.z[k, s, lvl]

    m.c_one_level = pyo.Constraint(sorted(by_stage), rule=c_one_level)
    m.c_cover_if_chosen = pyo.Constraint(cover, rule=c_cover_if_chosen)
    for o, k, s, lvl, t in cover:
        r = (o, k, s)
        m.reg.supported[(r, t)].append(m.v[o, k, s, lvl, t])
        f = levels[(k, s, lvl)]
        for w in ds.scenarios:
            pay = max(0.0, f - ds.price[(k, s, t, w)])
            if pay > 0:
                term = 1e-6 * pay * m.v[o, k, s, lvl, t]
                m.reg.scenario_cost[("floor_payout", w)].append(ds.weight[t] * term)
                m.reg.outlay[(t, w)].append(term)


def add_support_limits(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Supported volume within capacity, and bankability of projects.

    .. math::
        \sum_l v_{r,l,t} + o_{r,t} \le cap_{r,t}, \qquad
        \sum_l v_{r,l,t} + o_{r,t} \ge \mu_p \, capacity_p \, x_p \quad (t \ge first\_year_p)
    """
    keys = sorted(rt for rt, terms in m.reg.supported.items() if terms)

    def c_support_within_capacity(m, o, k, s, t):
        r = (o, k, s)
        return sum(m.reg.supported[(r, t)]) <= capacity_expr(m, ds, r, t)

    m.c_support_within_capacity = pyo.Constraint(
        [(*r, t) for r, t in keys], rule=c_support_within_capacity
    )
    bank = [
        (*r, t) for (r, t) in sorted(ds.producer_cap)
        if r[0] in ds.projects and ds.projects[r[0]].min_contracted_share > 0
        and not m.opts.baseline
    ]

    def c_bankability(m, o, k, s, t):
        p = ds.projects[o]
        supported = sum(m.reg.supported.get(((o, k, s), t), []))
        return supported >= p.min_contracted_share * p.capacity_t * m.x[o]

    m.c_bankability = pyo.Constraint(bank, rule=c_bankability)
