"""Cases found in review: each would have gone wrong before its fix."""

from __future__ import annotations

import pytest
from test_stockpiles import ban_case

from builders import dataset_from, one_stage_refinery
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions


def solve(sheets):
    return solve_dataset(dataset_from(sheets), SolveOptions())


def test_partner_without_capacity_cannot_supply_from_nowhere():
    """Partner C has no Capacity rows: an offtake option with it delivers nothing; the plan is
    the no-lever plan (80 t from B at 100 USD/t)."""
    sheets = one_stage_refinery(
        OfftakeOptions=[{"supplier": "C", "mineral": "li", "stage": "ref",
                         "contract_price_usd_per_t": 1000, "max_t_per_yr": 100}])
    sheets["Countries"].append({"country": "C", "partner": True})
    r = solve(sheets)
    assert r.tables["Offtake"].empty
    assert r.summary["objective_musd"] == pytest.approx(0.008)


def test_stock_is_not_sold_early_and_bought_back_when_discounting():
    """50 t initial stock, 10% discount rate, no disruption: releasing early and rebuying later
    must not pay (purchases and releases are valued undiscounted at the book price), and
    releases are for disruptions only."""
    sheets = ban_case(penalty=100)
    sheets["Settings"].append({"key": "discount_rate", "value": 0.1})
    sheets["Minerals"][0]["stock_initial_t"] = 50
    sheets["Minerals"][0]["stock_holding_usd_per_t_yr"] = 0
    r = solve(sheets)
    stock = r.tables["Stockpile"]
    base = stock[stock.scenario == "base"]
    assert base["release_t"].sum() == pytest.approx(0.0)
    assert r.summary["stockpile_cost_musd"] >= -1e-12


def test_min_stock_days_for_a_named_scenario_still_sizes_the_stock():
    """A 73-day target for the 'ban' scenario only: the first-stage capacity condition holds
    even though the stock may be drawn during the ban."""
    sheets = ban_case(penalty=100)
    sheets["Targets"] = [{"target": "days", "metric": "min_stock_days", "mineral": "li",
                          "stage": "*", "year_from": 2026, "value": 73, "scenarios": "ban"}]
    r = solve(sheets)
    assert r.status == OPTIMAL
    cap = r.tables["Stockpile"].groupby("mineral")["capacity_t"].first()["li"]
    assert cap == pytest.approx(20)
