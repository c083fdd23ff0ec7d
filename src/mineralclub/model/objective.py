"""The objective: first-stage costs + expected scenario cost + lambda CVaR (USD million)."""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model.registry import CATEGORIES, TRANSFER
from mineralclub.model.risk import add_risk


def add_objective(m: pyo.ConcreteModel, ds: Dataset) -> None:
    r"""Minimise the club's cost.

    .. math::
        Z = \sum_p \sigma_p capex_p x_p \delta(first\_year_p) + 10^{-6} \sum_k c^K_k K_k
            + \sum_w \pi_w C_w + \lambda \, CVaR_\alpha(C_w) - \text{reward}

        C_w = \text{fiscal}_w - LR_w + \text{damage}_w + \text{penalty}_w
            + \kappa_C \, CC_w - \kappa_P \, PG_w


    The cost terms are exactly the registry's (`Registry.seal`): e_first[c] and e_scenario[c, w]
    sum the terms of category c, first-stage and of scenario w. The reward (0.001 USD per tonne
    of member production) is not reported.
    """
    first, scenario = defaultdict(list), defaultdict(list)
    for term in m.reg.seal():  # no cost can be registered after this
        if term.scenario is None:
            first[term.category.value].append(term.expr)
        else:
            scenario[(term.category.value, term.scenario)].append(term.expr)
    m.e_first = pyo.Expression(list(CATEGORIES), initialize={c: sum(first[c]) for c in CATEGORIES})
    keys = [(c, w) for c in CATEGORIES for w in ds.scenarios]
    m.e_scenario = pyo.Expression(keys, initialize={key: sum(scenario[key]) for key in keys})
    m.e_scenario_total = pyo.Expression(
        ds.scenarios,
        initialize={
            w: sum(weight(m, c) * m.e_scenario[c, w] for c in CATEGORIES) for w in ds.scenarios
        },
    )
    risk = add_risk(m, ds, m.e_scenario_total)
    m.e_risk = pyo.Expression(expr=risk)
    m.e_cost = pyo.Expression(
        expr=sum(weight(m, c) * m.e_first[c] for c in CATEGORIES)
        + sum(m.p_prob[w] * m.e_scenario_total[w] for w in ds.scenarios)
        + m.e_risk
    )
    m.e_reward = pyo.Expression(expr=sum(m.reg.reward))
    m.obj = pyo.Objective(expr=m.e_cost + m.e_reward, sense=pyo.minimize)


def weight(m: pyo.ConcreteModel, category: str):
    """Objective weight of a cost category (its name): consumer_cost_weight and
    producer_gain_weight for the zone's transfers (mutable p_cost_weight), 1 for everything
    else."""
    return m.p_cost_weight[category] if category in TRANSFER_NAMES else 1


TRANSFER_NAMES = tuple(c.value for c in TRANSFER)
