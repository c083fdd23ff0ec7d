"""HiGHS' progress reaches a Progress reporter: improving solutions with objective, bound and
gap, labelled with their model, from several threads; the solver log on request; and an
exception in a reporter stops the solve instead of crashing HiGHS."""

from __future__ import annotations

import threading

import highspy
import numpy as np
import pytest

from mineralclub.bulk import new_highs, use_threads
from mineralclub.progress import Progress, SolverEvent
from mineralclub.solver_progress import watch


class Recorder(Progress):
    def __init__(self, verbose: bool = False):
        self.verbose = verbose
        self.events: list[SolverEvent] = []
        self.log: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def solver(self, event: SolverEvent) -> None:
        with self.lock:
            self.events.append(event)

    def solver_log(self, model: str, line: str) -> None:
        with self.lock:
            self.log.append((model, line))


def small_mip(demand: float) -> highspy.Highs:
    """min 100 + 3x + 2y  s.t.  x + y >= demand,  x, y integer in [0, 10], presolve off.

    By hand: y is the cheaper unit, so y = ceil(demand), x = 0; objective 100 + 2 ceil(demand)
    (106 for demand 2.5). The constant checks that reported objectives include it."""
    h = new_highs()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 2, 1
    lp.offset_ = 100.0
    lp.col_cost_ = np.array([3.0, 2.0])
    lp.col_lower_, lp.col_upper_ = np.zeros(2), np.full(2, 10.0)
    lp.row_lower_, lp.row_upper_ = np.array([demand]), np.array([highspy.kHighsInf])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array([0, 1, 2], dtype=np.int32)
    lp.a_matrix_.index_ = np.array([0, 0], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([1.0, 1.0])
    lp.integrality_ = [highspy.HighsVarType.kInteger] * 2
    h.passModel(lp)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("threads", use_threads(1))  # HiGHS' scheduler sized as bulk.py does it
    return h


def test_improving_solution_with_objective_bound_and_gap():
    h, rec = small_mip(2.5), Recorder()
    with watch(h, "plan", rec):
        h.run()
    assert h.getInfo().objective_function_value == pytest.approx(106.0)
    improving = [e for e in rec.events if e.improving]
    assert improving, rec.events
    assert improving[-1].objective == pytest.approx(106.0)
    assert all(e.model == "plan" for e in rec.events)
    final = rec.events[-1]  # where the solve ended: proven optimal
    assert not final.improving
    assert (final.objective, final.bound, final.gap) == pytest.approx((106.0, 106.0, 0.0))
    assert all(e.gap is None or e.gap >= 0 for e in rec.events)


def test_no_subscription_for_the_silent_reporter():
    h = small_mip(2.5)
    with watch(h, "plan", Progress()):
        assert h.cbMipImprovingSolution.callbacks == []
        h.run()
    assert h.getInfo().objective_function_value == pytest.approx(106.0)


def test_two_models_in_two_threads_are_labelled(capfd):
    rec = Recorder()
    results = {}

    def solve(name: str, h: highspy.Highs) -> None:
        with watch(h, name, rec):
            h.run()
        results[name] = h.getInfo().objective_function_value

    models = {"plan": small_mip(2.5), "baseline": small_mip(4)}  # built before the threads
    threads = [threading.Thread(target=solve, args=item) for item in models.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == pytest.approx({"plan": 106.0, "baseline": 108.0})
    last = {e.model: e.objective for e in rec.events if e.improving}
    assert last == pytest.approx({"plan": 106.0, "baseline": 108.0})
    assert capfd.readouterr().out == ""  # HiGHS' log stays off standard output


def test_verbose_passes_the_solver_log_line_by_line(capfd):
    h, rec = small_mip(2.5), Recorder(verbose=True)
    with watch(h, "plan", rec):
        h.run()
    lines = [line for model, line in rec.log if model == "plan"]
    assert any(line.startswith("MIP has 1 row; 2 cols") for line in lines), lines
    assert any("Solving report" in line for line in lines)
    assert all("\n" not in line for line in lines)
    assert capfd.readouterr().out == ""  # passed to the reporter, not printed by HiGHS
    assert h.getOptionValue("output_flag")[1] is False  # the instance is silent again


class Stop(BaseException):
    pass


def test_an_exception_in_the_reporter_stops_the_solve_and_is_raised_after_it():
    class Raises(Recorder):
        def solver(self, event: SolverEvent) -> None:
            raise Stop

    h = small_mip(2.5)
    with pytest.raises(Stop), watch(h, "plan", Raises()):
        h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def test_a_pending_signal_stops_a_solve_in_any_thread(monkeypatch):
    """After Ctrl-C (a signal recorded by mineralclub.interrupt) a watched solve in another
    thread, such as the baseline's, stops at its next callback instead of running on."""
    from mineralclub import interrupt

    monkeypatch.setattr(interrupt, "_pending", [2])
    h = small_mip(2.5)
    worker = threading.Thread(target=lambda: _run_watched(h))
    worker.start()
    worker.join()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def _run_watched(h: highspy.Highs) -> None:
    with watch(h, "baseline", Recorder()):
        h.run()
