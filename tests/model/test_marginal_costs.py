"""Marginal cost of targets (LP duals with integers fixed): stock days and HHI caps."""

from __future__ import annotations

import pytest
from test_stockpiles import ban_case

from builders import dataset_from, hhi_target, project, single_stage
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions


def solve(sheets):
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.status == OPTIMAL
    return r


def whole(result):
    t = result.tables["Targets"]
    return t[t.year == "*"].iloc[0]


def stock_days(days: float) -> dict:
    sheets = ban_case(penalty=100)
    sheets["Targets"] = [
        {
            "target": "days",
            "metric": "min_stock_days",
            "mineral": "li",
            "stage": "*",
            "year_from": 2026,
            "value": days,
        }
    ]
    return sheets


def test_stock_days_marginal_cost_per_day():
    """73 days of 100 t/yr = 20 t of stock. One more day is 100/365 t, costing per tonne:
    capacity 200; in the base scenario (0.8) the tonne is bought in 2026 at the 1,000 book price,
    held two years at 100 and credited 1,000 at the end (SPEC §4.10): 200; in the ban (0.2) it is
    bought in 2026 too (the ban is not known yet), held one year (100) and released in 2027 at
    the book price, saving 100 of shortfall: 0. 200 + 0.8 x 200 + 0.2 x 0 = 360 USD/t, so a day
    costs 100/365 x 360 USD, exactly the objective's change when the target is raised to 74.
    (Was 1,160 before issue 13: the stock held to the end was charged its full price.)"""
    r = solve(stock_days(73))
    assert r.tables["Stockpile"]["capacity_t"].iloc[0] == pytest.approx(20)
    per_day = 100 / 365 * 360 * 1e-6
    assert whole(r)["marginal_cost_musd_per_pp"] == pytest.approx(per_day, rel=1e-6)
    more = solve(stock_days(74))
    assert more.summary["objective_musd"] - r.summary["objective_musd"] == pytest.approx(
        per_day, rel=1e-6
    )


def three_suppliers(h: float) -> dict:
    return single_stage(
        Projects=[
            project("PA", 100, 0.1, support=1.0, cost=100, lumpy=False, stage="x"),
            project("PE", 100, 0.2, support=1.0, cost=100, lumpy=False, stage="x", country="E"),
        ],
        Targets=[hhi_target(h)],
    )


def test_hhi_marginal_cost_is_the_first_order_change_of_the_objective():
    """HHI <= 0.4 over B, A and E: the reported marginal cost of one point (first order, from
    the duals of the cuts) is within 5% of the objective's change when H is 0.39 (a secant of
    a convex cost curve, slightly larger), and positive."""
    r = solve(three_suppliers(0.4))
    tighter = solve(three_suppliers(0.39))
    secant = tighter.summary["objective_musd"] - r.summary["objective_musd"]
    marginal = whole(r)["marginal_cost_musd_per_pp"]
    assert 0 < marginal <= secant * (1 + 1e-3)
    assert marginal == pytest.approx(secant, rel=0.05)
