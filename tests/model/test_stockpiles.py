"""Hand-solved cases for disruptions, stockpiles and risk aversion (issue 5).

One final stage 'x'; non-member B supplies all 100 t/yr of demand; two one-year periods; in the
'ban' scenario B cuts its exports completely in 2027. Book price 1,000 USD/t.
"""

from __future__ import annotations

import pytest

from builders import dataset_from
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions


def ban_case(
    p_ban=0.2, penalty=5000, capacity_cost=200, holding=100, stock_max=None, risk_weight=0.0
):
    mineral = {
        "mineral": "li",
        "shortfall_penalty_usd_per_t": penalty,
        "stock_capacity_cost_usd_per_t": capacity_cost,
        "stock_holding_usd_per_t_yr": holding,
    }
    if stock_max is not None:
        mineral["stock_max_t"] = stock_max
    return {
        "Settings": [
            {"key": "objective_risk_weight", "value": risk_weight},
            {"key": "cvar_alpha", "value": 0.9},
        ],
        "Countries": [{"country": "A", "member": True}, {"country": "B"}],
        "Minerals": [mineral],
        "Stages": [{"mineral": "li", "stage": "x", "order": 1, "final": True}],
        "Periods": [{"year": 2026}, {"year": 2027}],
        "Demand": [{"mineral": "li", "year": y, "demand_t": 100} for y in (2026, 2027)],
        "Capacity": [
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 300}
        ],
        "Scenarios": [
            {"scenario": "base", "probability": 1 - p_ban},
            {"scenario": "ban", "probability": p_ban},
        ],
        "Prices": [
            {"mineral": "li", "stage": "x", "year": y, "scenario": "*", "price_usd_per_t": 1000}
            for y in (2026, 2027)
        ],
        "Disruptions": [
            {
                "scenario": "ban",
                "country": "B",
                "mineral": "li",
                "stage": "x",
                "year_from": 2027,
                "export_cut": 1.0,
            }
        ],
    }


def solve(sheets):
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.status == OPTIMAL
    return r


def stock_capacity(r) -> float:
    return r.tables["Stockpile"].groupby("mineral")["capacity_t"].first()["li"]


def shortfall(r, scenario, year=2027) -> float:
    s = r.tables["Shortfall"]
    return s[(s.scenario == scenario) & (s.year == year)]["shortfall_t"].iloc[0]


def test_stock_covers_a_one_year_ban_when_the_penalty_exceeds_its_cost():
    """Without stock the ban costs 0.2 x 100 t x 5,000 = 100,000 USD expected. The ban is not
    known in 2026, so the 100 t are bought in both scenarios (SPEC §4.9): capacity 100 x 200 =
    20,000; base buys 100,000, holds 100 t for two years (2 x 10,000) and is credited 100,000 at
    the end: 20,000; ban buys 100,000, holds 10,000, releases 100,000 in 2027: 10,000. Expected
    20,000 + 0.8 x 20,000 + 0.2 x 10,000 = 38,000 USD."""
    r = solve(ban_case())
    assert stock_capacity(r) == pytest.approx(100)
    assert shortfall(r, "ban") == pytest.approx(0)
    assert r.summary["stockpile_cost_musd"] == pytest.approx(0.038)
    assert r.summary["objective_musd"] == pytest.approx(0.038)
    stock = r.tables["Stockpile"].set_index(["scenario", "year"])
    assert stock.loc[("ban", 2027), "release_t"] == pytest.approx(100)
    assert stock.loc[("base", 2026), "purchase_t"] == pytest.approx(100)
    assert stock.loc[("base", 2027), "level_t"] == pytest.approx(100)  # no trigger: no release
    assert r.summary["baseline_objective_musd"] == pytest.approx(0.1)


def test_no_stock_when_the_penalty_is_below_its_cost():
    """Penalty 100 USD/t: the ban costs 0.2 x 100 x 100 = 2,000 USD expected, less than the
    20,000 of capacity alone."""
    r = solve(ban_case(penalty=100))
    assert stock_capacity(r) == pytest.approx(0)
    assert shortfall(r, "ban") == pytest.approx(100)
    assert r.summary["shortfall_musd"] == pytest.approx(0.002)
    assert r.summary["damage_musd"] == pytest.approx(0.002)
    assert r.summary["fiscal_cost_musd"] == pytest.approx(0.0)


def test_stock_capped_by_stock_max_leaves_the_rest_as_shortfall():
    r = solve(ban_case(stock_max=60))
    assert stock_capacity(r) == pytest.approx(60)
    assert shortfall(r, "ban") == pytest.approx(40)
    assert shortfall(r, "base") == pytest.approx(0)


def test_probabilities_weight_the_expected_cost():
    """Scenario costs: base 0, ban 100 t x penalty 100 = 10,000 USD; expected = p x 10,000."""
    for p in (0.1, 0.3):
        r = solve(ban_case(p_ban=p, penalty=100))
        sc = r.tables["Scenarios"].set_index("scenario")
        assert sc.loc["ban", "cost_musd"] == pytest.approx(0.01)
        assert sc.loc["base", "cost_musd"] == pytest.approx(0.0)
        assert r.summary["objective_musd"] == pytest.approx(p * 0.01)


def test_cvar_buys_protection_that_the_expected_cost_does_not():
    """p_ban = 0.05, capacity 300 USD/t. A stock of s t (bought in 2026 in both scenarios) costs
    300 s + 200 s in base (holding two years, credited at the end) and 100 s in the ban, where
    shortfall costs 5,000 (100 - s): expected 300 s + 0.95 x 200 s + 0.05 (500,000 - 4,900 s)
    rises with s: no stock at lambda = 0. With lambda = 1 and alpha = 0.9 the worst 10% holds
    the ban (0.05) and base (0.05): CVaR = 0.5 (500,000 - 4,900 s) + 0.5 x 200 s while the ban
    is worse, i.e. until s = 500,000 / 5,100 = 98.04 where both cost 200 s = 19,608; beyond,
    CVaR = 200 s and the objective rises again (slope 445 USD/t)."""
    neutral = solve(ban_case(p_ban=0.05, capacity_cost=300))
    averse = solve(ban_case(p_ban=0.05, capacity_cost=300, risk_weight=1.0))
    assert stock_capacity(neutral) == pytest.approx(0)
    s = 500_000 / 5_100
    assert stock_capacity(averse) == pytest.approx(s)
    assert shortfall(averse, "ban") == pytest.approx(100 - s)
    assert neutral.summary["risk_musd"] == pytest.approx(0)
    assert averse.summary["risk_musd"] == pytest.approx(200 * s * 1e-6)
    worst_neutral = neutral.tables["Scenarios"]["cost_musd"].max()
    worst_averse = averse.tables["Scenarios"]["cost_musd"].max()
    assert worst_averse < worst_neutral


def test_min_stock_days_requires_stock_outside_disruptions():
    """Penalty 100 (no stock on cost grounds) but a 73-day target (= 20 t of 100 t/yr): the
    capacity must be 20 t and the level at least 20 t in every undisrupted (t, w)."""
    sheets = ban_case(penalty=100)
    sheets["Targets"] = [
        {
            "target": "days",
            "metric": "min_stock_days",
            "mineral": "li",
            "stage": "*",
            "year_from": 2026,
            "value": 73,
        }
    ]
    r = solve(sheets)
    assert stock_capacity(r) == pytest.approx(20)
    stock = r.tables["Stockpile"]
    undisrupted = stock[~((stock.scenario == "ban") & (stock.year == 2027))]
    assert (undisrupted["level_t"] >= 20 - 1e-6).all()


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
    sheets["Targets"] = [
        {
            "target": "days",
            "metric": "min_stock_days",
            "mineral": "li",
            "stage": "*",
            "year_from": 2026,
            "value": 73,
            "scenarios": "ban",
        }
    ]
    r = solve(sheets)
    assert r.status == OPTIMAL
    cap = r.tables["Stockpile"].groupby("mineral")["capacity_t"].first()["li"]
    assert cap == pytest.approx(20)


def test_stock_releases_are_tonnes_over_the_period():
    """A 2-year ban period: the stock of 200 t (100 t/yr for two years) is reported as 200 t
    released, not the annual rate."""
    sheets = ban_case()
    sheets["Periods"] = [{"year": 2026, "duration_years": 2}, {"year": 2028, "duration_years": 2}]
    sheets["Demand"] = [{"mineral": "li", "year": y, "demand_t": 100} for y in (2026, 2028)]
    sheets["Prices"] = [
        {"mineral": "li", "stage": "x", "year": y, "scenario": "*", "price_usd_per_t": 1000}
        for y in (2026, 2028)
    ]
    sheets["Disruptions"][0].update(year_from=2028, year_to=2029)
    r = solve(sheets)
    stock = r.tables["Stockpile"]
    ban = stock[(stock.scenario == "ban") & (stock.year == 2028)].iloc[0]
    assert ban["capacity_t"] == pytest.approx(200)
    assert ban["release_t"] == pytest.approx(200)
