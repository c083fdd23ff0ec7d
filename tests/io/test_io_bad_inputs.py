"""One bad workbook per kind of input problem: exit code 2 and a message naming the cell.

Each case edits one or two cells of inputs/example_small.xlsx (layout: see the template's column
order in mineralclub.schema) and runs ``mineralclub validate`` on the copy.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mineralclub.cli import app


def delete_rows(sheet: str, *rows: int):
    def change(book):
        for row in sorted(rows, reverse=True):
            book[sheet].delete_rows(row)

    return change


def delete_sheet(sheet: str):
    def change(book):
        del book[sheet]

    return change


def append_row(sheet: str, values: list):
    return lambda book: book[sheet].append(values)


CASES = [
    # (id, cells, change, expected text in stderr)
    ("missing sheet", {}, delete_sheet("Demand"), "Demand: required sheet Demand is missing"),
    (
        "missing column",
        {},
        lambda b: b["Projects"].delete_cols(6),
        "Projects: required column capex_musd is missing",
    ),
    (
        "wrong type",
        {"Projects!F3": "lots"},
        None,
        'Projects!F3: capex_musd must be a number >= 0, found "lots"',
    ),
    (
        "out of range",
        {"Projects!G2": 1.5},
        None,
        "Projects!G2: support_share must be a number between 0 and 1, found 1.5",
    ),
    (
        "negative",
        {"Capacity!E4": -5},
        None,
        "Capacity!E4: capacity_t must be a number >= 0, found -5",
    ),
    ("whole number", {"Stages!C3": 1.5}, None, "Stages!C3: order must be a whole number >= 1"),
    ("year", {"Projects!I2": "next year"}, None, "Projects!I2: first_year must be a year"),
    (
        "bad boolean",
        {"Projects!J2": "maybe"},
        None,
        'Projects!J2: lumpy must be TRUE or FALSE (or yes/no, 1/0), found "maybe"',
    ),
    (
        "required blank",
        {"Demand!C3": None},
        None,
        "Demand!C3: demand_t is required, found a blank cell",
    ),
    (
        "unknown enum",
        {"Targets!B2": "max_county_share"},
        None,
        "Targets!B2: metric must be one of max_country_share, max_nonmember_share, "
        'min_trusted_share, max_hhi, min_stock_days, found "max_county_share" '
        '(did you mean "max_country_share"?)',
    ),
    ("unknown status", {"Projects!K2": "maybe"}, None, "Projects!K2: status must be one of"),
    (
        "unknown country",
        {"Capacity!A4": "Bigand"},
        None,
        'Capacity!A4: unknown country "Bigand": not in Countries (did you mean "Bigland"?)',
    ),
    (
        "unknown mineral",
        {"Demand!A2": "lithum"},
        None,
        'Demand!A2: unknown mineral "lithum": not in Minerals (did you mean "lithium"?)',
    ),
    (
        "unknown stage pair",
        {"Capacity!C2": "smelt"},
        None,
        'Capacity!C2: stage "smelt" is not a stage of lithium in Stages (its stages: mine, refine)',
    ),
    (
        "unknown scenario",
        {"Prices!D3": "lo"},
        None,
        'Prices!D3: unknown scenario "lo": not in Scenarios (did you mean "low"?)',
    ),
    (
        "year not a period",
        {"Demand!B3": 2028},
        None,
        "Demand!B3: year 2028 is not a year of the Periods sheet (2026, 2027)",
    ),
    (
        "budget year",
        {},
        append_row("Budget", [2030, 10]),
        "Budget!A2: year 2030 is not a year of the Periods sheet",
    ),
    (
        "duplicate key",
        {"Projects!A3": "Alliedia Refinery A"},
        None,
        'Projects!A3: duplicate project "Alliedia Refinery A" (also on row 2)',
    ),
    (
        "duplicate after star",
        {"Prices!D8": "*", "Prices!D9": "*"},
        None,
        "Prices!A9: duplicate key (mineral=lithium, stage=refine, year=2027, scenario=base) "
        "(also on row 8)",
    ),
    (
        "probabilities",
        {"Scenarios!B3": 0.2},
        None,
        "Scenarios!B1: probabilities must sum to 1 (within 1e-6), found 0.9",
    ),
    (
        "periods not contiguous",
        {"Periods!B2": 2},
        None,
        "Periods!A3: periods must be contiguous: after 2026 (duration 2) the next period starts "
        "in 2028, found 2027",
    ),
    ("demand missing", {}, delete_rows("Demand", 3), "Demand!C1: no demand for lithium in 2027"),
    (
        "mineral without demand",
        {},
        delete_rows("Demand", 2, 3),
        "Demand!A1: mineral lithium has no Demand rows",
    ),
    (
        "price missing",
        {},
        delete_rows("Prices", 9),
        "Prices!E1: no price for lithium / refine in 2027/low",
    ),
    (
        "stage order gap",
        {"Stages!C3": 3},
        None,
        "Stages!C2: stages of lithium must be numbered 1..2 without gaps or repeats, found 1, 3",
    ),
    (
        "two final stages",
        {"Stages!E2": True},
        None,
        "Stages!E3: lithium must have exactly one final stage (final = TRUE), found 2",
    ),
    (
        "final not highest",
        {"Stages!E2": True, "Stages!E3": False},
        None,
        "Stages!E2: final stage mine of lithium must have its highest order (2)",
    ),
    (
        "project named like country",
        {"Projects!A2": "Bigland"},
        None,
        "Projects!A2: project name Bigland is also a country name",
    ),
    (
        "project in non-member",
        {"Projects!B2": "Bigland"},
        None,
        "Projects!B2: project country Bigland is not a member",
    ),
    (
        "world scope metric",
        {"Targets!B2": "min_trusted_share", "Targets!H2": "world"},
        None,
        "Targets!H2: scope world is allowed only for max_country_share, max_nonmember_share, "
        "max_hhi, not min_trusted_share",
    ),
    (
        "soft hhi",
        {"Targets!B2": "max_hhi", "Targets!J2": False, "Targets!K2": 100},
        None,
        "Targets!J2: max_hhi cannot be soft",
    ),
    (
        "soft without penalty",
        {"Targets!J2": "no"},
        None,
        "Targets!K2: penalty_usd_per_t is required when hard is FALSE",
    ),
    (
        "star matches nothing",
        {"Targets!C2": "*", "Targets!D2": "smelt"},
        None,
        'Targets!D2: stage "smelt" is not a stage of any mineral',
    ),
    (
        "target scenarios",
        {"Targets!I2": "base; crash"},
        None,
        'Targets!I2: scenarios must be * or a ; list of scenarios (base, low), found "crash"',
    ),
    (
        "target value fraction",
        {"Targets!G2": 1.5},
        None,
        "Targets!G2: value of a max_country_share target must be a fraction between 0 and 1",
    ),
    (
        "target country member",
        {"Targets!E2": "Alliedia"},
        None,
        "Targets!E2: Alliedia is a member; max_country_share limits a non-member's share",
    ),
    (
        "star not allowed",
        {"Capacity!A2": "*"},
        None,
        "Capacity!A2: country cannot be *: the wildcard is allowed only in Prices.scenario, "
        "Disruptions.scenario, Targets.mineral, Targets.stage",
    ),
    (
        "disruption years",
        {},
        append_row("Disruptions", ["low", "Bigland", "lithium", "refine", 2027, 2026, 1]),
        "Disruptions!F2: year_to 2026 is before year_from 2027",
    ),
    (
        "offtake non-partner",
        {"OfftakeOptions!A2": "Bigland"},
        None,
        'OfftakeOptions!A2: supplier "Bigland" must be a project, a member country with Capacity '
        "rows for that mineral and stage, or a partner country (partner = TRUE): Bigland is a "
        "non-member and not a partner",
    ),
    (
        "offtake member without capacity",
        {"OfftakeOptions!A2": "Alliedia"},
        delete_rows("Capacity", 3),
        'OfftakeOptions!A2: supplier "Alliedia" must be a project, a member country with '
        "Capacity rows for that mineral and stage, or a partner country (partner = TRUE): member "
        "Alliedia has no Capacity rows for lithium / refine",
    ),
    (
        "offtake project of other stage",
        {"OfftakeOptions!A2": "Alliedia Refinery A", "OfftakeOptions!C2": "mine"},
        None,
        "project Alliedia Refinery A produces lithium / refine",
    ),
    (
        "offtake unknown supplier",
        {"OfftakeOptions!A2": "Partnera"},
        None,
        'it is neither in Projects nor in Countries (did you mean "Partneria"?)',
    ),
    (
        "offtake below cost at stage 1",
        {"OfftakeOptions!A2": "Alliedia", "OfftakeOptions!C2": "mine", "OfftakeOptions!D2": 4000},
        None,
        "OfftakeOptions!D2: contract price 4,000 USD/t is below the supplier's unit cost "
        "(5,000 USD/t) in 2026, 2027",
    ),
    (
        "offtake years",
        {"OfftakeOptions!F2": 2027, "OfftakeOptions!G2": 2026},
        None,
        "OfftakeOptions!G2: last_year 2026 is before first_year 2027",
    ),
    (
        "bankability",
        {"FloorLevels!D2": 12000},
        None,
        "Projects!L3: min_contracted_share 0.5 of Alliedia Refinery B needs a contract in 2026, "
        "2027, but no FloorLevels level for lithium / refine reaches the project's full cost",
    ),
    (
        "setting unknown key",
        {"Settings!A11": "discount"},
        None,
        "Settings!A11: key must be one of name, base_year, discount_rate",
    ),
    (
        "setting value type",
        {"Settings!B4": "abc"},
        None,
        'Settings!B4: discount_rate must be a number between 0 and 1, found "abc"',
    ),
    (
        "setting duplicate",
        {"Settings!A11": "name", "Settings!B11": "again"},
        None,
        'Settings!A11: duplicate key "name" (also on row 2)',
    ),
    (
        "member and partner",
        {"Countries!C4": True},
        None,
        "Countries!D4: Partneria is both member and partner",
    ),
    (
        "cost share partial",
        {"Countries!C4": True, "Countries!D4": False, "Countries!H2": 1},
        None,
        "Countries!H4: cost_share is given for some members but blank for Partneria",
    ),
    (
        "no member",
        {"Countries!C2": False},
        None,
        "Countries!C1: no country is a member (member = TRUE)",
    ),
    (
        "empty required sheet",
        {},
        delete_rows("Scenarios", 2, 3),
        "Scenarios!A1: Scenarios has no rows",
    ),
    (
        "duplicate header",
        {"Projects!N1": "CAPEX_MUSD"},
        None,
        'Projects!N1: column header "CAPEX_MUSD" appears twice (columns F and N)',
    ),
    (
        "sweep without values",
        {},
        append_row("Sweeps", ["s1", "Projects[project=x].capex_musd"]),
        "Sweeps!C2: give values (a comma list) or all of start, stop and step",
    ),
    (
        "sweep address",
        {},
        append_row("Sweeps", ["s1", "Projects.capex", "1,2"]),
        "Sweeps!B2: parameter must look like Sheet[key=value,...].column: Projects has no column "
        "capex",
    ),
]


@pytest.mark.parametrize(
    ("cells", "change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_names_the_cell(make_workbook, cells, change, expected):
    path = make_workbook(cells, change)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_all_problems_are_reported_at_once(make_workbook):
    path = make_workbook({"Projects!F3": "lots", "Capacity!A4": "Bigand", "Scenarios!B3": 0.2})
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    for cell in ("Projects!F3:", "Capacity!A4:", "Scenarios!B1:"):
        assert cell in result.stderr
    assert "3 error(s)" in result.stderr


def test_one_mistake_gives_one_message(make_workbook):
    """A bad cell is reported once, not again by every rule that reads it."""
    path = make_workbook({"Stages!C3": "two"})
    result = CliRunner().invoke(app, ["validate", str(path)])
    errors = [line for line in result.stderr.splitlines() if line.startswith("Stages!")]
    assert errors == ['Stages!C3: order must be a whole number >= 1, found "two"']
