"""Hand-solved cases for price floors, offtake and bankability (issue 4)."""

from __future__ import annotations

import pytest

from builders import cap_target, dataset_from, one_stage_refinery, project
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions


def solve(sheets):
    return solve_dataset(dataset_from(sheets), SolveOptions())


def two_scenarios(sheets, low_ref=1200, p_low=0.5):
    """Scenarios 'base' (ref 1500) and 'low' (ref low_ref), equally likely unless told."""
    sheets["Scenarios"] = [
        {"scenario": "base", "probability": 1 - p_low},
        {"scenario": "low", "probability": p_low},
    ]
    sheets["Prices"] = [
        {"mineral": "li", "stage": "mine", "year": 2026, "scenario": "*", "price_usd_per_t": 1000},
        {
            "mineral": "li",
            "stage": "ref",
            "year": 2026,
            "scenario": "base",
            "price_usd_per_t": 1500,
        },
        {
            "mineral": "li",
            "stage": "ref",
            "year": 2026,
            "scenario": "low",
            "price_usd_per_t": low_ref,
        },
    ]
    return sheets


def dear_member(sheets, cost=700):
    """A's 20 t refinery costs 700 + 1000 feed = 1700 > 1500: not market-viable."""
    sheets["Capacity"][1]["unit_cost_usd_per_t"] = cost
    return sheets


def test_unviable_producer_runs_only_under_a_floor():
    """B <= 80% needs A's 20 t, but A's full cost 1700 exceeds the price 1500. A floor at 1800
    (eligible: 1800 >= 1700) on 20 t pays (1800 - 1500) x 20 = 6,000 USD."""
    sheets = dear_member(
        one_stage_refinery(
            Targets=[cap_target(0.8)],
            FloorLevels=[
                {"mineral": "li", "stage": "ref", "level": "F1800", "floor_usd_per_t": 1800}
            ],
        )
    )
    r = solve(sheets)
    assert r.status == OPTIMAL
    floors = r.tables["PriceFloors"]
    assert floors["covered_t"].sum() == pytest.approx(20)
    assert r.summary["floor_payout_musd"] == pytest.approx(0.006)


def test_floor_below_full_cost_is_not_eligible():
    """A floor at 1600 < 1700 cannot cover A: the target cannot be met (elastic plan)."""
    sheets = dear_member(
        one_stage_refinery(
            Targets=[cap_target(0.8)],
            FloorLevels=[
                {"mineral": "li", "stage": "ref", "level": "F1600", "floor_usd_per_t": 1600}
            ],
        )
    )
    r = solve(sheets)
    assert r.status == "INFEASIBLE"
    assert r.tables["PriceFloors"].empty


def test_offtake_wins_when_the_contract_is_close_to_the_market():
    """Offtake at 1710 (just above A's cost) costs 210 x 20 = 4,200 USD; the floor at 1800
    would pay 300 x 20 = 6,000. The club signs the offtake."""
    sheets = dear_member(
        one_stage_refinery(
            Targets=[cap_target(0.8)],
            FloorLevels=[
                {"mineral": "li", "stage": "ref", "level": "F1800", "floor_usd_per_t": 1800}
            ],
            OfftakeOptions=[
                {
                    "supplier": "A",
                    "mineral": "li",
                    "stage": "ref",
                    "contract_price_usd_per_t": 1710,
                    "max_t_per_yr": 20,
                }
            ],
        )
    )
    r = solve(sheets)
    assert r.tables["PriceFloors"].empty
    assert r.tables["Offtake"]["volume_t"].sum() == pytest.approx(20)
    assert r.summary["offtake_cost_musd"] == pytest.approx(0.0042)


def test_floor_wins_when_the_contract_is_dear():
    sheets = dear_member(
        one_stage_refinery(
            Targets=[cap_target(0.8)],
            FloorLevels=[
                {"mineral": "li", "stage": "ref", "level": "F1800", "floor_usd_per_t": 1800}
            ],
            OfftakeOptions=[
                {
                    "supplier": "A",
                    "mineral": "li",
                    "stage": "ref",
                    "contract_price_usd_per_t": 1900,
                    "max_t_per_yr": 20,
                }
            ],
        )
    )
    r = solve(sheets)
    assert r.tables["Offtake"].empty
    assert r.summary["floor_payout_musd"] == pytest.approx(0.006)


def test_floor_wins_under_volatility_because_it_pays_only_when_prices_are_low():
    """A (cost 300 + feed 1000 = 1300) is viable in 'base' (1500) but not in 'low' (1200).
    Floor 1300 pays (1300 - 1200) x 20 in 'low' only: expected 0.5 x 2,000 = 1,000 USD.
    Offtake at 1420 costs (1420 - 1500) x 20 in 'base' and (1420 - 1200) x 20 in 'low':
    expected 0.5 x (-1,600) + 0.5 x 4,400 = 1,400 USD > 1,000, so the floor wins."""
    sheets = two_scenarios(
        one_stage_refinery(
            Targets=[cap_target(0.8)],
            FloorLevels=[
                {"mineral": "li", "stage": "ref", "level": "F1300", "floor_usd_per_t": 1300}
            ],
            OfftakeOptions=[
                {
                    "supplier": "A",
                    "mineral": "li",
                    "stage": "ref",
                    "contract_price_usd_per_t": 1420,
                    "max_t_per_yr": 20,
                }
            ],
        )
    )
    r = solve(sheets)
    assert r.tables["Offtake"].empty
    assert r.summary["floor_payout_musd"] == pytest.approx(0.001)
    floors = r.tables["PriceFloors"]
    assert floors["expected_payout_musd"].sum() == pytest.approx(0.001)


def test_bankability_forces_cover_on_a_built_project():
    """P1 (60 t, viable) must have 50% of its capacity under floor or offtake once built. B <=
    50% needs P1 (A gives 20, P1 30+). The cheapest cover is the floor at 1500 on 30 t, which
    pays nothing at a price of 1500: bankability costs nothing here but the cover is set."""
    sheets = one_stage_refinery(
        Projects=[project("P1", 60, 30, min_contracted_share=0.5)],
        Targets=[cap_target(0.5)],
        FloorLevels=[{"mineral": "li", "stage": "ref", "level": "F1500", "floor_usd_per_t": 1500}],
    )
    r = solve(sheets)
    assert r.tables["PriceFloors"]["covered_t"].sum() >= 30 - 1e-6
    assert r.summary["floor_payout_musd"] == pytest.approx(0.0)


def test_bankability_with_a_paying_floor_adds_its_cost():
    """As above with the floor at 1600: 30 t covered pay (1600-1500) x 30 = 3,000 USD."""
    sheets = one_stage_refinery(
        Projects=[project("P1", 60, 30, min_contracted_share=0.5)],
        Targets=[cap_target(0.5)],
        FloorLevels=[{"mineral": "li", "stage": "ref", "level": "F1600", "floor_usd_per_t": 1600}],
    )
    r = solve(sheets)
    assert r.tables["PriceFloors"]["covered_t"].sum() == pytest.approx(30)
    assert r.summary["floor_payout_musd"] == pytest.approx(0.003)


def test_partner_offtake_bypasses_the_export_mix():
    """Non-members B (refines 200) and partner C (refines 50), premium 100 and 50. B <= 60% of
    100 t: the export mix alone would buy 80 t in the ratio 200:50 (B 64 t). An offtake of
    20 t from partner C at 1500 (cost 0) lets spot imports fall to 60 t: B = 48 t."""
    sheets = one_stage_refinery(
        Targets=[cap_target(0.6)],
        OfftakeOptions=[
            {
                "supplier": "C",
                "mineral": "li",
                "stage": "ref",
                "contract_price_usd_per_t": 1500,
                "max_t_per_yr": 20,
            }
        ],
    )
    sheets["Countries"].append({"country": "C", "partner": True, "import_premium_usd_per_t": 50})
    sheets["Capacity"].append(
        {"country": "C", "mineral": "li", "stage": "ref", "year": 2026, "capacity_t": 50}
    )
    r = solve(sheets)
    assert r.status == OPTIMAL
    assert r.tables["Offtake"]["volume_t"].sum() == pytest.approx(20)
    supply = r.tables["Supply"]
    spot_b = supply[(supply.country == "B") & (supply.source == "spot_import")]["used_t"].sum()
    assert spot_b == pytest.approx(60 * 0.8, rel=1e-6)


def test_partner_without_capacity_cannot_supply_from_nowhere():
    """Partner C has no Capacity rows: an offtake option with it delivers nothing; the plan is
    the no-lever plan (80 t from B at 100 USD/t)."""
    sheets = one_stage_refinery(
        OfftakeOptions=[
            {
                "supplier": "C",
                "mineral": "li",
                "stage": "ref",
                "contract_price_usd_per_t": 1000,
                "max_t_per_yr": 100,
            }
        ]
    )
    sheets["Countries"].append({"country": "C", "partner": True})
    r = solve(sheets)
    assert r.tables["Offtake"].empty
    assert r.summary["objective_musd"] == pytest.approx(0.008)


def test_take_or_pay_is_relieved_by_a_disruption_of_the_producer():
    """One final stage: member A (50 t, cash cost 1,100 > price 1,000: it runs only under
    contract), non-member B (premium 10 USD/t). B <= 50% in the base scenario needs 50 t of
    offtake from A at 1,100 USD/t (100 USD/t over the price: 5,000 USD in every scenario). In
    the 'ban' scenario (probability 0.5) a disruption cuts A's capacity by 40%: A delivers only
    30 t (take-or-pay relieved by the cut capacity, 50 - 0.4 x 50), B supplies 70 t. Premium
    0.5 x 50 x 10 + 0.5 x 70 x 10 = 600 USD; objective 5,600 USD."""
    sheets = {
        "Settings": [{"key": "name", "value": "take-or-pay"}],
        "Countries": [
            {"country": "A", "member": True},
            {"country": "B", "import_premium_usd_per_t": 10},
        ],
        "Minerals": [{"mineral": "li"}],
        "Stages": [{"mineral": "li", "stage": "x", "order": 1, "final": True}],
        "Periods": [{"year": 2026}],
        "Demand": [{"mineral": "li", "year": 2026, "demand_t": 100}],
        "Capacity": [
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 600},
            {
                "country": "A",
                "mineral": "li",
                "stage": "x",
                "year": 2026,
                "capacity_t": 50,
                "unit_cost_usd_per_t": 1100,
            },
        ],
        "Scenarios": [
            {"scenario": "base", "probability": 0.5},
            {"scenario": "ban", "probability": 0.5},
        ],
        "Prices": [
            {"mineral": "li", "stage": "x", "year": 2026, "scenario": "*", "price_usd_per_t": 1000}
        ],
        "Disruptions": [
            {
                "scenario": "ban",
                "country": "A",
                "mineral": "li",
                "stage": "x",
                "year_from": 2026,
                "export_cut": 0.4,
            }
        ],
        "OfftakeOptions": [
            {
                "supplier": "A",
                "mineral": "li",
                "stage": "x",
                "contract_price_usd_per_t": 1100,
                "max_t_per_yr": 50,
            }
        ],
        "Targets": [cap_target(0.5, stage="x", scenarios="base")],
    }
    r = solve(sheets)
    assert r.status == OPTIMAL
    assert r.tables["Offtake"]["volume_t"].sum() == pytest.approx(50)
    supply = r.tables["Supply"]
    member = supply[supply["source"] == "member"].set_index("scenario")["produced_t"]
    assert member.to_dict() == pytest.approx({"base": 50, "ban": 30})
    assert r.summary["offtake_cost_musd"] == pytest.approx(0.005, rel=1e-9)
    assert r.summary["import_premium_musd"] == pytest.approx(0.0006, rel=1e-9)
    assert r.summary["objective_musd"] == pytest.approx(0.0056, rel=1e-9)
