"""Cases found in review: each would have gone wrong before its fix."""

from __future__ import annotations

import pytest
from test_stockpiles import ban_case

from builders import cap_target, dataset_from, one_stage_refinery
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


def test_zero_probability_scenario_cannot_absorb_the_violation():
    """B <= 50% cannot be met (best 80%). A third scenario of probability 0 must not take the
    whole violation: the best achievable value stays 0.8 in every scenario."""
    sheets = one_stage_refinery(Targets=[cap_target(0.5)])
    sheets["Scenarios"] = [{"scenario": "base", "probability": 1.0},
                           {"scenario": "zero", "probability": 0.0}]
    r = solve(sheets)
    t = r.tables["Targets"]
    assert t[t.year != "*"]["achieved"].tolist() == pytest.approx([0.8, 0.8])
    assert "best achievable value 0.8" in r.messages[0]


def test_detail_sheets_add_up_to_the_discounted_summary():
    """Two 2-year periods at 10%: floor payouts and offtake costs in their sheets sum to the
    Summary's discounted figures."""
    sheets = one_stage_refinery(
        Settings=[{"key": "discount_rate", "value": 0.1}],
        Periods=[{"year": 2026, "duration_years": 2}, {"year": 2028, "duration_years": 2}],
        Demand=[{"mineral": "li", "year": y, "demand_t": 100} for y in (2026, 2028)],
        Targets=[cap_target(0.8)],
        FloorLevels=[{"mineral": "li", "stage": "ref", "level": "F", "floor_usd_per_t": 1800}],
    )
    sheets["Prices"] = [
        {"mineral": "li", "stage": s, "year": y, "scenario": "*", "price_usd_per_t": p}
        for y in (2026, 2028) for s, p in (("mine", 1000), ("ref", 1500))]
    sheets["Capacity"][1]["unit_cost_usd_per_t"] = 700  # A is unviable: needs the floor
    r = solve(sheets)
    floors = r.tables["PriceFloors"]["expected_payout_musd"].sum()
    assert floors == pytest.approx(r.summary["floor_payout_musd"])
    assert floors == pytest.approx(0.006 * 2 * (1 + 1.1 ** -2))


def test_stock_releases_are_tonnes_over_the_period():
    """A 2-year ban period: the stock of 200 t (100 t/yr for two years) is reported as 200 t
    released, not the annual rate."""
    sheets = ban_case()
    sheets["Periods"] = [{"year": 2026, "duration_years": 2}, {"year": 2028, "duration_years": 2}]
    sheets["Demand"] = [{"mineral": "li", "year": y, "demand_t": 100} for y in (2026, 2028)]
    sheets["Prices"] = [{"mineral": "li", "stage": "x", "year": y, "scenario": "*",
                         "price_usd_per_t": 1000} for y in (2026, 2028)]
    sheets["Disruptions"][0].update(year_from=2028, year_to=2029)
    r = solve(sheets)
    stock = r.tables["Stockpile"]
    ban = stock[(stock.scenario == "ban") & (stock.year == 2028)].iloc[0]
    assert ban["capacity_t"] == pytest.approx(200)
    assert ban["release_t"] == pytest.approx(200)
