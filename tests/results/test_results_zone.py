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
