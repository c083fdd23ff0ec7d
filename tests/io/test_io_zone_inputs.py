"""Validation of the trade-zone inputs (issue 14): every new column and the ReferencePrices sheet
give cell-addressed errors, all at once, exit code 2."""

from __future__ import annotations

from typer.testing import CliRunner

from mineralclub.cli import app

runner = CliRunner()


def zone_errors(book):
    countries = book["Countries"]
    countries["J1"], countries["K1"] = "demand_share", "import_premium_share"
    countries["J2"], countries["K3"] = 1.5, -0.1
    settings = book["Settings"]
    row = settings.max_row
    for i, (key, value) in enumerate(
        (("floor_design", "both"), ("consumer_cost_weight", -1), ("producer_gain_weight", "high")),
        start=1,
    ):
        settings.cell(row + i, 1, key)
        settings.cell(row + i, 2, value)
    floors = book["FloorLevels"]
    floors["F1"], floors["F2"] = "upside_share", 1.5
    ref = book.create_sheet("ReferencePrices")
    ref.append(["mineral", "stage", "level", "reference_usd_per_t"])
    ref.append(["lithium", "refine", "R1", 20000])
    ref.append(["lithium", "refine", "R1", 21000])  # duplicate key
    ref.append(["lithum", "refine", "R2", 20000])  # unknown mineral
    ref.append(["lithium", "smelt", "R3", 20000])  # not a stage of lithium
    ref.append(["lithium", "refine", "R4", -5])  # negative
    ref.append(["lithium", "refine", "R5", None])  # required


def test_every_new_column_reports_its_cell(make_workbook):
    path = make_workbook(change=zone_errors)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2
    err = res.stderr
    settings_row = 10  # example_small's Settings has rows 2..10; the new keys follow
    expected = [
        "Countries!J2: demand_share must be a number between 0 and 1, found 1.5",
        "Countries!K3: import_premium_share must be a number between 0 and 1, found -0.1",
        f"Settings!B{settings_row + 1}: floor_design must be one of uniform, per_contract",
        f"Settings!B{settings_row + 2}: consumer_cost_weight must be a number between 0 and 1000",
        f"Settings!B{settings_row + 3}: producer_gain_weight must be a number",
        "FloorLevels!F2: upside_share must be a number between 0 and 1, found 1.5",
        "ReferencePrices!A3: duplicate key (mineral=lithium, stage=refine, level=R1)",
        "ReferencePrices!A4: unknown mineral",
        'ReferencePrices!B5: stage "smelt" is not a stage of lithium',
        "ReferencePrices!D6: reference_usd_per_t must be a number between 0 and",
        "ReferencePrices!D7: reference_usd_per_t is required",
    ]
    for text in expected:
        assert text in err, f"{text!r} not in:\n{err}"
    assert "Traceback" not in res.output


def test_valid_zone_inputs_pass(make_workbook):
    def good(book):
        book["Countries"]["J1"], book["Countries"]["J2"] = "demand_share", 0.4
        ref = book.create_sheet("ReferencePrices")
        ref.append(["mineral", "stage", "level", "reference_usd_per_t"])
        ref.append(["lithium", "refine", "R1", 16000])

    res = runner.invoke(app, ["validate", str(make_workbook(change=good))])
    assert res.exit_code == 0, res.output
