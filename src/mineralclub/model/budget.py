"""The club's budget: undiscounted outlay per Budget year, in every scenario."""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset


def add_budget(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Outlay of period t in scenario w within the budget.

    .. math::
        \frac{1}{d_t} \sum_{p: first\_year_p \in [t, t+d_t)} \sigma_p capex_p x_p
        + \text{floors}_{t,w} + \text{offtake}_{t,w} + \text{stock ops}_{t,w} + \text{holding}_{t,w}
        \;(+\; c^K K / d_t \text{ in the first period}) \le B_t + s^B_{t}

    s^B exists only in the elastic re-solve.
    """
    years = m.sets.budget_years
    m.budget_slack = pyo.Var(years if m.opts.elastic else [], within=pyo.NonNegativeReals)

    def c_budget(m, t, w):
        r"""outlay_{t,w} \le B_t (+ s^B_t elastic)"""
        outlay = outlay_expr(m, t, w)
        if isinstance(outlay, (int, float)):
            return pyo.Constraint.Skip
        slack = m.budget_slack[t] if t in m.budget_slack else 0
        return outlay <= m.p_budget[t] + slack

    m.c_budget = pyo.Constraint([(t, w) for t in years for w in ds.scenarios], rule=c_budget)


def outlay_expr(m, t, w):
    """Undiscounted club outlay of period t in scenario w, USD million per year."""
    return sum(m.reg.outlay.get((t, w), []))
