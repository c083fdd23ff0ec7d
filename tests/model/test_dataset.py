"""The typed dataset (formulation §1): Capacity rows held forward, Disruptions prorated and
capped, blanks resolved once into typed records (Stock, Disruption)."""

from __future__ import annotations

import pytest

from builders import dataset_from, single_stage
from mineralclub.dataset import Stock
from mineralclub.model.params import BIG_STOCK_T, stock_room
from mineralclub.model.sets import build_sets


def three_periods(**over):
    """Periods 2026 (2 years), 2028 (2 years), 2030 (1 year); B's capacity row of 2026 is
    replaced by a row dated 2029 (inside the 2028 period)."""
    years = (2026, 2028, 2030)
    sheets = single_stage(
        Periods=[
            {"year": 2026, "duration_years": 2},
            {"year": 2028, "duration_years": 2},
            {"year": 2030, "duration_years": 1},
        ],
        Demand=[{"mineral": "li", "year": y, "demand_t": 100} for y in years],
        Prices=[
            {"mineral": "li", "stage": "x", "year": y, "scenario": "*", "price_usd_per_t": 1000}
            for y in years
        ],
        Capacity=[
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 600},
            {
                "country": "B",
                "mineral": "li",
                "stage": "x",
                "year": 2029,
                "capacity_t": 300,
                "utilization": 0.5,
            },
        ],
    )
    sheets.update(over)
    return sheets


def test_capacity_rows_are_held_forward_from_the_period_start():
    ds = dataset_from(three_periods())
    cap = {t: ds.capacity[("B", "li", "x", t)] for t in ds.periods}
    util = {t: ds.utilization[("B", "li", "x", t)] for t in ds.periods}
    # the 2029 row takes effect from the next period (2030); blank utilization is 1
    assert cap == {2026: 600.0, 2028: 600.0, 2030: 300.0}
    assert util == {2026: 1.0, 2028: 1.0, 2030: 0.5}
    assert ds.available[("B", "li", "x", 2030, "base")] == pytest.approx(150.0)


def test_disruption_cuts_are_prorated_summed_and_capped():
    rows = [
        # blank year_to: the cut lasts year_from only -> half of the 2-year 2028 period
        {"scenario": "*", "country": "B", "mineral": "li", "stage": "x", "year_from": 2028},
        # 2027-2028 at 0.6: half of 2026, half of 2028; 2030 and 2029-2030 add up to more than
        # 1 in 2030 (capped), the second also cuts half of the 2028 period
        {
            "scenario": "*",
            "country": "B",
            "mineral": "li",
            "stage": "x",
            "year_from": 2027,
            "year_to": 2028,
            "export_cut": 0.6,
        },
        {
            "scenario": "*",
            "country": "B",
            "mineral": "li",
            "stage": "x",
            "year_from": 2030,
            "export_cut": 0.7,
        },
        {
            "scenario": "*",
            "country": "B",
            "mineral": "li",
            "stage": "x",
            "year_from": 2029,
            "year_to": 2030,
            "export_cut": 0.7,
        },
    ]
    rows[0]["export_cut"] = 0.4
    ds = dataset_from(three_periods(Disruptions=rows))
    cut = {t: ds.cut.get(("B", "li", "x", t, "base"), 0.0) for t in ds.periods}
    assert cut == pytest.approx({2026: 0.3, 2028: 0.2 + 0.3 + 0.35, 2030: 1.0})
    first = ds.disruptions[0]
    assert (first.year_from, first.year_to, first.announced_year) == (2028, 2028, 2028)
    assert ds.disrupted == {("li", t, "base") for t in ds.periods}


def test_blank_stock_max_is_no_limit():
    minerals = [
        {"mineral": "li", "stock_initial_t": 5, "stock_max_t": 20},
        {"mineral": "co"},
    ]
    sheets = single_stage(Minerals=minerals)
    sheets["Stages"].append({"mineral": "co", "stage": "x", "order": 1, "final": True})
    sheets["Demand"].append({"mineral": "co", "year": 2026, "demand_t": 10})
    sheets["Prices"].append(
        {"mineral": "co", "stage": "x", "year": 2026, "scenario": "*", "price_usd_per_t": 50}
    )
    ds = dataset_from(sheets)
    assert ds.stock["li"] == Stock(5.0, 20.0, 0.0, 0.0)
    assert ds.stock["co"] == Stock(0.0, None, 0.0, 0.0)
    assert stock_room(ds.stock["li"]) == 15.0 and stock_room(ds.stock["co"]) == BIG_STOCK_T
    assert build_sets(ds).bounded_stock == ("li",)
