"""Tiny hand-checkable models, built as raw sheets and run through the real validation."""

from __future__ import annotations

import copy

from mineralclub.dataset import Dataset, build_dataset
from mineralclub.io.read_workbook import sheet_frame
from mineralclub.io.tables import Tables
from mineralclub.io.validate import validate


def tables_from(sheets: dict[str, list[dict]]) -> Tables:
    """Validate {sheet: [row dicts]} exactly as a workbook would be validated."""
    raw = {}
    for name, rows in sheets.items():
        cols = list(dict.fromkeys(c for r in rows for c in r))
        raw[name] = sheet_frame(name, [cols] + [[r.get(c) for c in cols] for r in rows])
    return validate(raw)


def dataset_from(sheets: dict[str, list[dict]]) -> Dataset:
    return build_dataset(tables_from(sheets))


def one_stage_refinery(**over) -> dict[str, list[dict]]:
    """One mineral 'li' with stages mine -> ref (final), one period, one scenario.

    Member A mines 80 t and refines 20 t; non-member B mines 100 t and refines 200 t (import
    premium 100 USD/t). Demand 100 t of refined product. Prices: mine 1000, ref 1500 USD/t.
    """
    sheets = {
        "Settings": [{"key": "name", "value": "tiny"}],
        "Countries": [
            {"country": "A", "member": True},
            {"country": "B", "member": False, "import_premium_usd_per_t": 100},
        ],
        "Minerals": [{"mineral": "li"}],
        "Stages": [
            {"mineral": "li", "stage": "mine", "order": 1},
            {"mineral": "li", "stage": "ref", "order": 2, "final": True},
        ],
        "Periods": [{"year": 2026}],
        "Demand": [{"mineral": "li", "year": 2026, "demand_t": 100}],
        "Capacity": [
            {
                "country": "A",
                "mineral": "li",
                "stage": "mine",
                "year": 2026,
                "capacity_t": 80,
                "unit_cost_usd_per_t": 500,
            },
            {
                "country": "A",
                "mineral": "li",
                "stage": "ref",
                "year": 2026,
                "capacity_t": 20,
                "unit_cost_usd_per_t": 300,
            },
            {"country": "B", "mineral": "li", "stage": "mine", "year": 2026, "capacity_t": 100},
            {"country": "B", "mineral": "li", "stage": "ref", "year": 2026, "capacity_t": 200},
        ],
        "Scenarios": [{"scenario": "base", "probability": 1.0}],
        "Prices": [
            {
                "mineral": "li",
                "stage": "mine",
                "year": 2026,
                "scenario": "*",
                "price_usd_per_t": 1000,
            },
            {
                "mineral": "li",
                "stage": "ref",
                "year": 2026,
                "scenario": "*",
                "price_usd_per_t": 1500,
            },
        ],
    }
    sheets = copy.deepcopy(sheets)
    for name, rows in over.items():
        sheets[name] = rows
    return sheets


def project(
    name,
    capacity,
    capex,
    support=0.5,
    cost=400,
    lumpy=True,
    stage="ref",
    country="A",
    first_year=2026,
    **extra,
) -> dict:
    return {
        "project": name,
        "country": country,
        "mineral": "li",
        "stage": stage,
        "capacity_t": capacity,
        "capex_musd": capex,
        "support_share": support,
        "unit_cost_usd_per_t": cost,
        "first_year": first_year,
        "lumpy": lumpy,
        **extra,
    }


def cap_target(value, country="B", stage="ref", name="cap_B", **extra) -> dict:
    return {
        "target": name,
        "metric": "max_country_share",
        "mineral": "li",
        "stage": stage,
        "country": country,
        "year_from": 2026,
        "value": value,
        **extra,
    }


def single_stage(**over):
    """One final stage 'x': non-member B (600 t, premium 10 USD/t), no member capacity, demand
    100, price 1000; scalable member projects decide the mix."""
    sheets = {
        "Settings": [{"key": "name", "value": "single stage"}],
        "Countries": [
            {"country": "A", "member": True},
            {"country": "E", "member": True},
            {"country": "B", "import_premium_usd_per_t": 10},
        ],
        "Minerals": [{"mineral": "li"}],
        "Stages": [{"mineral": "li", "stage": "x", "order": 1, "final": True}],
        "Periods": [{"year": 2026}],
        "Demand": [{"mineral": "li", "year": 2026, "demand_t": 100}],
        "Capacity": [
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 600}
        ],
        "Scenarios": [{"scenario": "base", "probability": 1}],
        "Prices": [
            {"mineral": "li", "stage": "x", "year": 2026, "scenario": "*", "price_usd_per_t": 1000}
        ],
    }
    sheets.update(over)
    return sheets


def hhi_target(value, name="hhi"):
    return {
        "target": name,
        "metric": "max_hhi",
        "mineral": "li",
        "stage": "x",
        "year_from": 2026,
        "value": value,
    }
