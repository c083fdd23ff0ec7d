"""Strategic stockpiles of each mineral's final-stage product.

First stage: new capacity K_k. Per scenario: purchases b, releases e, end-of-period level L.
Releases are allowed only where a disruption hits the mineral (a strategic stock covers demand
in disruptions; elsewhere a release would only game the holding cost with foresight of the
scenario). Purchases and releases are valued at the fixed book price, undiscounted, so the net
is the book value of the stock added over the horizon and no timing arbitrage exists.
"""

from __future__ import annotations

import pyomo.environ as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.registry import Cost


def add_stockpiles(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Stock capacity, purchases, releases and levels.

    .. math::
        0 \le K_k \le stock\_max_k - stock\_initial_k

        L_{k,t,w} = L_{k,t-1,w} + d_t (b_{k,t,w} - e_{k,t,w}), \quad L_{k,0,w} = stock\_initial_k

        0 \le L_{k,t,w} \le stock\_initial_k + K_k, \qquad L_{k,T,w} \ge stock\_initial_k,
        \qquad e_{k,t,w} = 0 \text{ unless a disruption hits } k \text{ in } (t, w)

        Z^{stock} = 10^{-6} \sum_k c^K_k K_k
            + 10^{-6} \sum_t \left[ d_t P^{ref}_k (b - e) + w_t h_k L \right]

    In the baseline K = 0 and b = e = 0, so L stays at stock_initial.
    """
    S = m.sets
    m.K = pyo.Var(ds.minerals, within=pyo.NonNegativeReals)
    m.b = pyo.Var(S.kt_w, within=pyo.NonNegativeReals)
    m.e = pyo.Var(S.kt_w, within=pyo.NonNegativeReals)
    m.L = pyo.Var(S.kt_w, within=pyo.NonNegativeReals)
    releases = set(S.release_keys)
    for key in S.kt_w:
        if m.opts.baseline:
            m.b[key].fix(0)
        if m.opts.baseline or key not in releases:
            m.e[key].fix(0)
    if m.opts.baseline:
        for k in ds.minerals:
            m.K[k].fix(0)
    prev = {t: (ds.periods[i - 1] if i else None) for i, t in enumerate(ds.periods)}

    def c_stock_level(m, k, t, w):
        r"""L_{k,t,w} = L_{k,t-1,w} + d_t (b_{k,t,w} - e_{k,t,w})"""
        before = m.p_stock_initial[k] if prev[t] is None else m.L[k, prev[t], w]
        return m.L[k, t, w] == before + ds.duration[t] * (m.b[k, t, w] - m.e[k, t, w])

    def c_stock_capacity(m, k, t, w):
        r"""L_{k,t,w} \le stock\_initial_k + K_k"""
        return m.L[k, t, w] <= m.p_stock_initial[k] + m.K[k]

    def c_stock_max(m, k):
        r"""K_k \le stock\_max_k - stock\_initial_k"""
        return m.K[k] <= m.p_stock_room[k]

    last = ds.periods[-1]

    def c_stock_end(m, k, w):
        r"""L_{k,T,w} \ge stock\_initial_k"""
        return m.L[k, last, w] >= m.p_stock_initial[k]

    m.c_stock_level = pyo.Constraint(S.kt_w, rule=c_stock_level)
    m.c_stock_capacity = pyo.Constraint(S.kt_w, rule=c_stock_capacity)
    m.c_stock_max = pyo.Constraint(S.bounded_stock, rule=c_stock_max)
    m.c_stock_end = pyo.Constraint(
        [(k, w) for k in ds.minerals for w in ds.scenarios], rule=c_stock_end
    )
    _register(m, ds)


def _register(m, ds: Dataset) -> None:
    reg = m.reg
    t0 = ds.periods[0]
    for k in ds.minerals:
        reg.cost(Cost.STOCKPILE_COST, m.p_stock_capacity_cost[k] * m.K[k],
                 owner=("stockpile", k), item=(k,))
        for w in ds.scenarios:
            reg.outlay[(t0, w)].append(m.p_stock_capacity_cost[k] / ds.duration[t0] * m.K[k])
        for t in ds.periods:
            for w in ds.scenarios:
                ops = m.p_book_price[k] * (m.b[k, t, w] - m.e[k, t, w])
                hold = m.p_stock_holding[k] * m.L[k, t, w]
                reg.cost(Cost.STOCKPILE_COST, ds.duration[t] * ops + m.p_weight[t] * hold,
                         owner=("stockpile", k), item=(k,), period=t, scenario=w)
                reg.outlay[(t, w)].append(ops + hold)
                reg.final_supply[(k, t, w)].append(m.e[k, t, w] - m.b[k, t, w])
