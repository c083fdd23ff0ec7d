"""explain, diff and the results workbook cover the trade zone's levers (issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mineralclub.pipeline import run
from mineralclub.report.diff import diff
from mineralclub.report.explain import explain
from mineralclub.solve import SolveOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model"))
from test_reference_prices import zone_case  # noqa: E402


def write(sheets: dict, path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        cols = list(dict.fromkeys(c for r in rows for c in r))
        ws.append(cols)
        for r in rows:
            ws.append([r.get(c) for c in cols])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zone")
    out = {}
    for name, weights in (("even", (1.0, 1.0)), ("consumers", (1.5, 1.0))):
        path = write(zone_case(weights=weights), folder / f"{name}.xlsx")
        out[name] = run(path, folder, SolveOptions())
    return out


def test_results_workbook_has_the_reference_prices_sheet_and_summary_keys(runs):
    book = pd.read_excel(runs["even"].results_path, sheet_name=None, engine="calamine")
    rp = book["ReferencePrices"]
    assert rp["chosen"].astype(bool).tolist() == [True]
    assert rp["levy_revenue_musd"].sum() == pytest.approx(0.012)
    summary = dict(zip(book["Summary"]["key"], book["Summary"]["value"], strict=True))
    for key in ("levy_revenue_musd", "consumer_cost_musd", "producer_gain_musd"):
        assert key in summary
    targets = book["Targets"]
    whole = targets[targets["year"].astype(str) == "*"]
    assert whole["marginal_cost_musd_per_pp"].notna().all()  # duals with the zone's binaries fixed


def test_explain_names_the_reference_price_and_who_bears_it(runs):
    brief = explain(runs["even"].results_path)
    assert "Reference prices (kept by a variable levy):** li x at R (1,200 USD/t)" in brief
    assert "Who bears the reference prices" in brief
    assert "− levy revenue 0.01" in brief  # the fiscal cost line adds up
    assert "Reference prices" in explain(runs["consumers"].results_path)  # "none is chosen"


def test_diff_shows_the_switch_from_reference_price_to_floor(runs):
    d = diff(runs["even"].results_path, runs["consumers"].results_path)
    decisions = d.sections["Decisions"]
    ref = decisions[decisions["decision"] == "reference price chosen (0/1)"]
    assert ref[["a", "b"]].values.tolist() == [[1.0, 0.0]]
    cost = d.sections["Cost"].set_index("key")
    assert cost.loc["consumer_cost_musd", "a"] == pytest.approx(0.020)
    assert cost.loc["consumer_cost_musd", "b"] == pytest.approx(0.0, abs=1e-12)


def test_cost_by_lever_chart_has_the_zone_levy_and_transfers(runs):
    """The reference price 1,200 against a market price of 1,000 USD/t: consumers pay 200 USD/t
    more on 100 t (0.020 USD million), A's 40 t gain 0.008 and the levy on B's 60 t brings in
    0.012. The chart shows the levy as a negative cost (-0.012) and the transfers as the
    objective weighs them (1 x 0.020 - 1 x 0.008 = 0.012); the bars sum to the fiscal cost plus
    the weighted transfers. Without a zone there are no zone bars (ban_run's chart test)."""
    from test_results_charts import cat_ref, cells, charts_by_title, val_ref

    result = runs["even"]
    s = result.summary
    assert (s["consumer_cost_musd"], s["producer_gain_musd"]) == pytest.approx((0.020, 0.008))
    book = openpyxl.load_workbook(result.results_path)
    (series,) = charts_by_title(book)["Expected cost by lever (USD million)"].series
    bars = dict(zip(cells(book, cat_ref(series)), cells(book, val_ref(series)), strict=True))
    assert bars == {
        "Project support": pytest.approx(0.0),
        "Price floors": pytest.approx(0.0),
        "Offtake": pytest.approx(0.0),
        "Stockpiles": pytest.approx(0.0),
        "Trade-zone levy": pytest.approx(-0.012),
        "Reference-price transfers": pytest.approx(0.012),
    }
    total = s["fiscal_cost_musd"] + s["weighted_transfers_musd"]
    assert sum(bars.values()) == pytest.approx(total, abs=1e-12)
