"""What validation returns for good input: types, defaults, booleans, wildcards, warnings."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mineralclub.io import InputError, load, read_workbook, validate
from mineralclub.schema import SETTINGS, SHEETS


def test_example_small_is_valid_and_typed(example_small_path):
    tables = load(example_small_path)
    assert tables.warnings == ()
    assert set(tables.frames) == {s.name for s in SHEETS}
    projects = tables["Projects"]
    assert projects["capex_musd"].dtype == "float64"
    assert projects["first_year"].dtype == "int64"
    assert projects["lumpy"].dtype == "bool"
    assert projects["project"].dtype == "str"
    assert projects["_row"].tolist() == [2, 3]
    assert list(projects.columns)[-1] == "_row"
    assert tables.settings["name"] == "example_small"
    assert tables.settings["base_year"] == 2026  # default: the first period
    assert tables.settings["time_limit_s"] is None
    assert set(tables.settings) == {c.name for c in SETTINGS}


def test_absent_optional_sheets_are_empty_frames_with_every_column(make_workbook):
    tables = load(make_workbook(change=lambda b: b.remove(b["Disruptions"])))
    frame = tables["Disruptions"]
    assert frame.empty
    assert list(frame.columns) == [c.name for c in SHEETS[10].columns] + ["_row"]
    assert frame["year_to"].dtype == "int64"


def test_blank_optional_cells_take_defaults(make_workbook):
    cells = {
        "Countries!F3": None,  # import_premium_usd_per_t -> 0
        "Projects!J2": None,  # lumpy -> TRUE
        "Projects!K2": None,  # status -> candidate
        "Minerals!F2": None,  # stock_max_t -> blank (no limit)
        "OfftakeOptions!F2": None,  # first_year -> first period
        "OfftakeOptions!G2": None,  # last_year -> last year of the horizon
        "Settings!B2": None,  # name -> default
    }
    tables = load(make_workbook(cells))
    assert tables["Countries"].loc[1, "import_premium_usd_per_t"] == 0.0
    assert bool(tables["Projects"].loc[0, "lumpy"]) is True
    assert tables["Projects"].loc[0, "status"] == "candidate"
    assert math.isnan(tables["Minerals"].loc[0, "stock_max_t"])
    assert tables["Countries"]["cost_share"].isna().all()  # blank optional number -> NaN
    assert pd.isna(tables["Countries"].loc[1, "iso3"]) is False
    assert tables["OfftakeOptions"].loc[0, ["first_year", "last_year"]].tolist() == [2026, 2027]
    assert tables.settings["name"] == "mineralclub run"


def test_missing_optional_column_takes_default_with_a_warning(make_workbook):
    tables = load(make_workbook(change=lambda b: b["Capacity"].delete_cols(7)))  # utilization
    assert (tables["Capacity"]["utilization"] == 1.0).all()
    assert any("column utilization is missing" in p.message for p in tables.warnings)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (True, True),
        (False, False),
        ("TRUE", True),
        ("false", False),
        ("Yes", True),
        ("NO", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (" yes ", True),
    ],
)
def test_boolean_spellings(make_workbook, cell, expected):
    tables = load(make_workbook({"Projects!J2": cell}))
    assert bool(tables["Projects"].loc[0, "lumpy"]) is expected


def test_numbers_stored_as_text_are_read(make_workbook):
    tables = load(make_workbook({"Projects!F2": " 30.5 ", "Periods!A2": "2026"}))
    assert tables["Projects"].loc[0, "capex_musd"] == 30.5
    assert tables["Periods"]["year"].tolist() == [2026, 2027]


def test_star_expands_and_a_named_scenario_overrides_it(make_workbook):
    # mine 2026: row 2 becomes *, row 3 (low) stays named -> base from *, low from row 3
    tables = load(make_workbook({"Prices!D2": "*", "Prices!E2": 11000}))
    prices = tables["Prices"]
    assert "*" not in set(prices["scenario"])
    assert len(prices) == 8
    mine = prices[(prices.stage == "mine") & (prices.year == 2026)].set_index("scenario")
    assert mine.loc["base", "price_usd_per_t"] == 11000
    assert mine.loc["low", "price_usd_per_t"] == 6000
    assert mine.loc["base", "_row"] == 2  # expanded rows keep the Excel row of the * row


def test_disruption_star_and_year_to_default(make_workbook):
    row = ["*", "Bigland", "lithium", "refine", 2027, None, 0.5]
    tables = load(make_workbook(change=lambda b: b["Disruptions"].append(row)))
    frame = tables["Disruptions"]
    assert sorted(frame["scenario"]) == ["base", "low"]
    assert frame["year_to"].tolist() == [2027, 2027]


def test_targets_keep_star(make_workbook):
    tables = load(make_workbook({"Targets!C2": "*", "Targets!D2": "*", "Targets!I2": "low ; base"}))
    target = tables["Targets"].iloc[0]
    assert (target["mineral"], target["stage"]) == ("*", "*")
    assert target["scenarios"] == "low;base"


def test_min_stock_days_value_is_not_a_fraction(make_workbook):
    cells = {"Targets!B2": "min_stock_days", "Targets!E2": None, "Targets!G2": 60}
    assert load(make_workbook(cells))["Targets"].loc[0, "value"] == 60


def test_extra_column_is_kept_and_warned(make_workbook):
    cells = {"Projects!N1": "capex_usd", "Projects!N2": "thirty", "Projects!N3": None}
    tables = load(make_workbook(cells))
    assert tables["Projects"]["capex_usd"].tolist() == ["thirty", None]
    (warning,) = tables.warnings
    assert str(warning) == 'Projects!N1: unknown column "capex_usd" is kept but not used'


def test_misspelt_optional_column_gets_a_suggestion(make_workbook):
    tables = load(make_workbook({"Projects!J1": "lumpy_flag"}))
    assert [str(p) for p in tables.warnings] == [
        "Projects: column lumpy is missing; every row takes the default (TRUE)",
        'Projects!J1: unknown column "lumpy_flag" is kept but not used (did you mean "lumpy"?)',
    ]


def test_unknown_sheet_warned_and_readme_ignored(make_workbook):
    tables = load(make_workbook(change=lambda b: b.create_sheet("Notes")))
    assert [str(p) for p in tables.warnings] == ['Notes: unknown sheet "Notes" is ignored']


def test_columns_in_any_order_and_case(make_workbook):
    def shuffle(book):
        ws = book["Demand"]
        ws.move_range("A1:A3", cols=5)  # mineral column moves from A to F
        ws["F1"] = " Mineral "

    tables = load(make_workbook(change=shuffle))
    assert tables["Demand"]["mineral"].tolist() == ["lithium", "lithium"]


def test_stage_two_offtake_below_unit_cost_is_a_warning(make_workbook):
    tables = load(make_workbook({"OfftakeOptions!D2": 1000}))
    messages = [p.message for p in tables.warnings]
    assert any("below the supplier's unit cost (2,000 USD/t)" in m for m in messages)
    assert any("below the expected market price (13,200 USD/t)" in m for m in messages)


def test_contract_via_offtake_satisfies_bankability(make_workbook):
    """No eligible floor, but an offtake option for the project covering 0.5 x 40 t."""
    row = ["Alliedia Refinery B", "lithium", "refine", 14000, 20, 2026, 2027]
    path = make_workbook(
        {"FloorLevels!D2": 12000}, change=lambda b: b["OfftakeOptions"].append(row)
    )
    assert load(path)["OfftakeOptions"]["supplier"].tolist()[1] == "Alliedia Refinery B"


def test_validate_accepts_plain_frames_without_row_numbers(example_small_path):
    raw = {
        name: frame.drop(columns="_row")
        for name, frame in read_workbook(example_small_path).items()
    }
    raw["Projects"].loc[1, "capex_musd"] = "lots"
    with pytest.raises(InputError) as info:
        validate(raw)
    assert [str(p) for p in info.value.problems] == [
        'Projects!F3: capex_musd must be a number >= 0, found "lots"'
    ]


def test_sheet_names_match_case_insensitively_and_messages_use_the_workbook_name(make_workbook):
    def rename(book):
        book["Demand"].title = "tmp"  # openpyxl refuses a case-only rename in one step
        book["tmp"].title = "demand"
        book["demand"]["C3"] = "lots"

    with pytest.raises(InputError) as info:
        load(make_workbook(change=rename))
    assert [str(p) for p in info.value.problems] == [
        'demand!C3: demand_t must be a number >= 0, found "lots"'
    ]
