"""Strategic stockpiles of each mineral's final-stage product.

First stage: new capacity K_k. Per node of the scenario tree (SPEC §4.9): purchases b, releases
e, end-of-period level L; scenarios that share a period share its stock decisions, so a purchase
is made in every scenario that cannot yet be told apart from the one that needs it. Releases are
allowed only at nodes where a disruption hits the mineral (the agreed release trigger).
Valuation (SPEC §4.10): purchases and releases at the fixed book price P_ref, discounted like
every other flow (w_t); the stock held at the end of the horizon above the initial stock is
credited at its discounted book value delta(end) P_ref; holding cost on the level every period.
"""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.registry import Cost
from mineralclub.model.supply import node


def add_stockpiles(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Stock capacity, purchases, releases and levels.

    .. math::
        0 \le K_k \le stock\_max_k - stock\_initial_k

        L_{k,t,n} = L_{k,t-1,a(n)} + d_t (b_{k,t,n} - e_{k,t,n}), \quad
        L_{k,0} = stock\_initial_k \quad (a(n) \text{ the parent node})

        0 \le L_{k,t,n} \le stock\_initial_k + K_k, \qquad L_{k,T,n} \ge stock\_initial_k,
        \qquad e_{k,t,n} = 0 \text{ unless a disruption hits } k \text{ at node } (t, n)

        Z^{stock}_w = 10^{-6} \sum_t w_t \left[ P^{ref}_k (b - e) + h_k L \right]_{(t, n(t,w))}
            - 10^{-6} \delta(end) P^{ref}_k (L_{k,T,n(T,w)} - stock\_initial_k)

    plus 10^{-6} c^K_k K_k (first stage). In the baseline K = 0 and b = e = 0, so L stays at
    stock_initial.
    """
    S = m.sets
    tree = S.tree
    m.K = pyo.Var(ds.minerals, within=pyo.NonNegativeReals)
    m.b = pyo.Var(S.kt_n, within=pyo.NonNegativeReals)
    m.e = pyo.Var(S.kt_n, within=pyo.NonNegativeReals)
    m.L = pyo.Var(S.kt_n, within=pyo.NonNegativeReals)
    releases = set(S.release_nodes)
    for key in S.kt_n:
        if m.opts.baseline:
            m.b[key].fix(0)
        if m.opts.baseline or key not in releases:
            m.e[key].fix(0)
    if m.opts.baseline:
        for k in ds.minerals:
            m.K[k].fix(0)
    prev = {t: (ds.periods[i - 1] if i else None) for i, t in enumerate(ds.periods)}

    def c_stock_level(m, k, t, n):
        r"""L_{k,t,n} = L_{k,t-1,a(n)} + d_t (b_{k,t,n} - e_{k,t,n})"""
        before = m.p_stock_initial[k] if prev[t] is None else m.L[k, prev[t], tree.parent[(t, n)]]
        return m.L[k, t, n] == before + ds.duration[t] * (m.b[k, t, n] - m.e[k, t, n])

    def c_stock_capacity(m, k, t, n):
        r"""L_{k,t,n} \le stock\_initial_k + K_k"""
        return m.L[k, t, n] <= m.p_stock_initial[k] + m.K[k]

    def c_stock_max(m, k):
        r"""K_k \le stock\_max_k - stock\_initial_k"""
        return m.K[k] <= m.p_stock_room[k]

    last = ds.periods[-1]

    def c_stock_end(m, k, n):
        r"""L_{k,T,n} \ge stock\_initial_k"""
        return m.L[k, last, n] >= m.p_stock_initial[k]

    m.c_stock_level = pyo.Constraint(S.kt_n, rule=c_stock_level)
    m.c_stock_capacity = pyo.Constraint(S.kt_n, rule=c_stock_capacity)
    m.c_stock_max = pyo.Constraint(S.bounded_stock, rule=c_stock_max)
    m.c_stock_end = pyo.Constraint([(k, n) for k, t, n in S.kt_n if t == last], rule=c_stock_end)
    _register(m, ds)


def _register(m, ds: Dataset) -> None:
    reg = m.reg
    t0, last = ds.periods[0], ds.periods[-1]
    for k in ds.minerals:
        reg.cost(
            Cost.STOCKPILE_COST,
            m.p_stock_capacity_cost[k] * m.K[k],
            owner=("stockpile", k),
            item=(k,),
        )
        for w in ds.scenarios:
            reg.outlay[(t0, w)].append(m.p_stock_capacity_cost[k] / ds.duration[t0] * m.K[k])
            end = m.L[k, last, node(m, last, w)] - m.p_stock_initial[k]
            reg.cost(
                Cost.STOCKPILE_COST,
                -m.p_stock_end_value[k] * end,
                owner=("stockpile", k),
                item=(k,),
                period=last,
                scenario=w,
            )
        for t in ds.periods:
            for w in ds.scenarios:
                n = node(m, t, w)
                ops = m.p_book_price[k] * (m.b[k, t, n] - m.e[k, t, n])
                hold = m.p_stock_holding[k] * m.L[k, t, n]
                reg.cost(
                    Cost.STOCKPILE_COST,
                    m.p_weight[t] * (ops + hold),
                    owner=("stockpile", k),
                    item=(k,),
                    period=t,
                    scenario=w,
                )
                reg.outlay[(t, w)].append(ops + hold)
                reg.final_supply[(k, t, w)].append(m.e[k, t, n] - m.b[k, t, n])
