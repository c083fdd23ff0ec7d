"""Member production, trusted and untrusted feed, use versus export, and spot imports.

Variables (per node of the scenario tree, keyed (..., t, n) with n the node's representative
scenario; an expression asked for scenario w reads the node of (t, w), see tree.py):
  qT_{r,t,w} (stage 1) / fT_{r,t,w}, fU_{r,t,w} (stage >= 2): trusted output, trusted and
  untrusted feed; output q = qT at stage 1 and q = yield (fT + fU) at stages >= 2.
  yT_{r,t,w}, yU_{r,t,w}: output used by members (the rest is exported).
  I_{k,s,t,w}: the club's spot imports, spread over non-members by the export mix.
  u_{k,t,w}: unmet final-stage demand (shortfall).
"""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.capacity import capacity_expr
from mineralclub.model.registry import Cost
from mineralclub.units import USD_TO_MUSD

REWARD_USD_PER_T = 0.001  # unreported: viable member capacity runs whenever it can


def add_supply(m: pyo.ConcreteModel, ds: Dataset) -> None:
    S = m.sets
    m.qT = pyo.Var(S.first_stage_pn, within=pyo.NonNegativeReals)
    m.fT = pyo.Var(S.later_stage_pn, within=pyo.NonNegativeReals)
    m.fU = pyo.Var(S.later_stage_pn, within=pyo.NonNegativeReals)
    m.yT = pyo.Var(S.producer_tn, within=pyo.NonNegativeReals)
    m.yU = pyo.Var(S.later_stage_pn, within=pyo.NonNegativeReals)
    m.I = pyo.Var(S.import_nodes, within=pyo.NonNegativeReals)
    m.u = pyo.Var(S.kt_n, within=pyo.NonNegativeReals)
    _add_production_limits(m, ds)
    _add_use(m, ds)
    _add_export_mix(m, ds)
    _register_costs(m, ds)


def node(m, t, w) -> str:
    """The representative scenario of w's node at period t (the key of its variables)."""
    return m.sets.tree.rep[(t, w)]


def trusted_output(m, ds: Dataset, o, k, s, t, w):
    w = node(m, t, w)
    if ds.order(k, s) == 1:
        return m.qT[o, k, s, t, w]
    return ds.yield_[(k, s)] * m.fT[o, k, s, t, w]


def untrusted_output(m, ds: Dataset, o, k, s, t, w):
    if ds.order(k, s) == 1:
        return 0
    w = node(m, t, w)
    return ds.yield_[(k, s)] * m.fU[o, k, s, t, w]


def output(m, ds: Dataset, o, k, s, t, w):
    """q_{r,t,w}: total output of producer r."""
    return trusted_output(m, ds, o, k, s, t, w) + untrusted_output(m, ds, o, k, s, t, w)


def used(m, ds: Dataset, o, k, s, t, w):
    """Output of producer r used by members: yT + yU."""
    w = node(m, t, w)
    if ds.order(k, s) == 1:
        return m.yT[o, k, s, t, w]
    return m.yT[o, k, s, t, w] + m.yU[o, k, s, t, w]


def spot(m, c, k, s, t, w):
    """spot_{c,k,s,t,w} = mix_c I_{k,s,t,w}: country c's part of the club's spot imports."""
    return m.p_mix[c, k, s, t, w] * m.I[k, s, t, node(m, t, w)]


def _add_production_limits(m, ds: Dataset) -> None:
    def c_capacity(m, o, k, s, t, w):
        r"""q_{r,t,n} \le cap_{r,t} (1 - cut_{r,t,n}) \, online_{r,t,n}"""
        cap = capacity_expr(m, ds, o, k, s, t)
        if (o, t, w) in m.sets.offline:  # delayed or failed project (SPEC §4.14)
            return output(m, ds, o, k, s, t, w) <= 0
        return output(m, ds, o, k, s, t, w) <= (1 - m.p_cut[o, k, s, t, w]) * cap

    def c_viability(m, o, k, s, t, w):
        r"""q_{r,t,w} - (o_{r,t} + \sum_l v_{r,l,t}) \le viable_{r,t,w} \, \overline{cap}_{r,t}

        A producer that is not market-viable (full cash cost above the price) produces only its
        supported volume. Under reference prices viable_{r,t,w} = \sum_{j,j'} \nu^{j,j'} W_{j,j'}
        (viability at the zone state, see reference_prices)."""
        supported = sum(m.reg.supported.get((o, k, s, t), []))
        viable = m.reg.viability.get((o, k, s, t, w), m.p_viable[o, k, s, t, w])
        return output(m, ds, o, k, s, t, w) - supported <= viable * m.p_cap[o, k, s, t]

    m.c_capacity = pyo.Constraint(m.sets.producer_tn, rule=c_capacity)
    m.c_viability = pyo.Constraint(m.sets.producer_tn, rule=c_viability)


def _add_use(m, ds: Dataset) -> None:
    def c_use_trusted(m, o, k, s, t, w):
        r"""yT_{r,t,w} \le qT_{r,t,w} (the rest is exported)"""
        return m.yT[o, k, s, t, w] <= trusted_output(m, ds, o, k, s, t, w)

    def c_use_untrusted(m, o, k, s, t, w):
        r"""yU_{r,t,w} \le qU_{r,t,w}"""
        return m.yU[o, k, s, t, w] <= untrusted_output(m, ds, o, k, s, t, w)

    def c_take_or_pay(m, o, k, s, t, w):
        r"""yT + yU \ge o_{r,t} - cut_{r,t,n} \, cap_{r,t}: contracted output is delivered to the
        club, up to what a disruption leaves (nothing where the project is not online)."""
        contracted = m.reg.take_or_pay.get((o, k, s, t))
        if not contracted or (o, t, w) in m.sets.offline:
            return pyo.Constraint.Skip
        lost = m.p_cut[o, k, s, t, w] * capacity_expr(m, ds, o, k, s, t)
        return used(m, ds, o, k, s, t, w) >= sum(contracted) - lost

    m.c_use_trusted = pyo.Constraint(m.sets.producer_tn, rule=c_use_trusted)
    m.c_use_untrusted = pyo.Constraint(m.sets.later_stage_pn, rule=c_use_untrusted)
    m.c_take_or_pay = pyo.Constraint(m.sets.producer_tn, rule=c_take_or_pay)


def _add_export_mix(m, ds: Dataset) -> None:
    def c_export_mix(m, c, k, s, t, w):
        r"""mix_{c} I_{k,s,t,w} + o^P_{c,k,s,t} \le A_{c,k,s,t,w}"""
        partner = sum(m.reg.partner_offtake.get((c, k, s, t), []))
        return spot(m, c, k, s, t, w) + partner <= m.p_avail[c, k, s, t, w]

    def c_import_total(m, k, s, t, w):
        r"""I_{k,s,t,w} \le \sum_c A_{c,k,s,t,w} (binds when every supplier is cut: mix = 0)"""
        return m.I[k, s, t, w] <= sum(
            m.p_avail[c, k, s, t, w] for c in m.sets.suppliers_at[(k, s, t, w)]
        )

    m.c_export_mix = pyo.Constraint(m.sets.export_nodes, rule=c_export_mix)
    m.c_import_total = pyo.Constraint(m.sets.import_nodes, rule=c_import_total)


def _register_costs(m, ds: Dataset) -> None:
    reg = m.reg
    for k, s, t, w in m.sets.import_keys:
        premium = m.p_weight[t] * m.p_premium_cost[k, s, t, w] * m.I[k, s, t, node(m, t, w)]
        reg.cost(
            Cost.IMPORT_PREMIUM, premium, owner=("mineral", k), item=(k, s), period=t, scenario=w
        )
    for k, t, w in m.sets.kt_w:
        reg.cost(
            Cost.SHORTFALL,
            m.p_weight[t] * m.p_short[k, t, w] * m.u[k, t, node(m, t, w)],
            owner=("mineral", k),
            item=(k,),
            period=t,
            scenario=w,
        )
    for o, k, s, t, w in m.sets.producer_tws:
        reg.reward.append(
            -USD_TO_MUSD
            * REWARD_USD_PER_T
            * m.p_weight[t]
            * m.p_prob[w]
            * output(m, ds, o, k, s, t, w)
        )
