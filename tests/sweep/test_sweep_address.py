"""Addresses Sheet[column=value,...].column, value lists, and changed copies of a workbook:
validated as from disk, probabilities rescaled, bad values named by their address."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mineralclub.pipeline import load_tables
from mineralclub.sweep.address import (
    AddressError,
    BadValues,
    Base,
    check_changes,
    parse_address,
    parse_bounds,
    parse_values,
    split_assignment,
)

INPUTS = Path(__file__).resolve().parents[2] / "inputs"
CAP = "Targets[target=Bigland refining cap].value"


@pytest.fixture(scope="module")
def small() -> Base:
    return Base(load_tables(INPUTS / "example_small.xlsx"))


@pytest.fixture(scope="module")
def ban() -> Base:
    return Base(load_tables(INPUTS / "example_ban.xlsx"))


def test_an_address_names_sheet_filters_and_column():
    a = parse_address(" targets[ target = Bigland refining cap ].value ")
    assert (a.sheet, a.filters, a.column) == (
        "Targets",
        (("target", "Bigland refining cap"),),
        "value",
    )
    assert a.text == CAP
    assert parse_address("Settings[key=discount_rate].value").is_setting
    address, values = split_assignment(f"{CAP}=0.8,0.7")
    assert address.text == CAP and values == "0.8,0.7"


@pytest.mark.parametrize(
    "text, says",
    [
        ("Foo[x=1].bar", "unknown sheet Foo"),
        ("Targets[target=x].val", "Targets has no column val"),
        ("Targets[target=x].target", "target is a key column of Targets"),
        ("Targets[target].value", '"target" is not column=value of Targets'),
        ("Targets[nope=1].value", '"nope=1" is not column=value of Targets'),
        ("Settings.value", "address a setting as Settings[key=NAME].value"),
        ("Targets value", "cannot read"),
        ("Sweeps[sweep=a].values", "unknown sheet Sweeps"),
    ],
)
def test_address_errors_say_what_is_wrong(text, says):
    with pytest.raises(AddressError, match=says.replace("[", r"\[").replace("]", r"\]")):
        parse_address(text)


def test_values_are_lists_ranges_or_multipliers():
    assert parse_values("0.5, 0.6") == [0.5, 0.6]
    assert parse_values("0.6:0.3:0.1") == [0.6, 0.5, 0.4, 0.3]
    assert parse_values("0.3:0.6:0.1") == [0.3, 0.4, 0.5, 0.6]
    assert parse_values("x0.8,x1.2,TRUE") == ["x0.8", "x1.2", "TRUE"]
    assert parse_bounds("x0.8:x1.2") == ("x0.8", "x1.2")
    assert parse_bounds("1000:2000") == (1000.0, 2000.0)
    for bad in ("1:x2", "2:1", "1", ""):
        with pytest.raises(AddressError):
            parse_bounds(bad)
    with pytest.raises(AddressError, match="empty value"):
        parse_values("1,,2")


def test_no_change_gives_the_workbook_itself_and_revalidation_is_exact(small):
    assert small.apply([]) is small.tables
    same = small.apply([("Settings[key=name].value", "example_small")])
    for name, frame in small.tables.frames.items():
        if name not in ("Sources", "Settings"):
            pd.testing.assert_frame_equal(frame, same[name], check_dtype=True)
    assert dict(same.settings) == dict(small.tables.settings)


def test_changing_one_probability_rescales_the_others(small, ban):
    t = small.apply([("Scenarios[scenario=base].probability", 0.5)])
    assert t["Scenarios"]["probability"].tolist() == pytest.approx([0.5, 0.5])
    # three scenarios (base 0.6, low 0.2, ban 0.2): ban -> 0.6 leaves 0.4 in proportion 3:1
    t = ban.apply([("Scenarios[scenario=ban].probability", 0.6)])
    assert t["Scenarios"]["probability"].tolist() == pytest.approx([0.3, 0.1, 0.6])
    # two changed together keep their values; the third takes the rest
    t = ban.apply(
        [("Scenarios[scenario=ban].probability", 0.5), ("Scenarios[scenario=low].probability", 0.1)]
    )
    assert t["Scenarios"]["probability"].tolist() == pytest.approx([0.4, 0.1, 0.5])


def test_probabilities_that_cannot_be_rescaled_are_bad_values(small, ban):
    with pytest.raises(BadValues, match="sum to 1.1, more than 1"):
        ban.apply(
            [
                ("Scenarios[scenario=ban].probability", 0.6),
                ("Scenarios[scenario=low].probability", 0.5),
            ]
        )
    t = small.apply([("Scenarios[scenario=base].probability", 1.0)])
    assert t["Scenarios"]["probability"].tolist() == pytest.approx([1.0, 0.0])
    with pytest.raises(BadValues, match="cannot be rescaled"):
        Base(t).apply([("Scenarios[scenario=base].probability", 0.5)])


def test_multipliers_scale_every_matched_cell(small):
    t = small.apply([("Prices[stage=refine,scenario=low].price_usd_per_t", "x1.5")])
    p = t["Prices"].set_index(["stage", "year", "scenario"])["price_usd_per_t"]
    assert p[("refine", 2026, "low")] == 13500 and p[("refine", 2027, "low")] == 13500
    assert p[("refine", 2026, "base")] == 15000 and p[("mine", 2026, "low")] == 6000
    t = small.apply([(CAP, "x0.5"), ("Settings[key=discount_rate].value", 0.05)])
    assert t["Targets"]["value"].tolist() == [0.25]
    assert t.settings["discount_rate"] == 0.05


def test_bad_values_name_the_address_and_the_rule(small):
    cases = {
        ("Scenarios[scenario=base].probability", 1.5): "probability must be a number between "
        "0 and 1, found 1.5",
        (CAP, "abc"): "value must be a number >= 0",
        ("Targets[target=nope].value", 0.3): "matches no row of Targets",
        ("Settings[key=mip_gap].value", 2): "between 0 and 1",
        ("Settings[key=colour].value", 1): "key must be one of name, base_year",
        ("Projects[project=Alliedia Refinery A].lumpy", "maybe"): "TRUE or FALSE",
        ("Projects[project=Alliedia Refinery A].first_year", 20): "a year such as 2030",
        ("Projects[project=Alliedia Refinery A].status", "x2"): "a multiplier needs a number "
        "column; status is enum",
    }
    for (address, value), says in cases.items():
        with pytest.raises(BadValues) as exc:
            small.apply([(address, value)])
        text = str(exc.value)
        assert text.startswith(parse_address(address).text), text
        assert says in text, text


def test_cross_sheet_rules_run_on_the_changed_workbook(small):
    """A floor level too low for the bankable refinery B is rejected as in Excel, with the
    cell of the rule and the address of the change."""
    with pytest.raises(BadValues) as exc:
        small.apply([("FloorLevels[level=high].floor_usd_per_t", 12000)])
    text = str(exc.value)
    assert text.startswith("FloorLevels[level=high].floor_usd_per_t=12000: Projects!L3: ")
    assert "no FloorLevels level for lithium / refine reaches the project's full cost" in text


def test_check_changes_reports_each_bad_value_once(small):
    messages = check_changes(
        small, [(CAP, 0.3), (CAP, -1.0), (CAP, -1.0), ("Scenarios[scenario=base].probability", 2.0)]
    )
    assert len(messages) == 2
    assert messages[0].startswith(f"{CAP}=-1")
