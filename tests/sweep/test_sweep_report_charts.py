"""The sweep workbook's native charts read as they should (issue 16): the frontier in straight
segments (a smoothed line dips where cost never falls), the tornado's labels clear of its bars,
every axis titled with its unit."""

from __future__ import annotations

import openpyxl
import pandas as pd

from mineralclub.sweep.report import FRONTIER_COLUMNS, TORNADO_COLUMNS, write_sweep_workbook


def title_text(title) -> str:
    return "".join(run.t for p in title.tx.rich.paragraphs for run in (p.r or []))


def sheets():
    frontier = pd.DataFrame(
        [
            # the trade zone's columns (issue 14): floor payout, levy, consumer cost, producer
            # gain, floor and reference levels
            ["f", "Targets[target=cap].value", v, "OPTIMAL", obj, obj, 0.0, 0.0, ""]
            + [0.0, 0.0, 0.0, 0.0, "", ""]
            for v, obj in ((0.6, 10.0), (0.4, 10.0), (0.2, 3_000.0))
        ],
        columns=FRONTIER_COLUMNS,
    )
    tornado = pd.DataFrame(
        [
            [
                "t",
                "Prices[mineral=li].price_usd_per_t",
                100.0,
                "x0.8",
                80.0,
                "x1.2",
                150.0,
                80.0,
                150.0,
                70.0,
                0,
            ],
            ["t", "=cmd", 100.0, "1", 95.0, "2", 101.0, 95.0, 101.0, 6.0, 0],
        ],
        columns=TORNADO_COLUMNS,
    )
    runs = pd.DataFrame({"run": [0], "objective_musd": [100.0]})
    return {"Runs": runs, "Tornado": tornado, "Frontier": frontier}


def test_frontier_is_drawn_in_straight_segments(tmp_path):
    book = openpyxl.load_workbook(write_sweep_workbook(tmp_path / "s.xlsx", sheets()))
    (chart,) = book["Frontier"]._charts
    assert chart.tagname == "scatterChart" and chart.scatterStyle == "lineMarker"
    assert all(not s.smooth for s in chart.series)
    assert title_text(chart.x_axis.title) == "Targets[target=cap].value"
    assert "USD million" in title_text(chart.y_axis.title)
    assert chart.y_axis.numFmt.formatCode == "#,##0"  # 3,000 USD million, not 3,000.00


def test_tornado_labels_sit_left_of_the_bars(tmp_path):
    book = openpyxl.load_workbook(write_sweep_workbook(tmp_path / "s.xlsx", sheets()))
    (chart,) = book["Tornado"]._charts
    assert chart.barDir == "bar" and chart.overlap == 100
    # openpyxl reads the category axis as x_axis and the value axis as y_axis, bars or columns
    assert chart.x_axis.tickLblPos == "low"  # outside the plot, whichever side a bar is on
    assert chart.x_axis.scaling.orientation == "maxMin"  # the largest swing on top
    assert "USD million" in title_text(chart.y_axis.title)
    data = book["ChartData"]
    assert data["A3"].value == "=cmd (1 .. 2)" and data["A3"].data_type == "s"
    assert data["B2"].value == -20 and data["C2"].value == 50
