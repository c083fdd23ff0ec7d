"""The club's budget: undiscounted outlay per Budget year, in every scenario."""

from __future__ import annotations

import pyomo.environ as pyo

from mineralclub.dataset import Dataset


def add_budget(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Outlay of period t in scenario w within the budget.

    .. math::
        \frac{1}{d_t} \sum_{p: first\_year_p \in [t, t+d_t)} \sigma_p capex_p x_p
        + \text{floors}_{t,w} + \text{offtake}_{t,w} + \text{stock ops}_{t,w} + \text{holding}_{t,w}
        \;(+\; c^K K / d_t \text{ in the first period}) \le B_t + s^B_{t}

    s^B exists only in the elastic re-solve.
    """
    rows = [] if m.opts.baseline else [
        (int(r.year), float(r.max_spend_musd))
        for r in ds.tables["Budget"].itertuples(index=False)
    ]
    m.reg.budget_rows = rows
    limit = dict(rows)
    keys = [(t, w) for t, _ in rows for w in ds.scenarios]
    m.budget_slack = pyo.Var([t for t, _ in rows] if m.opts.elastic else [],
                             within=pyo.NonNegativeReals)

    def c_budget(m, t, w):
        outlay = sum(m.reg.outlay.get((t, w), []))
        if isinstance(outlay, (int, float)):
            return pyo.Constraint.Skip
        slack = m.budget_slack[t] if t in m.budget_slack else 0
        return outlay <= limit[t] + slack

    m.c_budget = pyo.Constraint(keys, rule=c_budget)


def outlay_expr(m, t, w):
    return sum(m.reg.outlay.get((t, w), []))
