"""The bundled base case: valid, sourced, and a reduced copy (three minerals) solves to its
reference plan. The full case runs with `make run` (about 20 s); CI solves only the copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from mineralclub.dataset import build_dataset
from mineralclub.io.read_workbook import read_workbook
from mineralclub.io.validate import validate
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions

BASE = Path(__file__).resolve().parents[1] / "inputs" / "base_case.xlsx"
KEEP = {"lithium", "graphite", "gallium"}


@pytest.fixture(scope="module")
def raw():
    return read_workbook(BASE)


def test_base_case_is_valid_without_warnings(raw):
    tables = validate(raw)
    assert tables.warnings == ()
    assert len(tables["Minerals"]) >= 12
    assert int(tables["Countries"]["member"].sum()) >= 55


def test_every_data_row_carries_its_source(raw):
    """Provenance: every row of every data sheet names its publication or says it is an
    estimate."""
    for name, df in raw.items():
        if name in ("README", "Sources") or df.empty:
            continue
        assert "source" in df.columns, name
        if name == "Settings":
            df = df[df["value"].notna()]  # a blank setting takes its documented default
        missing = df[df["source"].isna()]
        assert missing.empty, f"{name} rows {missing['_row'].tolist()} have no source"


@pytest.fixture(scope="module")
def reduced(raw):
    small = {}
    for name, df in raw.items():
        if "mineral" in df.columns:
            df = df[df["mineral"].isin(KEEP | {"*"})].reset_index(drop=True)
        small[name] = df
    if "ProjectRisks" in small:  # no mineral column: keep the rows of the projects kept
        risks = small["ProjectRisks"]
        small["ProjectRisks"] = risks[
            risks["project"].isin(small["Projects"]["project"])
        ].reset_index(drop=True)
    small.pop("Sweeps", None)
    return solve_dataset(build_dataset(validate(small)), SolveOptions())


def test_reduced_base_case_meets_the_crma_cap(reduced):
    assert reduced.status == OPTIMAL
    t = reduced.tables["Targets"]
    cap = t[(t.target == "CRMA 65% single-country cap (processing)") & (t.year == "*")].iloc[0]
    assert cap["achieved"] <= 0.65 + 1e-6
    assert bool(cap["binding"]) and cap["marginal_cost_musd_per_pp"] > 0


def test_reduced_base_case_reference_plan(reduced):
    """Reference values of the reduced copy (lithium, graphite, gallium) at mip_gap 0.005.
    # 2026-11-28: first recorded: objective 10,094 USD million (baseline 7,515); the graphite
    # anode projects in the US, Sweden and Canada and the gallium restarts are built.
    # 2026-12-01 (issue 14): ad-valorem import premiums (1% of value, 4% for China and Russia,
    # instead of 80 / 200 USD/t) raise the baseline to 12,635 (lithium imports are worth more per
    # tonne than the flat premium charged); the graphite reference price (5,700 USD/t) replaces
    # the graphite floor: levy revenue 5,294, consumer cost 6,612, producer gain 1,319, no floor
    # payout; objective 11,905, below the baseline.
    # 2026-12-01 (issue 13, scenario tree and discounted stock valuation, on the pre-zone copy):
    # objective 10,094 -> 11,161 -> 11,118 (stocks bought in every scenario, ProjectRisks delays).
    # 2026-12-01 (issues 13 and 14 merged): objective 11,905 -> 12,943, now above the baseline:
    # the tree's 2026 stock purchases (graphite 331 kt, gallium 112 t) are made in every scenario
    # (+1,024 on the pre-zone copy, +1,038 here); baseline unchanged at 12,635 (the baseline has no
    # levers, the tree does not change it). Levy revenue 5,294 -> 5,516, consumer cost 6,798,
    # producer gain 1,282: the graphite reference price is still the only one chosen. The levy
    # grows mostly because the 2026 graphite stock purchases, now made in every scenario, are
    # imports that pay it (2026 levy 1,186); the ProjectRisks rows add 37 (without them: 5,479),
    # the delayed 2028 anode plants being offline in base and low_price in 2028-29."""
    s = reduced.summary
    assert s["objective_musd"] == pytest.approx(12943.0, rel=5e-3)
    assert s["baseline_objective_musd"] == pytest.approx(12634.85, rel=1e-6)  # an LP: exact
    assert s["levy_revenue_musd"] == pytest.approx(5515.5, rel=2e-2)
    chosen = reduced.tables["ReferencePrices"]
    assert set(chosen.loc[chosen["chosen"].astype(bool), "mineral"]) == {"graphite"}
    built = reduced.tables["Projects"].set_index("project")["built"]
    for name in (
        "Vidalia expansion to 45 ktpa",
        "Talga Lulea anode",
        "Wagerup gallium recovery",
        "Stade gallium restart",
    ):
        assert built[name] == pytest.approx(1.0)
    stock = reduced.tables["Stockpile"].groupby("mineral")["capacity_t"].first()
    assert stock["gallium"] > 0  # the 60-day reserve target
