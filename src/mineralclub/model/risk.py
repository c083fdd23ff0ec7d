"""Risk aversion: lambda x CVaR_alpha of the scenario cost (Rockafellar-Uryasev LP form)."""

from __future__ import annotations

import pyomo.core as pyo

from mineralclub.dataset import Dataset


def add_risk(m: pyo.ConcreteModel, ds: Dataset, scenario_cost) -> object:
    r"""CVaR of the scenario cost C_w.

    .. math::
        CVaR_\alpha = \eta + \frac{1}{1-\alpha} \sum_w \pi_w \xi_w, \qquad
        \xi_w \ge C_w - \eta, \quad \xi_w \ge 0

    Returns the risk term lambda CVaR (0 when lambda = 0 at build time).
    """
    if not m.sets.risk:
        return 0
    m.eta = pyo.Var()
    m.xi = pyo.Var(ds.scenarios, within=pyo.NonNegativeReals)

    def c_cvar_excess(m, w):
        r"""\xi_w \ge C_w - \eta"""
        return m.xi[w] >= scenario_cost[w] - m.eta

    m.c_cvar_excess = pyo.Constraint(ds.scenarios, rule=c_cvar_excess)
    m.e_cvar = pyo.Expression(
        expr=m.eta + sum(m.p_prob[w] * m.xi[w] for w in ds.scenarios) / (1 - m.p_risk["alpha"])
    )
    return m.p_risk["lambda"] * m.e_cvar
