"""Native Excel charts and formats in the results workbook (issue 9)."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries

from mineralclub.io.charts import chart_specs


def title_text(title) -> str:
    return "".join(run.t for p in title.tx.rich.paragraphs for run in (p.r or []))


def cells(book, ref: str) -> list:
    """Values of a reference like 'ChartData'!$B$3:$B$5 (sheet must be ChartData)."""
    sheet, _, rng = ref.rpartition("!")
    assert sheet.strip("'") == "ChartData"
    c0, r0, c1, r1 = range_boundaries(rng.replace("$", ""))
    ws = book["ChartData"]
    return [ws.cell(r, c).value for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def cat_ref(series) -> str:
    """openpyxl writes categories as a numRef whatever their type; Excel may write strRef."""
    return (series.cat.numRef or series.cat.strRef).f


def charts_by_title(book) -> dict:
    return {title_text(ch.title): ch for ch in book["Charts"]._charts}


@pytest.fixture(scope="module")
def ban_book(ban_run):
    return openpyxl.load_workbook(ban_run.results_path)


def test_charts_sheet_follows_summary_and_chart_data_comes_last(ban_book):
    names = ban_book.sheetnames
    assert names[:2] == ["Summary", "Charts"]
    assert names[-1] == "ChartData"
    assert "Ledger" in names


def test_every_chart_is_in_the_workbook(ban_run, ban_book):
    charts = charts_by_title(ban_book)
    assert sorted(charts) == sorted(s.title for s in chart_specs(ban_run.tables))
    assert len(charts) == 6
    for chart in charts.values():
        for series in chart.series:
            assert series.val.numRef.f.startswith("'ChartData'!")


def test_concentration_chart_points_at_the_expected_club_final_stage_rows(ban_run, ban_book):
    """Before/after non-member share of refined lithium (the final stage), expected over the
    scenarios, in the last year (2027): the cells behind the series hold those values."""
    conc = ban_run.tables["Concentration"]
    row = conc[(conc.scenario == "expected") & (conc.scope == "club") & (conc.stage == "refine")
               & (conc.year == 2027) & (conc.metric == "nonmember_share")].iloc[0]
    chart = next(ch for t, ch in charts_by_title(ban_book).items() if "Non-member" in t)
    before, after = chart.series
    assert cells(ban_book, before.tx.strRef.f) == ["before (baseline)"]
    assert cells(ban_book, before.val.numRef.f) == [pytest.approx(row["baseline"])]
    assert cells(ban_book, after.val.numRef.f) == [pytest.approx(row["optimised"])]
    assert cells(ban_book, cat_ref(before)) == ["lithium"]
    assert row["optimised"] == pytest.approx(0.74)  # the plan lowers it from 0.8


def test_cost_chart_is_the_summary_parts(ban_run, ban_book):
    chart = charts_by_title(ban_book)["Expected cost by lever (USD million)"]
    (series,) = chart.series
    labels = cells(ban_book, cat_ref(series))
    values = dict(zip(labels, cells(ban_book, series.val.numRef.f), strict=True))
    s = ban_run.summary
    assert values["Offtake"] == pytest.approx(s["offtake_cost_musd"])
    assert values["Stockpiles"] == pytest.approx(s["stockpile_cost_musd"])
    assert values["Import premium"] == pytest.approx(s["import_premium_musd"])
    assert len(labels) == 8


def test_stockpile_chart_follows_the_ban_scenario(ban_book):
    """The 30 t are bought in 2026 in every scenario (the ban is not known yet); the ban draws
    them in 2027, the others hold them: one line per scenario."""
    chart = charts_by_title(ban_book)["Stockpile level by year (t)"]
    lines = {cells(ban_book, s.tx.strRef.f)[0]: s for s in chart.series}
    assert sorted(lines) == ["lithium (ban)", "lithium (base)", "lithium (low)"]
    ban = lines["lithium (ban)"]
    assert cells(ban_book, cat_ref(ban)) == [2026, 2027]
    assert cells(ban_book, ban.val.numRef.f) == [pytest.approx(30), pytest.approx(0)]
    base = lines["lithium (base)"]
    assert cells(ban_book, base.val.numRef.f) == [pytest.approx(30), pytest.approx(30)]


def test_support_and_ledger_charts_point_at_their_tables(ban_run, ban_book):
    charts = charts_by_title(ban_book)
    support = charts["Support of new projects by host country (USD million)"]
    assert cells(ban_book, cat_ref(support.series[0])) == ["Alliedia"]
    ledger = next(ch for t, ch in charts.items() if t.startswith("Net position"))
    led = ban_run.tables["Ledger"]
    led = led[led.role.isin(["member", "partner"])]
    led = led.iloc[led.net_position_musd.abs().argsort(kind="stable")[::-1]]  # largest first
    assert cells(ban_book, cat_ref(ledger.series[0])) == list(led.country)
    assert cells(ban_book, ledger.series[0].val.numRef.f) == [
        pytest.approx(v) for v in led.net_position_musd]


def test_summary_stays_machine_readable_with_labels_beside_it(ban_run):
    df = pd.read_excel(ban_run.results_path, sheet_name="Summary", engine="calamine")
    assert list(df.columns[:2]) == ["key", "value"]
    assert list(df["key"]) == list(ban_run.summary)
    assert float(df.set_index("key").loc["objective_musd", "value"]) == pytest.approx(
        ban_run.summary["objective_musd"])
    assert "label" in df.columns and df["label"].notna().all()


def test_number_formats_frozen_headers_and_filters(ban_book):
    summary = ban_book["Summary"]
    assert summary["A5"].value == "baseline_objective_musd"
    assert summary["B5"].number_format == "#,##0.00"
    stock = ban_book["Stockpile"]
    assert stock.freeze_panes == "A2" and stock.auto_filter.ref.startswith("A1:")
    col = [c.value for c in stock[1]].index("level_t") + 1
    assert stock.cell(2, col).number_format == "#,##0"
    conc = ban_book["Concentration"]
    header = [c.value for c in conc[1]]
    metric, base = header.index("metric") + 1, header.index("baseline") + 1
    formats = {conc.cell(r, metric).value: conc.cell(r, base).number_format
               for r in range(2, conc.max_row + 1)}
    assert formats["nonmember_share"] == "0.0%" and formats["hhi"] == "0.000"
    ledger = ban_book["Ledger"]
    header = [c.value for c in ledger[1]]
    assert ledger.cell(2, header.index("contribution_musd") + 1).number_format == "#,##0.00"


def test_without_a_stockpile_the_chart_shows_a_flat_line_per_mineral(small_run):
    spec = next(s for s in chart_specs(small_run.tables) if s.name == "stockpile_levels")
    assert spec.series == ["lithium (no stockpile)"]
    assert spec.data["lithium (no stockpile)"].tolist() == [0, 0]
