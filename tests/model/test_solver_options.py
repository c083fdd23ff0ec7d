"""HiGHS options as Settings keys: validated like every other setting, passed to HiGHS, and
(on the small example) without effect on the optimum."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mineralclub import bulk
from mineralclub.cli import app
from mineralclub.dataset import build_dataset
from mineralclub.pipeline import load_tables
from mineralclub.solve import OPTIMAL, SolveOptions, highs_options, solve_plan, spare_core


def with_settings(rows):
    def change(book):
        for key, value in rows:
            book["Settings"].append([key, value])

    return change


def test_settings_reach_highs_and_keep_the_optimum(make_workbook):
    default = solve_plan(build_dataset(load_tables(make_workbook(name="a.xlsx"))), SolveOptions())
    path = make_workbook(
        change=with_settings(
            [
                ("solver_threads", 1),
                ("solver_presolve", "off"),
                ("solver_rins", True),
                ("solver_rens", True),
                ("solver_root_reduced_cost", True),
                ("solver_heuristic_effort", 0.2),
            ]
        ),
        name="b.xlsx",
    )
    ds = build_dataset(load_tables(path))
    assert not spare_core(ds, SolveOptions())  # one thread: the baseline waits its turn
    plan = solve_plan(ds, SolveOptions())
    h = plan.solver.h
    assert h.getOptionValue("threads")[1] == 1
    assert h.getOptionValue("presolve")[1] == "off"
    assert h.getOptionValue("mip_heuristic_run_rins")[1] is True
    assert h.getOptionValue("mip_heuristic_run_rens")[1] is True
    assert h.getOptionValue("mip_heuristic_run_root_reduced_cost")[1] is True
    assert h.getOptionValue("mip_heuristic_effort")[1] == pytest.approx(0.2)
    assert plan.status == default.status == OPTIMAL
    assert plan.objective == pytest.approx(default.objective, rel=1e-9)


def test_blank_settings_turn_rins_off_and_keep_highs_other_defaults(make_workbook):
    """RINS is off by default (benchmarks/README.md: same optimum, less time on the base case);
    presolve and heuristic effort stay HiGHS' own defaults; RENS and the root reduced-cost
    heuristic are decided by the model's size (next test)."""
    ds = build_dataset(load_tables(make_workbook()))
    assert highs_options(ds.settings) == {
        "presolve": "choose",
        "mip_heuristic_run_rins": False,
        "mip_heuristic_effort": 0.05,
    }
    h = solve_plan(ds, SolveOptions()).solver.h
    assert h.getOptionValue("mip_heuristic_run_rins")[1] is False
    assert h.getOptionValue("presolve")[1] == "choose"


@pytest.mark.parametrize("limit", [0, 10**9])
def test_blank_sub_mip_settings_follow_the_models_size(make_workbook, monkeypatch, limit):
    """Left blank, RENS and the root reduced-cost heuristic run on a one-shot model of at most
    SUB_MIP_MAX_NONZEROS nonzeros and not on a larger one; a value given wins either way."""
    monkeypatch.setattr(bulk, "SUB_MIP_MAX_NONZEROS", limit)
    h = solve_plan(build_dataset(load_tables(make_workbook())), SolveOptions()).solver.h
    small = limit > 0
    assert h.getOptionValue("mip_heuristic_run_rens")[1] is small
    assert h.getOptionValue("mip_heuristic_run_root_reduced_cost")[1] is small
    given = make_workbook(change=with_settings([("solver_rens", not small)]), name="given.xlsx")
    h = solve_plan(build_dataset(load_tables(given)), SolveOptions()).solver.h
    assert h.getOptionValue("mip_heuristic_run_rens")[1] is (not small)  # as given
    assert h.getOptionValue("mip_heuristic_run_root_reduced_cost")[1] is small  # by size


def test_bad_solver_settings_name_their_cells(make_workbook):
    path = make_workbook(
        change=with_settings(
            [
                ("solver_threads", 0),
                ("solver_presolve", "sometimes"),
                ("solver_rins", "maybe"),
                ("solver_rens", 2),
            ]
        )
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Settings!B11: solver_threads must be a whole number between 1 and 256" in result.stderr
    assert "Settings!B12: solver_presolve must be one of choose, on, off" in result.stderr
    assert "Settings!B13: solver_rins must be TRUE or FALSE" in result.stderr
    assert "Settings!B14: solver_rens must be TRUE or FALSE" in result.stderr
    assert "Traceback" not in result.output
