"""The results workbook as a file: text stays text, the user's umask, print setup, and the
Summary's headline keys and block (issue 16)."""

from __future__ import annotations

import os
import stat

import openpyxl
import pandas as pd
import pytest

from builders import cap_target, dataset_from, one_stage_refinery
from mineralclub.pipeline import solve_dataset
from mineralclub.report.headline import headline_lines, money_lines
from mineralclub.report.workbook import write_results
from mineralclub.solve import SolveOptions
from mineralclub.sweep.report import write_sweep_workbook

HOSTILE = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://x")']


@pytest.fixture(scope="module")
def soft_run():
    """A soft 10% cap on B that no lever can reach (there are no projects): A refines 20 t,
    B the other 80 t of the 100 t demand, so B's share is 80% and the cap is missed."""
    sheets = one_stage_refinery(
        Targets=[cap_target(0.1, hard=False, penalty_usd_per_t=1000, name="soft cap")]
    )
    return solve_dataset(dataset_from(sheets), SolveOptions())


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    tables = {
        "Summary": pd.DataFrame({"key": ["name", "status"], "value": [HOSTILE[0], "OPTIMAL"]}),
        "Projects": pd.DataFrame({"project": HOSTILE, "support_musd": [1.0] * 5}),
    }
    path = write_results(tmp_path / "r.xlsx", tables)
    book = openpyxl.load_workbook(path)
    cells = [book["Projects"].cell(i, 1) for i in range(2, 7)]
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" for c in cells)
    assert book["Summary"]["B2"].data_type == "s" and book["Summary"]["B2"].value == "=1+1"


def test_sweep_workbook_writes_text_as_text(tmp_path):
    runs = pd.DataFrame({"run": [0, 1], "changes": HOSTILE[:2], "objective_musd": [1.0, 2.0]})
    path = write_sweep_workbook(tmp_path / "s.xlsx", {"Runs": runs})
    ws = openpyxl.load_workbook(path)["Runs"]
    assert [ws.cell(i, 2).value for i in (2, 3)] == HOSTILE[:2]
    assert all(ws.cell(i, 2).data_type == "s" for i in (2, 3))


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_files_follow_the_umask(tmp_path, mask, mode):
    tables = {"Summary": pd.DataFrame({"key": ["status"], "value": ["OPTIMAL"]})}
    old = os.umask(mask)
    try:
        results = write_results(tmp_path / "r.xlsx", tables)
        sweep = write_sweep_workbook(tmp_path / "s.xlsx", {"Runs": pd.DataFrame({"run": [0]})})
    finally:
        os.umask(old)
    assert stat.S_IMODE(results.stat().st_mode) == mode
    assert stat.S_IMODE(sweep.stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx", "s.xlsx"]  # no temp files


def test_every_sheet_prints_landscape_one_page_wide_with_its_header(ban_run):
    book = openpyxl.load_workbook(ban_run.results_path)
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (1, None), ws.title  # None: the default, 1
        if ws.title in ("Summary", "Charts"):
            assert ws.page_setup.fitToHeight in (1, None), ws.title  # one page
        else:
            assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages as it needs
            assert ws.print_title_rows.replace("$", "") == "1:1", ws.title


def test_cost_over_baseline_leaves_the_penalties_out(soft_run):
    """With no lever at all the plan is the baseline: the objective exceeds the baseline by the
    penalty alone, so the plan costs nothing over doing nothing, and one soft target is missed."""
    s = soft_run.summary
    assert s["target_penalty_musd"] > 0
    assert s["objective_musd"] == pytest.approx(
        s["baseline_objective_musd"] + s["target_penalty_musd"]
    )
    assert s["cost_over_baseline_musd"] == pytest.approx(0, abs=1e-9)
    assert s["soft_targets_missed"] == 1
    keys = list(s)
    assert keys.index("cost_over_baseline_musd") == keys.index("baseline_objective_musd") + 1
    assert keys.index("soft_targets_missed") == keys.index("target_penalty_musd") + 1


def test_a_met_soft_target_is_not_counted_as_missed():
    sheets = one_stage_refinery(Targets=[cap_target(0.9, hard=False, penalty_usd_per_t=1000)])
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.summary["soft_targets_missed"] == 0
    assert r.summary["target_penalty_musd"] == pytest.approx(0, abs=1e-9)


def test_headline_says_what_is_missed_and_by_how_much(soft_run):
    lines = headline_lines(soft_run.tables)
    text = "\n".join(lines)
    assert "Costs 0.00 more than doing nothing" in text
    assert "Targets met: 0 of 1" in text
    assert "soft cap: 80.0% against 10.0%" in text
    assert len(lines) <= len(soft_run.tables["Summary"])  # A:B stay a clean key/value table


def test_headline_says_less_when_the_plan_saves_and_nets_the_levy():
    """A plan cheaper than doing nothing (a trade zone's levy) reads "less", not "-X more"."""
    summary = {
        "cost_over_baseline_musd": -2175.9,
        "fiscal_cost_musd": -7988.9,
        "project_support_musd": 2817.0,
        "floor_payout_musd": 182.0,
        "offtake_cost_musd": 0.0,
        "stockpile_cost_musd": 3491.0,
        "levy_revenue_musd": 14471.6,
        "import_premium_musd": 37415.0,
        "shortfall_musd": 3467.0,
    }
    first, spending, _barely = money_lines(summary, None)
    assert first.startswith("Costs 2,176 less than doing nothing")
    assert spending.endswith("minus levy revenue 14,472")
    summary.update(cost_over_baseline_musd=12.5, levy_revenue_musd=0.0)
    first, spending, _barely = money_lines(summary, None)
    assert first.startswith("Costs 12 more than doing nothing")  # 12.5 rounds half to even
    assert "levy" not in spending


def test_summary_headline_block_is_beside_the_key_value_columns(soft_run, tmp_path):
    path = write_results(tmp_path / "r.xlsx", soft_run.tables)
    ws = openpyxl.load_workbook(path)["Summary"]
    assert [ws.cell(1, j).value for j in (1, 2)] == ["key", "value"]
    assert ws["E1"].value == "The plan in brief"
    assert ws["E2"].value.startswith("Status: OPTIMAL")
    df = pd.read_excel(path, sheet_name="Summary", engine="calamine")
    assert list(df["key"]) == list(soft_run.summary)  # no stray rows under the keys
    widths = {c: ws.column_dimensions[c].width for c in "ABCE"}
    longest_key = max(len(k) for k in soft_run.summary)
    assert widths["A"] >= longest_key
    longest_line = max(len(x) for x in headline_lines(soft_run.tables))
    assert widths["E"] >= longest_line


def test_ledger_sheet_says_which_basis_and_why(ban_run):
    """example_ban: Alliedia, the only member, gives gdp_busd and no cost_share."""
    led = pd.read_excel(ban_run.results_path, sheet_name="Ledger", engine="calamine")
    member = led[led.role == "member"].iloc[0]
    assert member["share_basis"] == "gdp_busd"
    assert member["share_basis_reason"] == "no cost_share given; every member gives gdp_busd"


def test_columns_are_wide_enough_for_their_largest_number(tmp_path):
    """A big value far below the first rows still fits its column (no "####")."""
    values = [1.0] * 500 + [123_456_789.5]
    path = write_results(tmp_path / "r.xlsx", {"Supply": pd.DataFrame({"used_t": values})})
    ws = openpyxl.load_workbook(path)["Supply"]
    assert ws.column_dimensions["A"].width >= len("123,456,790") + 1


def test_whole_target_rows_come_first_with_an_expected_violation_per_year(soft_run, ban_run):
    """soft cap 10%: B supplies 80 of 100 t, so 80 - 0.1 x 100 = 70 t over the cap in the one
    year and scenario; the '*' row is first and says 70 t/yr, in USD million per point."""
    t = soft_run.tables["Targets"]
    first = t.iloc[0]
    assert (first["target"], first["year"], first["scenario"]) == ("soft cap", "*", "*")
    assert first["violation_t"] == pytest.approx(70)
    assert first["marginal_cost_unit"] == "musd_per_pp"
    ban = ban_run.tables["Targets"]
    whole = ban[ban["year"].astype(str) == "*"]
    assert list(whole.index) == list(range(len(whole)))  # all at the top
    probs = dict(
        zip(
            ban_run.tables["Scenarios"].scenario,
            ban_run.tables["Scenarios"].probability,
            strict=True,
        )
    )
    for r in whole.itertuples():
        inst = ban[(ban["target"] == r.target) & (ban["year"].astype(str) != "*")]
        expected = sum(probs.get(i.scenario, 1.0) * i.violation_t for i in inst.itertuples())
        assert r.violation_t == pytest.approx(expected / inst["year"].nunique())


def test_stock_day_targets_are_priced_per_day():
    """10 days of the 100 t/yr demand must be held in stock (capacity built for it)."""
    from builders import one_stage_refinery as base

    sheets = base(
        Targets=[
            {
                "target": "reserve",
                "metric": "min_stock_days",
                "mineral": "li",
                "stage": "ref",
                "year_from": 2026,
                "value": 10,
            }
        ],
        Minerals=[
            {
                "mineral": "li",
                "stock_capacity_cost_usd_per_t": 100,
                "stock_holding_usd_per_t_yr": 10,
            }
        ],
    )
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    t = r.tables["Targets"]
    assert set(t["marginal_cost_unit"]) == {"musd_per_day"}
    # one more day is 100/365 t: capacity 100 USD/t, the 100 USD/t import premium and 10 USD/t-yr
    # of holding (the stock is bought at the 1,500 market price and valued at it, SPEC 4.10)
    assert t.iloc[0]["marginal_cost_musd_per_pp"] == pytest.approx(210 * 100 / 365 * 1e-6, rel=1e-6)
    stock = r.tables["Stockpile"].iloc[0]
    assert stock["level_t"] == pytest.approx(10 * 100 / 365)
    assert stock["days_of_demand"] == pytest.approx(10)
