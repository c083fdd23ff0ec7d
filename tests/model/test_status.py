"""Solver status mapping (SPEC §6): a time limit with an incumbent is TIME_LIMIT with its gap;
without one it is a SolverFailure (exit 4); infeasible goes to the elastic diagnosis."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from mineralclub.solve import (
    INFEASIBLE,
    OPTIMAL,
    TIME_LIMIT,
    SolverFailure,
    relative_gap,
    run_solver,
)


class FakeSolver:
    """Returns a canned result, as HiGHS would after a solve."""

    def __init__(self, term, sol, objective=10.0, bound=9.0):
        self.loaded = False
        loader = SimpleNamespace(load_vars=lambda: setattr(self, "loaded", True))
        self.result = SimpleNamespace(
            termination_condition=term,
            solution_status=sol,
            incumbent_objective=objective,
            objective_bound=bound,
            solution_loader=loader,
        )

    def solve(self, model):
        return self.result


def test_time_limit_with_incumbent_keeps_the_plan_and_its_gap():
    solver = FakeSolver(TerminationCondition.maxTimeLimit, SolutionStatus.feasible)
    status, _term, objective, bound = run_solver(solver, None)
    assert status == TIME_LIMIT and solver.loaded
    assert relative_gap(objective, bound) == pytest.approx(0.1)


def test_time_limit_without_incumbent_is_a_solver_failure():
    solver = FakeSolver(TerminationCondition.maxTimeLimit, SolutionStatus.noSolution)
    with pytest.raises(SolverFailure, match="no feasible plan"):
        run_solver(solver, None)
    assert not solver.loaded


def test_infeasible_and_optimal():
    inf = FakeSolver(TerminationCondition.provenInfeasible, SolutionStatus.noSolution)
    assert run_solver(inf, None)[0] == INFEASIBLE
    opt = FakeSolver(
        TerminationCondition.convergenceCriteriaSatisfied, SolutionStatus.optimal, bound=10.0
    )
    assert run_solver(opt, None)[0] == OPTIMAL
