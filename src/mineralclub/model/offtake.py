"""Offtake contracts: fixed-price take-or-pay purchases from member producers or partners.

Per scenario the club pays (C - P) per contracted tonne (negative when prices are high).
"""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.registry import Cost


def add_offtake(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Offtake volumes and their cost.

    .. math::
        0 \le o_{r,t} \le \bar o_r \, f_{r,t}, \qquad
        Z^{offtake}_w = 10^{-6} \sum_t w_t \sum_r (C_r - P_{k,s,t,w}) \, o_{r,t}

    f_{r,t} is the share of period t's years inside the contract years (an annual rate prorated
    over a multi-year period, like a disruption). Where a project is not online (SPEC §4.14) its
    contract delivers nothing and costs nothing. Member offtake is supported volume (it counts
    for bankability and viability) and must be
    delivered (take-or-pay, see supply). Partner offtake o^P_{c,t} is an import outside the export
    mix, delivered in full: mix_c I + o^P_c <= A_c in every scenario.
    """
    S = m.sets
    m.o = pyo.Var(S.offtake_member, within=pyo.NonNegativeReals)
    m.oP = pyo.Var(S.offtake_partner, within=pyo.NonNegativeReals)

    def c_offtake_max(m, sup, k, s, t):
        r"""o_{r,t} \le \bar o_r f_{r,t}"""
        var = m.o[sup, k, s, t] if (sup, k, s, t) in m.o else m.oP[sup, k, s, t]
        return var <= m.p_offtake_max[sup, k, s] * m.p_offtake_share[sup, k, s, t]

    m.c_offtake_max = pyo.Constraint(S.offtake_member + S.offtake_partner, rule=c_offtake_max)
    for sup, k, s, t in S.offtake_member:
        var = m.o[sup, k, s, t]
        m.reg.supported[(sup, k, s, t)].append(var)
        m.reg.take_or_pay[(sup, k, s, t)].append(var)
        _register_cost(m, ds, sup, k, s, t, var)
    for c, k, s, t in S.offtake_partner:
        var = m.oP[c, k, s, t]
        m.reg.partner_offtake[(c, k, s, t)].append(var)
        _register_cost(m, ds, c, k, s, t, var)
        _register_partner_delivery(m, ds, c, k, s, t, var)


def _register_cost(m, ds: Dataset, sup, k, s, t, var) -> None:
    for w in ds.scenarios:
        if (sup, t, w) in m.sets.offline:
            continue  # a project that is not online delivers nothing and is paid nothing
        term = m.p_offtake_cost[sup, k, s, t, w] * var
        m.reg.cost(
            Cost.OFFTAKE_COST,
            m.p_weight[t] * term,
            owner=("contract", sup),
            country=ds.country_of(sup),
            item=(sup, k, s),
            period=t,
            scenario=w,
        )
        m.reg.outlay[(t, w)].append(term)


def _register_partner_delivery(m, ds: Dataset, c, k, s, t, var) -> None:
    """Partner tonnes enter the final balance (or the untrusted pool) and pay the premium."""
    for w in ds.scenarios:
        if s == ds.final_stage[k]:
            m.reg.final_supply[(k, t, w)].append(var)
        else:
            m.reg.untrusted_supply[(k, s, t, w)].append(var)
        premium = m.p_weight[t] * m.p_partner_premium[c, k, s, t, w] * var
        m.reg.cost(
            Cost.IMPORT_PREMIUM,
            premium,
            owner=("country", c),
            country=c,
            item=(k, s),
            period=t,
            scenario=w,
        )
