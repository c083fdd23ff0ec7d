"""Write inputs/example_small.xlsx: a tiny workbook a human can check by hand.

One mineral (lithium, in t LCE) with two stages (mine -> refine), two one-year periods, two
scenarios. Alliedia is the club's only member; Bigland, a non-member, dominates refining;
Partneria is a partner that may sign offtake. Every figure is round and illustrative, not data.

Run: .venv/bin/python inputs/make_example_small.py [PATH]
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook

from mineralclub.io.template import save_atomic, write_template

SOURCE = "illustrative example, not data"

ROWS: dict[str, list[dict]] = {
    "Countries": [
        {"country": "Alliedia", "iso3": "ALD", "member": True, "region": "West", "gdp_busd": 1000},
        {
            "country": "Bigland",
            "iso3": "BGL",
            "member": False,
            "region": "East",
            "import_premium_usd_per_t": 100,
        },
        {
            "country": "Partneria",
            "iso3": "PTN",
            "member": False,
            "partner": True,
            "region": "South",
            "import_premium_usd_per_t": 50,
        },
    ],
    "Minerals": [
        {
            "mineral": "lithium",
            "basis": "t LCE",
            "shortfall_penalty_usd_per_t": 50000,
            "stock_max_t": 0,
        },
    ],
    "Stages": [
        {"mineral": "lithium", "stage": "mine", "order": 1, "yield": 1, "final": False},
        {"mineral": "lithium", "stage": "refine", "order": 2, "yield": 1, "final": True},
    ],
    "Periods": [
        {"year": 2026, "duration_years": 1},
        {"year": 2027, "duration_years": 1},
    ],
    "Demand": [
        {"mineral": "lithium", "year": 2026, "demand_t": 100},
        {"mineral": "lithium", "year": 2027, "demand_t": 100},
    ],
    "Capacity": [
        {
            "country": "Alliedia",
            "mineral": "lithium",
            "stage": "mine",
            "year": 2026,
            "capacity_t": 80,
            "unit_cost_usd_per_t": 5000,
        },
        {
            "country": "Alliedia",
            "mineral": "lithium",
            "stage": "refine",
            "year": 2026,
            "capacity_t": 20,
            "unit_cost_usd_per_t": 2000,
        },
        {
            "country": "Bigland",
            "mineral": "lithium",
            "stage": "mine",
            "year": 2026,
            "capacity_t": 100,
            "unit_cost_usd_per_t": 4000,
        },
        {
            "country": "Bigland",
            "mineral": "lithium",
            "stage": "refine",
            "year": 2026,
            "capacity_t": 200,
            "unit_cost_usd_per_t": 1500,
        },
        {
            "country": "Partneria",
            "mineral": "lithium",
            "stage": "refine",
            "year": 2026,
            "capacity_t": 50,
            "unit_cost_usd_per_t": 2000,
        },
    ],
    "Projects": [
        {
            "project": "Alliedia Refinery A",
            "country": "Alliedia",
            "mineral": "lithium",
            "stage": "refine",
            "capacity_t": 60,
            "capex_musd": 30,
            "support_share": 0.5,
            "unit_cost_usd_per_t": 2500,
            "first_year": 2027,
            "lumpy": True,
            "status": "candidate",
            "min_contracted_share": 0,
        },
        {
            "project": "Alliedia Refinery B",
            "country": "Alliedia",
            "mineral": "lithium",
            "stage": "refine",
            "capacity_t": 40,
            "capex_musd": 20,
            "support_share": 0.5,
            "unit_cost_usd_per_t": 3000,
            "first_year": 2026,
            "lumpy": False,
            "status": "candidate",
            "min_contracted_share": 0.5,
        },
    ],
    "Scenarios": [
        {"scenario": "base", "probability": 0.7, "description": "prices as expected"},
        {"scenario": "low", "probability": 0.3, "description": "price crash"},
    ],
    "Prices": [
        {
            "mineral": "lithium",
            "stage": stage,
            "year": year,
            "scenario": scenario,
            "price_usd_per_t": price,
        }
        for stage, prices in (
            ("mine", {"base": 10000, "low": 6000}),
            ("refine", {"base": 15000, "low": 9000}),
        )
        for year in (2026, 2027)
        for scenario, price in prices.items()
    ],
    "FloorLevels": [
        {"mineral": "lithium", "stage": "refine", "level": "high", "floor_usd_per_t": 14000},
    ],
    "OfftakeOptions": [
        {
            "supplier": "Partneria",
            "mineral": "lithium",
            "stage": "refine",
            "contract_price_usd_per_t": 14000,
            "max_t_per_yr": 30,
            "first_year": 2026,
            "last_year": 2027,
        },
    ],
    "Targets": [
        {
            "target": "Bigland refining cap",
            "metric": "max_country_share",
            "mineral": "lithium",
            "stage": "refine",
            "country": "Bigland",
            "year_from": 2027,
            "value": 0.5,
            "scope": "club",
            "scenarios": "*",
            "hard": True,
        },
    ],
}

SETTINGS = {"name": "example_small", "discount_rate": 0}


def write_example(
    path: Path, rows_by_sheet: dict | None = None, settings_values: dict | None = None
) -> Path:
    """Write the example workbook (the template, filled in) to ``path``. Variants of the example
    (example_ban, example_sweep) pass their own rows and settings."""
    rows_by_sheet = ROWS if rows_by_sheet is None else rows_by_sheet
    settings_values = SETTINGS if settings_values is None else settings_values
    write_template(path)
    book = load_workbook(path)
    for sheet, rows in rows_by_sheet.items():
        ws = book[sheet]
        header = [cell.value for cell in ws[1]]
        for row in rows:
            ws.append([{**row, "source": SOURCE}.get(name) for name in header])
    settings = book["Settings"]
    for key_cell, value_cell, source_cell in settings.iter_rows(min_row=2, max_col=3):
        if key_cell.value in settings_values:
            value_cell.value = settings_values[key_cell.value]
            source_cell.value = SOURCE
    return save_atomic(path, book.save)


if __name__ == "__main__":
    default = Path(__file__).resolve().parent / "example_small.xlsx"
    print(write_example(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
