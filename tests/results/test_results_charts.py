"""Native Excel charts and formats in the results workbook (issues 9 and 16)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries

from mineralclub.report.charts import MUSD, ChartSpec, chart_specs
from mineralclub.report.workbook import write_results

INPUTS = Path(__file__).resolve().parents[2] / "inputs"


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
    """Categories of a bar series (numRef or strRef), or the x values of an x-y series."""
    ref = series.cat if series.cat is not None else series.xVal
    return (ref.numRef or ref.strRef).f


def val_ref(series) -> str:
    return (series.val if series.val is not None else series.yVal).numRef.f


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
    assert len(charts) == 7
    for chart in charts.values():
        for series in chart.series:
            assert val_ref(series).lstrip("'").startswith("ChartData")


def axis_title(axis) -> str:
    return title_text(axis.title)


def test_every_axis_is_titled_with_a_unit_and_shares_stop_at_100_percent(ban_book):
    """Value axes name their unit and format their labels without spurious decimals;
    share and HHI axes run from 0 to 1; every category label is shown."""
    for title, chart in charts_by_title(ban_book).items():
        value_axis = chart.y_axis  # openpyxl: y = values, x = categories (bars or columns)
        assert axis_title(value_axis) and axis_title(chart.x_axis), title
        assert value_axis.numFmt.formatCode in ("0%", "0.00", "#,##0", "#,##0.0", "#,##0.00")
        if "share" in title or "HHI" in title:
            assert value_axis.scaling.min == 0 and value_axis.scaling.max == 1, title
            assert value_axis.numFmt.formatCode in ("0%", "0.00")
        if chart.tagname == "barChart":
            category_axis = chart.x_axis
            assert category_axis.tickLblSkip == 1, title
            assert category_axis.tickLblPos == "low", title  # clear of negative bars


def test_long_category_lists_are_drawn_sideways_every_label_shown(tmp_path):
    """Twelve members: the net positions become horizontal bars, first (largest) on top, every
    country named, the labels left of the plot even beside negative bars."""
    names = [f"Country {i:02d}" for i in range(12)]
    ledger = pd.DataFrame(
        {
            "country": names,
            "role": ["member"] * 12,
            "net_position_musd": [(-1) ** i * (100.0 - i) for i in range(12)],
        }
    )
    path = write_results(tmp_path / "r.xlsx", {"Ledger": ledger})
    book = openpyxl.load_workbook(path)
    (chart,) = book["Charts"]._charts
    assert chart.barDir == "bar"
    assert chart.x_axis.scaling.orientation == "maxMin"
    assert chart.x_axis.tickLblSkip == 1 and chart.x_axis.tickLblPos == "low"
    assert cells(book, cat_ref(chart.series[0])) == names
    assert chart.y_axis.numFmt.formatCode == "#,##0"


def test_large_amounts_are_labelled_without_decimals():
    """No "40,000.00" on an axis of USD million; small amounts keep what they need."""
    big = ChartSpec(
        "x",
        "t",
        "bar",
        pd.DataFrame({"c": ["a", "b"], "v": [40_000.0, -3.0]}),
        "",
        "USD million",
        MUSD,
    )
    small = ChartSpec("x", "t", "bar", pd.DataFrame({"c": ["a"], "v": [0.04]}), "", "USD", MUSD)
    assert big.axis_format == "#,##0" and small.axis_format == "#,##0.00"


def test_stockpile_chart_is_an_xy_chart_of_years_with_straight_segments(ban_book):
    chart = next(ch for t, ch in charts_by_title(ban_book).items() if t.startswith("Stockpile"))
    assert chart.tagname == "scatterChart"
    assert chart.scatterStyle == "lineMarker"
    assert all(not s.smooth for s in chart.series)
    assert chart.x_axis.numFmt.formatCode == "0"
    assert "year" in axis_title(chart.x_axis) and "days" in axis_title(chart.y_axis)


def test_concentration_chart_points_at_the_expected_club_final_stage_rows(ban_run, ban_book):
    """Before/after non-member share of refined lithium (the final stage), expected over the
    scenarios, in the last year (2027): the cells behind the series hold those values."""
    conc = ban_run.tables["Concentration"]
    row = conc[
        (conc.scenario == "expected")
        & (conc.scope == "club")
        & (conc.stage == "refine")
        & (conc.year == 2027)
        & (conc.metric == "nonmember_share")
    ].iloc[0]
    chart = next(ch for t, ch in charts_by_title(ban_book).items() if "Non-member" in t)
    before, after = chart.series
    assert cells(ban_book, before.tx.strRef.f) == ["before (baseline)"]
    assert cells(ban_book, before.val.numRef.f) == [pytest.approx(row["baseline"])]
    assert cells(ban_book, after.val.numRef.f) == [pytest.approx(row["optimised"])]
    assert cells(ban_book, cat_ref(before)) == ["lithium"]
    assert row["optimised"] == pytest.approx(0.74)  # the plan lowers it from 0.8


def test_lever_costs_and_the_damage_no_lever_changes_are_apart(ban_run, ban_book):
    charts = charts_by_title(ban_book)
    s = ban_run.summary
    expected = {
        "Expected cost by lever (USD million)": {
            "Project support": s["project_support_musd"],
            "Price floors": s["floor_payout_musd"],
            "Offtake": s["offtake_cost_musd"],
            "Stockpiles": s["stockpile_cost_musd"],
        },
        "Damage, penalties and risk (USD million)": {
            "Import premium": s["import_premium_musd"],
            "Shortfall": s["shortfall_musd"],
            "Target penalties": s["target_penalty_musd"],
            "Risk (CVaR)": s["risk_musd"],
        },
    }
    for title, parts in expected.items():
        (series,) = charts[title].series
        labels = cells(ban_book, cat_ref(series))
        values = dict(zip(labels, cells(ban_book, val_ref(series)), strict=True))
        assert values == {k: pytest.approx(v) for k, v in parts.items()}


def test_stockpile_chart_shows_days_of_demand_expected_over_scenarios(ban_run, ban_book):
    """example_ban: 30 t of lithium held at the end of 2026 in the ban scenario (p = 0.2)
    against a refined-lithium demand D_2026 read from the input: 0.2 * 30 / (D / 365) days."""
    demand = pd.read_excel(INPUTS / "example_ban.xlsx", sheet_name="Demand", engine="calamine")
    d2026 = float(demand[demand.year == 2026]["demand_t"].iloc[0])
    stock = ban_run.tables["Stockpile"]
    ban_2026 = stock[(stock.scenario == "ban") & (stock.year == 2026)].iloc[0]
    assert ban_2026["level_t"] == pytest.approx(30)
    assert ban_2026["days_of_demand"] == pytest.approx(30 / (d2026 / 365))
    chart = charts_by_title(ban_book)[
        "Stockpiles the plan decides: days of demand covered (expected)"
    ]
    (series,) = chart.series
    assert cells(ban_book, series.tx.strRef.f) == ["lithium"]
    assert cells(ban_book, cat_ref(series)) == [2026, 2027]
    probs = dict(
        zip(
            ban_run.tables["Scenarios"].scenario,
            ban_run.tables["Scenarios"].probability,
            strict=True,
        )
    )
    assert probs["ban"] == pytest.approx(0.2)
    expected = [
        sum(probs[r.scenario] * r.days_of_demand for r in stock[stock.year == y].itertuples())
        for y in (2026, 2027)
    ]
    assert cells(ban_book, val_ref(series)) == [pytest.approx(v) for v in expected]
    assert expected[0] >= 0.2 * 30 / (d2026 / 365) - 1e-9


def test_support_and_ledger_charts_point_at_their_tables(ban_run, ban_book):
    charts = charts_by_title(ban_book)
    support = charts["Support of new projects by host country (USD million)"]
    assert cells(ban_book, cat_ref(support.series[0])) == ["Alliedia"]
    ledger = next(ch for t, ch in charts.items() if t.startswith("Net position"))
    led = ban_run.tables["Ledger"]
    led = led[led.role.isin(["member", "partner"])]
    led = led.iloc[led.net_position_musd.abs().argsort(kind="stable")[::-1]]  # largest first
    assert cells(ban_book, cat_ref(ledger.series[0])) == list(led.country)
    assert cells(ban_book, val_ref(ledger.series[0])) == [
        pytest.approx(v) for v in led.net_position_musd
    ]


def test_summary_stays_machine_readable_with_labels_beside_it(ban_run):
    df = pd.read_excel(ban_run.results_path, sheet_name="Summary", engine="calamine")
    assert list(df.columns[:2]) == ["key", "value"]
    assert list(df["key"]) == list(ban_run.summary)
    assert float(df.set_index("key").loc["objective_musd", "value"]) == pytest.approx(
        ban_run.summary["objective_musd"]
    )
    assert "label (money: USD million)" in df.columns
    assert df["label (money: USD million)"].notna().all()


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
    formats = {
        conc.cell(r, metric).value: conc.cell(r, base).number_format
        for r in range(2, conc.max_row + 1)
    }
    assert formats["nonmember_share"] == "0.0%" and formats["hhi"] == "0.000"
    ledger = ban_book["Ledger"]
    header = [c.value for c in ledger[1]]
    assert ledger.cell(2, header.index("contribution_musd") + 1).number_format == "#,##0.00"


def test_without_a_stockpile_the_chart_shows_a_flat_line_per_mineral(small_run):
    spec = next(s for s in chart_specs(small_run.tables) if s.name == "stockpile_levels")
    assert spec.series == ["lithium (no stockpile decided)"]
    assert spec.data["lithium (no stockpile decided)"].tolist() == [0, 0]
