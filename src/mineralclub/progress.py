"""How a run reports its progress: the steps it starts and finishes, and the solver's incumbent,
bound and gap while a model solves.

The pipeline and the solve only call a :class:`Progress`; the command line decides how to show
it (:mod:`mineralclub.cli_progress`). The base class is the silent reporter that library calls,
tests and sweeps use. Calls may come from two threads at once (the baseline is solved beside the
plan, see ``solve.solve_plan_and_baseline``): a reporter must be thread-safe, and every solver
event names the model it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class SolverEvent:
    """What HiGHS reported while a MIP solves (its objective includes the model's constant)."""

    model: str  # which model: "plan", "elastic violation", "plan (elastic)", "baseline"
    improving: bool  # a new incumbent (else a periodic report)
    seconds: float  # HiGHS' run time of this solve so far
    objective: float | None  # the incumbent's objective; None before the first incumbent
    bound: float | None  # the dual bound; None before the root LP
    gap: float | None  # relative gap as HiGHS computes it; None while either is missing
    nodes: int  # branch-and-bound nodes explored


class Progress:
    """The silent reporter (and the interface the command line's display implements)."""

    verbose = False  # True: the solver's own log is passed to `solver_log`

    def listens(self) -> bool:
        """Whether the solver should report to this reporter at all (the silent one: no)."""
        return self.verbose or type(self).solver is not Progress.solver

    def start(self, step: str, model: str | None = None) -> None:
        """`step` began; `model` names the solver model it runs, if any."""

    def finish(self, step: str) -> None:
        """`step` ended successfully (a step that raised is never finished)."""

    def solver(self, event: SolverEvent) -> None:
        """HiGHS found a better incumbent, or reports its progress (every half second)."""

    def solver_log(self, model: str, line: str) -> None:
        """One line of HiGHS' own log for `model` (only called when `verbose`)."""


QUIET = Progress()


@contextmanager
def step(progress: Progress, name: str, model: str | None = None) -> Iterator[None]:
    """Report `name` as started, and as finished when the block completes without raising."""
    progress.start(name, model)
    yield
    progress.finish(name)
