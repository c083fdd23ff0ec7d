"""Price floors: a strike level per (mineral, stage) and the covered tonnes per producer.

Firm, contract-for-difference cover: in every scenario the club pays (F_l - P)^+ on every
covered tonne, and a two-sided contract (upside share s_l > 0) takes back s_l (P - F_l)^+. A level
is eligible for a producer when F_l >= max_w c_{r,t,w} (its full cash cost in the worst
scenario); eligibility is a 0/1 parameter. Design `uniform` chooses one strike per (mineral,
stage); `per_contract` pays each covered producer at its lowest eligible level.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.capacity import capacity_expr
from mineralclub.model.registry import Cost


def add_price_floors(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Floor choice and covered volumes (SPEC §4.11).

    .. math::
        \text{uniform: } \sum_l z_{k,s,l} \le 1, \qquad
        v_{r,l,t} \le e_{r,l,t} \, \overline{cap}_{r,t} \, z_{k,s,l}

        \text{per\_contract: } v_{r,l,t} \le \lambda_{r,l,t} \, \overline{cap}_{r,t}

        Z^{floor}_w = 10^{-6} \sum_t w_t \sum_{r,l}
            \big[(F_l - P_{k,s,t,w})^+ - s_l (P_{k,s,t,w} - F_l)^+\big] v_{r,l,t}

    with e_{r,l,t} = 1 if F_l >= max_w c_{r,t,w} else 0, and lambda_{r,l,t} = 1 on the
    lowest-strike eligible level of r in t (no binary per producer and level).
    """
    S = m.sets
    uniform = S.floor_design == "uniform"
    m.z = pyo.Var(S.floor_levels if uniform else [], within=pyo.Binary)
    m.v = pyo.Var(S.cover, within=pyo.NonNegativeReals)
    by_stage = defaultdict(list)
    for k, s, lvl in S.floor_levels:
        by_stage[(k, s)].append(lvl)

    def c_one_level(m, k, s):
        r"""\sum_l z_{k,s,l} \le 1"""
        return sum(m.z[k, s, lvl] for lvl in by_stage[(k, s)]) <= 1

    def c_cover_if_chosen(m, o, k, s, lvl, t):
        r"""v_{r,l,t} \le e_{r,l,t} \overline{cap}_{r,t} z_{k,s,l} (undisrupted capacity)"""
        return m.v[o, k, s, lvl, t] <= (
            m.p_eligible[o, k, s, lvl, t] * m.p_cap[o, k, s, t] * m.z[k, s, lvl]
        )

    def c_cover_per_contract(m, o, k, s, lvl, t):
        r"""v_{r,l,t} \le \lambda_{r,l,t} \overline{cap}_{r,t} (the producer's own strike)"""
        return m.v[o, k, s, lvl, t] <= m.p_contract_level[o, k, s, lvl, t] * m.p_cap[o, k, s, t]

    m.c_one_level = pyo.Constraint(sorted(by_stage) if uniform else [], rule=c_one_level)
    m.c_cover_if_chosen = pyo.Constraint(S.cover if uniform else [], rule=c_cover_if_chosen)
    m.c_cover_per_contract = pyo.Constraint([] if uniform else S.cover, rule=c_cover_per_contract)
    for o, k, s, lvl, t in S.cover:
        m.reg.supported[(o, k, s, t)].append(m.v[o, k, s, lvl, t])
        for w in ds.scenarios:
            add_floor_term(
                m, ds, (o, k, s, lvl, t, w), m.p_floor_pay[k, s, lvl, t, w] * m.v[o, k, s, lvl, t]
            )


def add_floor_term(m: pyo.ConcreteModel, ds: Dataset, key: tuple, term) -> None:
    """Register an annual floor payout term (USD million/yr) of cover key (o, k, s, l, t) in
    scenario w: a FLOOR_PAYOUT cost (weighted by w_t, item (k, s, l), owner the producer) that
    the objective, PriceFloors and the Ledger read, and the outlay. A producer not online in w
    (delayed or failed, SPEC §4.14) covers nothing and pays nothing: no term."""
    o, k, s, lvl, t, w = key
    if (o, t, w) in m.sets.offline:
        return
    m.reg.cost(
        Cost.FLOOR_PAYOUT,
        m.p_weight[t] * term,
        owner=_producer(ds, o),
        country=ds.country_of(o),
        item=(k, s, lvl),
        period=t,
        scenario=w,
    )
    m.reg.outlay[(t, w)].append(term)


def _producer(ds: Dataset, owner: str) -> tuple[str, str]:
    return ("project" if owner in ds.projects else "producer", owner)


def add_support_limits(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Supported volume within capacity, and bankability of projects.

    .. math::
        \sum_l v_{r,l,t} + o_{r,t} \le cap_{r,t}, \qquad
        \sum_l v_{r,l,t} + o_{r,t} \ge \mu_p \, capacity_p \, x_p \quad (t \ge first\_year_p,
        \text{ where the project is online in some scenario})
    """
    keys = sorted(rt for rt, terms in m.reg.supported.items() if terms)

    def c_support_within_capacity(m, o, k, s, t):
        r"""\sum_l v_{r,l,t} + o_{r,t} \le cap_{r,t}"""
        return sum(m.reg.supported[(o, k, s, t)]) <= capacity_expr(m, ds, o, k, s, t)

    m.c_support_within_capacity = pyo.Constraint(keys, rule=c_support_within_capacity)
    offline = m.sets.offline
    bank = (
        []
        if m.opts.baseline
        else [
            (o, k, s, t)
            for o, k, s, t in m.sets.producer_time
            if o in ds.projects
            and ds.projects[o].min_contracted_share > 0
            and any((o, t, w) not in offline for w in ds.scenarios)  # online somewhere
        ]
    )

    def c_bankability(m, o, k, s, t):
        r"""\sum_l v_{r,l,t} + o_{r,t} \ge \mu_p \, capacity_p \, x_p (every operating period)"""
        supported = sum(m.reg.supported.get((o, k, s, t), []))
        return supported >= m.p_min_contract[o] * m.x[o]

    m.c_bankability = pyo.Constraint(bank, rule=c_bankability)
