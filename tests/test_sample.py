"""`mineralclub sample`: N scenarios drawn from the DisruptionRisks sheet, seeded and
reproducible, probability 1/N each; the input is never modified; bad input exits 2."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from mineralclub.cli import app
from mineralclub.dataset import build_dataset
from mineralclub.pipeline import load_tables, solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions

HEADER = [
    "country",
    "mineral",
    "stage",
    "annual_probability",
    "duration_years",
    "export_cut",
    "announcement_lead_years",
]


def with_risks(*rows):
    def change(book):
        ws = book.create_sheet("DisruptionRisks")
        ws.append(HEADER)
        for row in rows:
            ws.append(list(row))

    return change


def sample(path, out, n, seed=0):
    return CliRunner().invoke(
        app, ["sample", str(path), "--scenarios", str(n), "--seed", str(seed), "--out", str(out)]
    )


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def disruptions(tables) -> list[tuple]:
    df = tables["Disruptions"]
    cols = ["scenario", "country", "mineral", "stage", "year_from", "year_to", "export_cut"]
    return sorted(tuple(r) for r in df[cols].itertuples(index=False))


def test_same_seed_same_copy_other_seed_other_draws(make_workbook, tmp_path):
    path = make_workbook(change=with_risks(("Bigland", "lithium", "refine", 0.5, 1, 0.8, 0)))
    before = digest(path)
    runs = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        result = sample(path, tmp_path / f"{name}.xlsx", 8, seed)
        assert result.exit_code == 0, result.output
        runs[name] = load_tables(tmp_path / f"{name}.xlsx")
    assert digest(path) == before  # the input is never modified
    a, b, c = runs["a"], runs["b"], runs["c"]
    assert list(a["Scenarios"]["scenario"]) == [f"s{k:03d}" for k in range(1, 9)]
    assert a["Scenarios"]["probability"].tolist() == pytest.approx([1 / 8] * 8)
    assert disruptions(a) == disruptions(b) and disruptions(a)
    assert a["Scenarios"]["description"].tolist() == b["Scenarios"]["description"].tolist()
    assert disruptions(a) != disruptions(c)
    assert set(a["Disruptions"]["export_cut"]) == {0.8}
    # every sampled scenario has the prices of the most probable original scenario ('base')
    prices = a["Prices"]
    for s in a["Scenarios"]["scenario"]:
        own = prices[prices["scenario"] == s].sort_values(["stage", "year"])
        assert own["price_usd_per_t"].tolist() == [10000, 10000, 15000, 15000]


def test_certain_risk_gives_one_disruption_per_scenario_over_the_horizon(make_workbook, tmp_path):
    """Probability 1, two years: it starts in 2026 (the first period) and lasts to 2027, the
    end of the horizon, in every scenario; the announcement a year ahead is described."""
    path = make_workbook(change=with_risks(("Bigland", "lithium", "refine", 1.0, 2, 1.0, 1)))
    assert sample(path, tmp_path / "s.xlsx", 3).exit_code == 0
    t = load_tables(tmp_path / "s.xlsx")
    assert disruptions(t) == [
        (s, "Bigland", "lithium", "refine", 2026, 2027, 1.0) for s in ("s001", "s002", "s003")
    ]
    assert all(
        "Bigland lithium refine 2026-2027 cut 100% (announced 2025)" in d
        for d in t["Scenarios"]["description"]
    )
    assert t["Disruptions"]["announced_year"].tolist() == [2025, 2025, 2025]


def test_impossible_risk_samples_undisrupted_scenarios(make_workbook, tmp_path):
    path = make_workbook(change=with_risks(("Bigland", "lithium", "refine", 0.0, 1, 1.0, 0)))
    assert sample(path, tmp_path / "s.xlsx", 2).exit_code == 0
    t = load_tables(tmp_path / "s.xlsx")
    assert t["Disruptions"].empty
    assert set(t["Scenarios"]["description"]) == {"sampled (seed 0): no disruption"}


def test_sampled_frequency_matches_the_stated_probability(make_workbook, tmp_path):
    """p = 0.3 per year, one-year cuts: 400 scenarios x 2 years, about 30% disrupted."""
    path = make_workbook(change=with_risks(("Bigland", "lithium", "refine", 0.3, 1, 1.0, 0)))
    assert sample(path, tmp_path / "s.xlsx", 400, seed=11).exit_code == 0
    share = len(load_tables(tmp_path / "s.xlsx")["Disruptions"]) / 800
    assert share == pytest.approx(0.3, abs=0.04)


def test_the_sampled_copy_solves(make_workbook, tmp_path):
    path = make_workbook(change=with_risks(("Bigland", "lithium", "refine", 0.5, 1, 0.5, 0)))
    assert sample(path, tmp_path / "s.xlsx", 4, seed=2).exit_code == 0
    ds = build_dataset(load_tables(tmp_path / "s.xlsx"))
    assert len(ds.scenarios) == 4
    assert solve_dataset(ds, SolveOptions()).status == OPTIMAL


@pytest.mark.parametrize(
    ("change", "args", "expected"),
    [
        (None, {}, "no DisruptionRisks rows"),
        (
            with_risks(("Bigland", "lithium", "refine", 2.0, 1, 1.0, 0)),
            {},
            "DisruptionRisks!D2: annual_probability must be a number between 0 and 1",
        ),
        (with_risks(("Nowhere", "lithium", "refine", 0.1, 1, 1.0, 0)), {}, "DisruptionRisks!A2"),
        (
            with_risks(("Bigland", "lithium", "refine", 0.1, 1, 1.0, 0)),
            {"same": True},
            "--out must differ from the input",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(make_workbook, tmp_path, change, args, expected):
    path = make_workbook(change=change)
    out = path if args.get("same") else tmp_path / "out.xlsx"
    before = digest(path)
    result = sample(path, out, 5)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert digest(path) == before
    assert args.get("same") or not out.exists()


def test_an_empty_optional_sheet_tab_is_as_good_as_absent(make_workbook):
    """A DisruptionRisks tab with neither header nor rows: no 'required column' error."""

    def empty_tab(book):
        book.create_sheet("DisruptionRisks")

    tables = load_tables(make_workbook(change=empty_tab))
    assert tables["DisruptionRisks"].empty


def test_project_risks_of_the_reference_scenario_go_to_every_sampled_one(make_workbook, tmp_path):
    """ProjectRisks rows name the old scenarios: the most probable one's (base, 0.7) are given
    to every sampled scenario, the others' dropped, so that the copy validates."""

    def change(book):
        with_risks(("Bigland", "lithium", "refine", 0.5, 1, 0.5, 0))(book)
        ws = book.create_sheet("ProjectRisks")
        ws.append(["scenario", "project", "delay_years", "fails", "known_year"])
        ws.append(["base", "Alliedia Refinery A", 1, False, None])
        ws.append(["low", "Alliedia Refinery B", 0, True, None])

    path = make_workbook(change=change)
    result = sample(path, tmp_path / "s.xlsx", 3, seed=1)
    assert result.exit_code == 0, result.output
    risks = load_tables(tmp_path / "s.xlsx")["ProjectRisks"]
    rows = sorted(
        tuple(r)
        for r in risks[["scenario", "project", "delay_years", "fails"]].itertuples(index=False)
    )
    assert rows == [(f"s00{k}", "Alliedia Refinery A", 1, False) for k in (1, 2, 3)]
