"""What the alternatives measure, read from the model's own terms (the cost registry).

`cost` is the objective without target penalties: the first-stage and expected scenario cost of
every registry category except the penalty ones, plus the risk term (SPEC §5
`cost_over_baseline_musd` uses the same definition). `penalty` is the expected target penalty.
Levers are the registry's fiscal categories, the trade zone's levy revenue included where the
model has reference prices (negative: a receipt); the zone's weighted transfers count in `cost`
as in the objective. The host-country space is the support of the candidate projects each
country hosts, the same term the capacity module registers (sigma_p capex_p delta x_p).

This module is the only place that knows how the objective is put together, so a change of the
registry (categories as an Enum, tagged terms) is adapted here alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.core as pyo

from mineralclub.dataset import Dataset
from mineralclub.model import registry
from mineralclub.model.objective import weight

PROJECT, COUNTRY, LEVER = "project", "country", "lever"
SPACES = (PROJECT, COUNTRY, LEVER)
LEVER_NAMES = {  # registry category -> the lever's name in the Alternatives workbook
    "project_support": "support",
    "floor_payout": "floors",
    "offtake_cost": "offtake",
    "stockpile_cost": "stocks",
}


def category_name(category) -> str:
    """A registry category as text (a `registry.Cost` member or its name)."""
    return str(getattr(category, "value", category))


def fiscal_categories() -> list:
    return list(registry.FISCAL)


def penalty_categories() -> list:
    return list(registry.PENALTY)


def all_categories() -> list:
    return list(registry.CATEGORIES)


def lever_name(category) -> str:
    name = category_name(category)
    return LEVER_NAMES.get(name, name)


def expected(m: pyo.ConcreteModel, category):
    """First-stage plus probability-weighted scenario cost of one category (USD million)."""
    name = category_name(category)
    return m.e_first[name] + sum(m.p_prob[w] * m.e_scenario[name, w] for w in m.scenario_names)


def penalty_expr(m: pyo.ConcreteModel):
    return sum(expected(m, c) for c in penalty_categories())


def cost_expr(m: pyo.ConcreteModel):
    """The objective without target penalties: sum over the other categories, each with its
    objective weight (consumer_cost_weight, producer_gain_weight for the trade zone's
    transfers, else 1), plus risk."""
    penalties = {category_name(c) for c in penalty_categories()}
    return (
        sum(
            weight(m, category_name(c)) * expected(m, c)
            for c in all_categories()
            if category_name(c) not in penalties
        )
        + m.e_risk
    )


def lever_exprs(m: pyo.ConcreteModel) -> dict[str, object]:
    """Lever name -> expected money on it (USD million, discounted like the Summary); the levy
    revenue only where the model has reference prices to choose (else it is 0 in every plan)."""
    return {
        lever_name(c): expected(m, c)
        for c in fiscal_categories()
        if category_name(c) != "levy_revenue" or m.sets.ref_levels
    }


def candidates(m: pyo.ConcreteModel, ds: Dataset) -> list[str]:
    """Candidate projects whose build decision is free (not committed, not fixed)."""
    return [p for p in m.sets.candidates if not m.x[p].fixed]


def project_exprs(m: pyo.ConcreteModel, ds: Dataset) -> dict[str, object]:
    """Project -> x_p (the built fraction; 0/1 when lumpy)."""
    return {p: m.x[p] for p in candidates(m, ds)}


def host_exprs(m: pyo.ConcreteModel, ds: Dataset) -> dict[str, object]:
    """Host country -> support of the candidate projects it hosts (USD million, discounted)."""
    out: dict[str, object] = {}
    for p in candidates(m, ds):
        country = ds.projects[p].country
        out[country] = out.get(country, 0) + m.p_support_pv[p] * m.x[p]
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Space:
    """A space in which plans are compared: its items and their expressions."""

    name: str
    items: dict  # label -> Pyomo expression
    unit: str  # "built" (fraction of a project) or "USD million"


def space(m: pyo.ConcreteModel, ds: Dataset, name: str) -> Space:
    if name == PROJECT:
        return Space(PROJECT, project_exprs(m, ds), "built")
    if name == COUNTRY:
        return Space(COUNTRY, host_exprs(m, ds), "USD million")
    if name == LEVER:
        return Space(LEVER, lever_exprs(m), "USD million")
    raise ValueError(f"unknown space {name!r}: one of {', '.join(SPACES)}")


def range_space(by: str) -> str:
    """The space whose ranges are reported: levers for --by lever, else host countries."""
    return LEVER if by == LEVER else COUNTRY
