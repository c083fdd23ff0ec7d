"""`mineralclub explain`: a plain-language brief built from the results workbook (issue 9)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from builders import cap_target, dataset_from, one_stage_refinery, project
from mineralclub.cli import app
from mineralclub.pipeline import solve_dataset
from mineralclub.report.explain import explain
from mineralclub.report.workbook import write_results
from mineralclub.solve import SolveOptions

runner = CliRunner()


def whole_targets(tables):
    t = tables["Targets"]
    return t[t["year"].astype(str) == "*"]


def test_example_small_brief(small_run):
    text = explain(small_run.results_path)
    assert text.startswith("# Brief: example_small")
    assert "Partneria, lithium refine: 17.5 t/yr in 2027" in text
    assert "**Bigland refining cap**" in text and "**binds**" in text
    assert "0.00095 USD million" in text  # its marginal price per percentage point
    assert "costliest scenario is **low**" in text and "no shortfall" in text
    assert "0.0277" in text and "0.0144" in text  # objective vs baseline


def test_every_binding_target_is_named_with_its_price(tmp_path):
    """B is the only non-member: B <= 70% and non-members <= 70% both bind once a scalable
    refinery in A is built just large enough; B <= 99% is slack."""
    sheets = one_stage_refinery(
        Projects=[project("R", 30, 10, support=0.5, lumpy=False)],
        Targets=[
            cap_target(0.7, name="B cap"),
            cap_target(0.99, name="loose cap"),
            {
                "target": "non-member cap",
                "metric": "max_nonmember_share",
                "mineral": "li",
                "stage": "ref",
                "year_from": 2026,
                "value": 0.7,
            },
        ],
    )
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    path = write_results(tmp_path / "run_results.xlsx", r.tables)
    text = explain(path)
    whole = whole_targets(r.tables)
    binding = whole[whole["binding"].astype(bool)]
    assert set(binding["target"]) == {"B cap", "non-member cap"}
    targets_part = text.split("## Targets")[1].split("## The worst")[0]
    for name in binding["target"]:
        line = next(ln for ln in targets_part.splitlines() if f"**{name}**" in ln)
        assert "binds" in line
        assert "percentage point would cost" in line or "marginal price is zero" in line
    assert "percentage point would cost" in targets_part
    assert "Not binding: loose cap" in targets_part
    assert "finances 1 project(s)" in text and "R (A, li ref" in text


def test_brief_of_an_infeasible_plan_says_so(tmp_path):
    """B <= 10% cannot be met (A refines 20 t and there is nothing else): the brief warns and
    names the unmet target with its best achievable value."""
    r = solve_dataset(dataset_from(one_stage_refinery(Targets=[cap_target(0.1)])), SolveOptions())
    assert r.status == "INFEASIBLE"
    path = write_results(tmp_path / "bad_results.xlsx", r.tables)
    text = explain(path)
    assert "cannot all be met" in text
    assert "**Not met:** cap_B: best achievable 80.0% against 10.0%" in text


def test_explain_command_prints_and_writes_the_brief(small_run, tmp_path):
    res = runner.invoke(app, ["explain", str(small_run.results_path)])
    assert res.exit_code == 0, res.output
    brief = small_run.results_path.with_name("example_small_results_brief.md")
    assert brief.read_text().strip() == res.stdout.strip()
    out = tmp_path / "brief.md"
    res = runner.invoke(app, ["explain", str(small_run.results_path), "--out", str(out)])
    assert res.exit_code == 0 and out.read_text().startswith("# Brief: example_small")


@pytest.mark.parametrize("name", ["missing.xlsx", "input"])
def test_explain_rejects_what_is_not_a_results_workbook(name, tmp_path, example_small_path):
    path = example_small_path if name == "input" else tmp_path / name
    res = runner.invoke(app, ["explain", str(path)])
    assert res.exit_code == 2
    assert "error:" in res.stderr and "Traceback" not in res.output


@pytest.mark.parametrize("command", ["explain", "diff"])
def test_help(command):
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0 and "Usage" in res.output


def test_a_plan_that_misses_a_soft_target_is_not_the_price_of_meeting_it(tmp_path):
    """Soft 10% cap on B, no lever: B keeps 80% (80 of 100 t), 70 t over the cap, penalty
    1,000 USD/t x 70 t = 0.07 USD million; the plan costs nothing over doing nothing."""
    sheets = one_stage_refinery(
        Targets=[cap_target(0.1, hard=False, penalty_usd_per_t=1000, name="soft cap")]
    )
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    text = explain(write_results(tmp_path / "soft_results.xlsx", r.tables))
    assert "the price of meeting the targets" not in text
    assert "does **not** meet every target" in text
    assert "costs 0.00 more than doing nothing" in text
    assert (
        "**Missed (soft):** soft cap: 80.0% at worst against 10.0%; short by 70 t a year "
        "(expected); penalty 0.07."
    ) in text


def test_a_plan_that_meets_every_target_has_its_price(small_run):
    text = explain(small_run.results_path)
    assert "more than doing nothing: the price of meeting the targets" in text


def test_the_costliest_scenario_is_explained_by_what_differs_from_the_expected_one(ban_run):
    """The part named is the one in which the scenario exceeds the expectation most (a part
    equal in every scenario can never be named)."""
    text = explain(ban_run.results_path)
    line = next(ln for ln in text.splitlines() if "costliest scenario" in ln)
    sc = ban_run.tables["Scenarios"]
    worst = sc.loc[sc["cost_musd"].idxmax()]
    parts = {
        "offtake": "offtake_cost_musd",
        "stockpiles": "stockpile_cost_musd",
        "the import premium": "import_premium_musd",
        "unmet demand": "shortfall_musd",
    }
    excess = {name: worst[col] - (sc["probability"] * sc[col]).sum() for name, col in parts.items()}
    top = max(excess, key=excess.get)
    assert f"mostly {top} (+" in line and "against its expected" in line
