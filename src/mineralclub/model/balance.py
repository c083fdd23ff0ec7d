"""Commodity balances: the final-stage demand balance and the trusted / untrusted feed pools."""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset, Producer
from mineralclub.model.flows import imports
from mineralclub.model.sets import Sets
from mineralclub.model.supply import used


def add_balance(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Balances of every (mineral, stage, period, node of the scenario tree).

    .. math::
        \text{final: } \sum_{r} (yT_r + yU_r) + \sum_c o^P_c + I + e - b + u = D_{k,t}

        \text{stage } s < final\text{, trusted pool: }
            \sum_{r \in s} yT_r = \sum_{r' \in s+1} fT_{r'}

        \text{untrusted pool: } \sum_{r \in s} yU_r + I_{k,s} + \sum_c o^P_{c,s}
            = \sum_{r' \in s+1} fU_{r'}
    """
    S: Sets = m.sets
    reg = m.reg

    def at(k: str, s: str | None, t: int) -> list[Producer]:
        """The producers of (k, s) in t; none after the final stage (s None)."""
        return [] if s is None else S.producers_at.get((k, s, t), [])

    def c_final_balance(m, k, t, w):
        r"""\sum_r (yT_r + yU_r) + \sum_c o^P_c + I + e - b + u = D_{k,t}"""
        f = ds.final_stage[k]
        supply = sum(used(m, ds, *r, t, w) for r in at(k, f, t))
        supply += imports(m, k, f, t, w) + sum(reg.final_supply.get((k, t, w), []))
        return supply + m.u[k, t, w] == m.p_demand[k, t]

    pools = [key for key in S.kst_n if key[1] != ds.final_stage[key[0]]]

    def c_trusted_pool(m, k, s, t, w):
        r"""\sum_{r \in s} yT_r = \sum_{r' \in s+1} fT_{r'}"""
        nxt = ds.next_stage(k, s)
        supply = sum(m.yT[(*r, t, w)] for r in at(k, s, t))
        feed = sum(m.fT[(*r, t, w)] for r in at(k, nxt, t))
        if isinstance(supply, int) and isinstance(feed, int):
            return pyo.Constraint.Skip
        return supply == feed

    def c_untrusted_pool(m, k, s, t, w):
        r"""\sum_{r \in s} yU_r + I_{k,s} + \sum_c o^P_{c,s} = \sum_{r' \in s+1} fU_{r'}"""
        nxt = ds.next_stage(k, s)
        supply = sum(m.yU[(*r, t, w)] for r in at(k, s, t) if ds.order(k, s) >= 2)
        supply += imports(m, k, s, t, w) + sum(reg.untrusted_supply.get((k, s, t, w), []))
        feed = sum(m.fU[(*r, t, w)] for r in at(k, nxt, t))
        if isinstance(supply, int) and isinstance(feed, int):
            return pyo.Constraint.Skip
        return supply == feed

    m.c_final_balance = pyo.Constraint(S.kt_n, rule=c_final_balance)
    m.c_trusted_pool = pyo.Constraint(pools, rule=c_trusted_pool)
    m.c_untrusted_pool = pyo.Constraint(pools, rule=c_untrusted_pool)
