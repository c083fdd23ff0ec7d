"""Strategic stockpiles of each mineral's final-stage product.

First stage: new capacity K_k. Per scenario: purchases b, releases e, end-of-period level L.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from mineralclub.dataset import Dataset


def book_price(ds: Dataset, k: str) -> float:
    """P_ref,k: probability-weighted final-stage price of the first period (fixed book price, so
    the model cannot speculate on price paths)."""
    t0, f = ds.periods[0], ds.final_stage[k]
    return sum(ds.prob[w] * ds.price[(k, f, t0, w)] for w in ds.scenarios)


def stock_params(ds: Dataset) -> dict[str, dict]:
    out = {}
    for r in ds.tables["Minerals"].to_dict("records"):
        smax = r.get("stock_max_t")
        out[r["mineral"]] = {
            "initial": float(r.get("stock_initial_t") or 0.0),
            "max": None if smax is None or (isinstance(smax, float) and math.isnan(smax))
            else float(smax),
            "capacity_cost": float(r.get("stock_capacity_cost_usd_per_t") or 0.0),
            "holding": float(r.get("stock_holding_usd_per_t_yr") or 0.0),
        }
    return out


def add_stockpiles(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Stock capacity, purchases, releases and levels.

    .. math::
        0 \le K_k \le stock\_max_k - stock\_initial_k

        L_{k,t,w} = L_{k,t-1,w} + d_t (b_{k,t,w} - e_{k,t,w}), \quad L_{k,0,w} = stock\_initial_k

        0 \le L_{k,t,w} \le stock\_initial_k + K_k, \qquad L_{k,T,w} \ge stock\_initial_k

        Z^{stock} = 10^{-6} \sum_k c^K_k K_k
            + 10^{-6} \sum_t w_t [P^{ref}_k (b - e) + h_k L]

    In the baseline K = 0 and b = e = 0, so L stays at stock_initial.
    """
    par = stock_params(ds)
    m.stock_params = par
    m.K = pyo.Var(ds.minerals, within=pyo.NonNegativeReals)
    keys = m.sets.kt_w
    m.b = pyo.Var(keys, within=pyo.NonNegativeReals)
    m.e = pyo.Var(keys, within=pyo.NonNegativeReals)
    m.L = pyo.Var(keys, within=pyo.NonNegativeReals)
    for k in ds.minerals:
        p = par[k]
        if m.opts.baseline or (p["max"] is not None and p["max"] <= p["initial"]):
            m.K[k].fix(0)
        elif p["max"] is not None:
            m.K[k].setub(p["max"] - p["initial"])
    if m.opts.baseline:
        for key in keys:
            m.b[key].fix(0)
            m.e[key].fix(0)
    prev = {t: (ds.periods[i - 1] if i else None) for i, t in enumerate(ds.periods)}

    def c_stock_level(m, k, t, w):
        r"""L_{k,t,w} = L_{k,t-1,w} + d_t (b_{k,t,w} - e_{k,t,w})"""
        before = par[k]["initial"] if prev[t] is None else m.L[k, prev[t], w]
        return m.L[k, t, w] == before + ds.duration[t] * (m.b[k, t, w] - m.e[k, t, w])

    def c_stock_capacity(m, k, t, w):
        r"""L_{k,t,w} \le stock\_initial_k + K_k"""
        return m.L[k, t, w] <= par[k]["initial"] + m.K[k]

    last = ds.periods[-1]

    def c_stock_end(m, k, w):
        r"""L_{k,T,w} \ge stock\_initial_k"""
        return m.L[k, last, w] >= par[k]["initial"]

    m.c_stock_level = pyo.Constraint(keys, rule=c_stock_level)
    m.c_stock_capacity = pyo.Constraint(keys, rule=c_stock_capacity)
    m.c_stock_end = pyo.Constraint(
        [(k, w) for k in ds.minerals for w in ds.scenarios], rule=c_stock_end
    )
    _register(m, ds, par)


def _register(m, ds: Dataset, par: dict) -> None:
    reg = m.reg
    t0 = ds.periods[0]
    for k in ds.minerals:
        cost = 1e-6 * par[k]["capacity_cost"]
        if cost:
            reg.first_cost["stockpile_cost"].append(cost * m.K[k])
            for w in ds.scenarios:
                reg.outlay[(t0, w)].append(cost / ds.duration[t0] * m.K[k])
        pref = book_price(ds, k)
        for t in ds.periods:
            for w in ds.scenarios:
                term = 1e-6 * (pref * (m.b[k, t, w] - m.e[k, t, w]) + par[k]["holding"]
                               * m.L[k, t, w])
                reg.scenario_cost[("stockpile_cost", w)].append(ds.weight[t] * term)
                reg.outlay[(t, w)].append(term)
                reg.final_supply[(k, t, w)].append(m.e[k, t, w] - m.b[k, t, w])
