"""The baseline's figures are read the moment it is solved and its model is then freed: the
figures equal those read from a kept baseline model, with the baseline solved beside the plan
or before it."""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path

import pandas as pd
import pytest

from mineralclub import solve
from mineralclub.dataset import build_dataset
from mineralclub.model.hhi import cut_loop
from mineralclub.pipeline import Baseline, load_tables
from mineralclub.progress import Progress
from mineralclub.solve import OPTIMAL, SolveOptions, solve_baseline, solve_plan_and_baseline

INPUTS = Path(__file__).resolve().parents[2] / "inputs"


@pytest.fixture(scope="module")
def ds():
    return build_dataset(load_tables(INPUTS / "example_ban.xlsx"))


@pytest.mark.parametrize("concurrent", [True, False])
def test_baseline_figures_equal_a_kept_models_and_the_model_is_freed(ds, concurrent):
    kept = solve_baseline(ds, SolveOptions())
    assert kept.status == OPTIMAL
    reference = Baseline.of(kept, ds)
    models = []

    def digest(out):
        models.append(weakref.ref(out.model))
        return Baseline.of(out, ds)

    plan, base = solve_plan_and_baseline(ds, SolveOptions(), concurrent=concurrent, digest=digest)
    assert plan.status == OPTIMAL
    assert isinstance(base, Baseline)
    assert base.objective_musd == pytest.approx(reference.objective_musd, rel=1e-9)
    assert base.objective_musd == pytest.approx(kept.objective, rel=1e-6, abs=1e-6)
    pd.testing.assert_frame_equal(base.concentration, reference.concentration)
    assert not base.concentration.empty
    # freed by the time the baseline's figures are back, not at some later collection
    assert models[0]() is None


@pytest.mark.parametrize("scenarios", [0, 10**9])
def test_the_baseline_is_freed_while_the_plan_still_solves(ds, monkeypatch, scenarios):
    """Built before the plan or beside it, solved beside it: once its figures are read, nothing
    (not the thread pool's work item, not the caller's frame) keeps its model alive while the
    plan solves."""
    monkeypatch.setattr(solve, "SMALL_MAX_SCENARIOS", scenarios)  # prepared first, or not
    refs, digested, freed = [], threading.Event(), []

    def digest(out):
        refs.append(weakref.ref(out.model))
        digested.set()
        return Baseline.of(out, ds)

    def waiting_cut_loop(m, solver, run):
        assert digested.wait(120)
        deadline = time.monotonic() + 60
        while refs[0]() is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        freed.append(refs[0]() is None)
        return cut_loop(m, solver, run)

    plan, _ = solve_plan_and_baseline(
        ds, SolveOptions(), concurrent=True, cut_loop=waiting_cut_loop, digest=digest
    )
    assert plan.status == OPTIMAL
    assert freed == [True]


class Steps(Progress):
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def start(self, step: str, model: str | None = None) -> None:
        self.events.append(("start", step))

    def finish(self, step: str) -> None:
        self.events.append(("finish", step))


@pytest.mark.parametrize("limit", [0, 10**9])
def test_a_large_baseline_is_solved_before_the_plan_not_beside_it(ds, monkeypatch, limit):
    """Above OVERLAP_MAX_NONZEROS the baseline is solved in this thread before the plan's build
    starts; below it, in the second thread. The figures are the same either way."""
    monkeypatch.setattr(solve, "SMALL_MAX_SCENARIOS", 0)  # as if it had many scenarios
    monkeypatch.setattr(solve, "OVERLAP_MAX_NONZEROS", limit)
    threads, steps = [], Steps()

    def digest(out):
        threads.append(threading.current_thread().name)
        return Baseline.of(out, ds)

    plan, base = solve_plan_and_baseline(
        ds, SolveOptions(), concurrent=True, progress=steps, digest=digest
    )
    assert plan.status == OPTIMAL
    reference = Baseline.of(solve_baseline(ds, SolveOptions()), ds)
    assert base.objective_musd == pytest.approx(reference.objective_musd, rel=1e-9)
    if limit == 0:
        assert threads == [threading.main_thread().name]
        assert steps.events.index(("finish", "baseline")) < steps.events.index(("start", "build"))
    else:
        assert threads[0].startswith("baseline")
        assert steps.events.index(("start", "baseline")) < steps.events.index(("start", "build"))


def test_a_small_baseline_starts_once_the_plan_is_in_highs(ds, monkeypatch):
    """Up to SMALL_MAX_SCENARIOS the baseline is built, compiled and solved in the second thread,
    started only once the plan is compiled: its Python work then overlaps HiGHS's run of the
    plan rather than sharing the GIL with the plan's build and compile."""
    threads, steps = [], Steps()

    def digest(out):
        threads.append(threading.current_thread().name)
        return Baseline.of(out, ds)

    compile_once = solve.compile_once

    def recorded(solver, m, keep):
        compile_once(solver, m, keep)
        steps.events.append(("compiled", solver.config.model))

    monkeypatch.setattr(solve, "compile_once", recorded)
    assert len(ds.scenarios) <= solve.SMALL_MAX_SCENARIOS
    plan, base = solve_plan_and_baseline(
        ds, SolveOptions(), concurrent=True, progress=steps, digest=digest
    )
    assert plan.status == OPTIMAL
    assert threads[0].startswith("baseline")
    assert steps.events.index(("finish", "build")) < steps.events.index(("start", "baseline"))
    assert steps.events.index(("compiled", "plan")) < steps.events.index(("start", "baseline"))
    reference = Baseline.of(solve_baseline(ds, SolveOptions()), ds)
    assert base.objective_musd == pytest.approx(reference.objective_musd, rel=1e-9)


def test_a_baseline_started_after_ctrl_c_is_not_built(ds, monkeypatch):
    """The small baseline starts as the plan's HiGHS run begins; a signal that came first
    stops it before its build, so the command is not kept waiting for it."""
    import signal

    from mineralclub import interrupt

    def no_build(*args, **kwargs):
        raise AssertionError("the baseline was built after the signal")

    monkeypatch.setattr(solve, "build_model", no_build)
    monkeypatch.setattr(interrupt, "_pending", [signal.SIGINT])
    with pytest.raises(interrupt.Interrupted):
        solve._whole_baseline(ds, SolveOptions(), Progress(), None)


def test_an_interrupted_command_does_not_wait_for_the_baseline():
    """Ctrl-C leaves the baseline's thread behind (the command exits at once); any other
    ending waits for it, as a `with` pool does."""
    import signal

    from mineralclub.interrupt import Interrupted

    release = threading.Event()
    try:
        with pytest.raises(Interrupted), solve.second_thread() as pool:
            running = pool.submit(release.wait, 60)
            raise Interrupted(signal.SIGINT)
        assert not running.done()  # still running: nobody waited for it
    finally:
        release.set()
    with pytest.raises(ValueError), solve.second_thread() as pool:
        finished = pool.submit(time.sleep, 0.2)
        raise ValueError("any other error")
    assert finished.done()
