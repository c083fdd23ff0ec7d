"""Hand-solved cases for the floor designs and two-sided contracts (SPEC §4.11, issue 14)."""

from __future__ import annotations

import pytest

from builders import cap_target, dataset_from, single_stage
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions

LEVELS = [
    {"mineral": "li", "stage": "x", "level": "F1200", "floor_usd_per_t": 1200},
    {"mineral": "li", "stage": "x", "level": "F1400", "floor_usd_per_t": 1400},
]


def two_producers(design: str) -> dict:
    """Price 1000. Members A (20 t at 1100 USD/t) and E (20 t at 1300 USD/t) are not
    market-viable; non-member B may supply at most 60% of demand 100, so both must run under a
    floor. Levels 1200 (eligible for A only) and 1400 (eligible for both)."""
    return single_stage(
        Settings=[{"key": "floor_design", "value": design}],
        Capacity=[
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 600},
            {
                "country": "A",
                "mineral": "li",
                "stage": "x",
                "year": 2026,
                "capacity_t": 20,
                "unit_cost_usd_per_t": 1100,
            },
            {
                "country": "E",
                "mineral": "li",
                "stage": "x",
                "year": 2026,
                "capacity_t": 20,
                "unit_cost_usd_per_t": 1300,
            },
        ],
        FloorLevels=LEVELS,
        Targets=[cap_target(0.6, stage="x", name="cap")],
    )


def solve(sheets):
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.status == OPTIMAL
    return r


def test_uniform_floor_pays_every_producer_the_strike_the_dearest_needs():
    """One strike for both: 1400 (1200 would leave E, 1300 USD/t, uncovered). Payout
    (1400 - 1000) x 40 t = 16,000 USD; A gets 300 USD/t of rent."""
    r = solve(two_producers("uniform"))
    floors = r.tables["PriceFloors"]
    assert set(floors["level"]) == {"F1400"}
    assert floors["covered_t"].sum() == pytest.approx(40)
    assert r.summary["floor_payout_musd"] == pytest.approx(0.016)


def test_per_contract_floor_pays_each_producer_its_own_lowest_eligible_strike():
    """A at 1200 ((1200 - 1000) x 20 = 4,000 USD), E at 1400 (400 x 20 = 8,000 USD): 12,000 USD,
    a quarter less than the uniform floor."""
    r = solve(two_producers("per_contract"))
    floors = r.tables["PriceFloors"].set_index("level")
    assert floors.loc["F1200", "covered_t"] == pytest.approx(20)
    assert floors.loc["F1400", "covered_t"] == pytest.approx(20)
    assert floors.loc["F1200", "expected_payout_musd"] == pytest.approx(0.004)
    assert floors.loc["F1400", "expected_payout_musd"] == pytest.approx(0.008)
    assert r.summary["floor_payout_musd"] == pytest.approx(0.012)
    ledger = r.tables["Ledger"].set_index("country")
    assert ledger.loc["A", "floor_payments_musd"] == pytest.approx(0.004)
    assert ledger.loc["E", "floor_payments_musd"] == pytest.approx(0.008)


def volatile(upside: float) -> dict:
    """Prices 800 or 1600 (equally likely); member A (20 t at 1100 USD/t) is viable only in the
    high scenario; the 60% cap on B holds in both, so A's 20 t are covered by the 1200 floor."""
    sheets = two_producers("uniform")
    sheets["Capacity"] = sheets["Capacity"][:2]
    sheets["Targets"][0]["value"] = 0.8
    sheets["FloorLevels"] = [dict(LEVELS[0], upside_share=upside)]
    sheets["Scenarios"] = [
        {"scenario": "low", "probability": 0.5},
        {"scenario": "high", "probability": 0.5},
    ]
    sheets["Prices"] = [
        {"mineral": "li", "stage": "x", "year": 2026, "scenario": "low", "price_usd_per_t": 800},
        {"mineral": "li", "stage": "x", "year": 2026, "scenario": "high", "price_usd_per_t": 1600},
    ]
    return sheets


@pytest.mark.parametrize(
    ("upside", "per_tonne"),
    [
        (0.0, 0.5 * 400),  # one-sided: pays 400 in low, nothing in high
        (0.3, 0.5 * 400 - 0.5 * 0.3 * 400),  # the producer pays back 30% of 400 in high
        (0.8, 0.5 * 400 - 0.5 * 0.8 * 400),
    ],
)
def test_two_sided_floor_expected_payout_under_volatile_prices(upside, per_tonne):
    r = solve(volatile(upside))
    assert r.tables["PriceFloors"]["covered_t"].sum() == pytest.approx(20)
    assert r.summary["floor_payout_musd"] == pytest.approx(1e-6 * 20 * per_tonne)
    assert r.tables["PriceFloors"]["expected_payout_musd"].sum() == pytest.approx(
        1e-6 * 20 * per_tonne
    )
    by_scenario = r.tables["Scenarios"].set_index("scenario")["floor_payout_musd"]
    assert by_scenario["low"] == pytest.approx(1e-6 * 20 * 400)
    assert by_scenario["high"] == pytest.approx(-1e-6 * 20 * upside * 400)


def test_a_two_sided_floor_with_negative_expected_payout_is_a_hedge():
    """With upside share 1 and prices 800 / 1600 around a 1200 strike the expected payout per
    covered tonne is 0.5 x 400 - 0.5 x 400 = 0; at share 1 and a 1100 strike (low 300, high
    -500) it is -100 USD/t: the club covers all 20 t eligible, needed or not."""
    sheets = volatile(1.0)
    sheets["FloorLevels"][0]["floor_usd_per_t"] = 1100
    del sheets["Targets"]
    r = solve(sheets)
    assert r.tables["PriceFloors"]["covered_t"].sum() == pytest.approx(20)
    assert r.summary["floor_payout_musd"] == pytest.approx(-1e-6 * 20 * 100)
