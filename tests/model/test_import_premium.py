"""Ad-valorem import premium (SPEC §4.15, issue 14): premium = USD/t part + share x price."""

from __future__ import annotations

import pytest

from builders import dataset_from, one_stage_refinery, single_stage
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions


def solve(sheets):
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.status == OPTIMAL
    return r


def test_ad_valorem_premium_adds_to_the_flat_part_and_is_reported_apart_from_shortfall():
    """B supplies all 100 t at price 1000 with 10 USD/t + 5% of 1000 = 60 USD/t: 6,000 USD."""
    sheets = single_stage()
    sheets["Countries"][2]["import_premium_share"] = 0.05
    r = solve(sheets)
    assert r.summary["import_premium_musd"] == pytest.approx(0.006)
    assert r.summary["shortfall_musd"] == pytest.approx(0.0)
    assert r.summary["damage_musd"] == pytest.approx(0.006)


def test_ad_valorem_premium_follows_the_scenario_price():
    """Prices 800 and 1600, equally likely, share 10%, no flat part: 0.5 x 80 + 0.5 x 160 = 120
    USD/t on 100 t."""
    sheets = single_stage()
    sheets["Countries"][2].update(import_premium_usd_per_t=0, import_premium_share=0.1)
    sheets["Scenarios"] = [
        {"scenario": "low", "probability": 0.5},
        {"scenario": "high", "probability": 0.5},
    ]
    sheets["Prices"] = [
        {"mineral": "li", "stage": "x", "year": 2026, "scenario": "low", "price_usd_per_t": 800},
        {"mineral": "li", "stage": "x", "year": 2026, "scenario": "high", "price_usd_per_t": 1600},
    ]
    r = solve(sheets)
    assert r.summary["import_premium_musd"] == pytest.approx(0.012)
    by_scenario = r.tables["Scenarios"].set_index("scenario")["import_premium_musd"]
    assert by_scenario["low"] == pytest.approx(0.008)
    assert by_scenario["high"] == pytest.approx(0.016)


def test_ad_valorem_premium_on_partner_offtake():
    """Partner B may sell refined product on offtake at 1500; its premium is 100 USD/t + 2% x
    1500 = 130 USD/t whether its tonnes come as offtake or spot imports. A refines 20 t, so B
    supplies 80 t: 80 x 130 = 10,400 USD."""
    sheets = one_stage_refinery(
        OfftakeOptions=[
            {
                "supplier": "B",
                "mineral": "li",
                "stage": "ref",
                "contract_price_usd_per_t": 1500,
                "max_t_per_yr": 10,
            }
        ],
    )
    sheets["Countries"][1].update(partner=True, import_premium_share=0.02)
    r = solve(sheets)
    assert r.summary["import_premium_musd"] == pytest.approx(80 * 130 * 1e-6)
