"""The bulk path (standard-form compile into one HiGHS instance, marginal-cost LP re-solved on
that instance) equals the slow path (Pyomo's persistent interface, a second translation of the
model with its integers fixed): the same matrix in the same order, hence the same objective,
decisions and duals, on the bundled examples, a synthetic instance, an HHI case with cut rounds
and an infeasible (elastic) case."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import replace
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest
from scipy import sparse

from builders import cap_target, dataset_from, hhi_target, one_stage_refinery, project, single_stage
from mineralclub.dataset import build_dataset
from mineralclub.marginal import marginal_costs, marginal_from_duals, translated_lp_duals
from mineralclub.model.build import BuildOptions, build_model
from mineralclub.model.hhi import cut_loop
from mineralclub.pipeline import load_tables
from mineralclub.solve import (
    DUAL_ROWS,
    INFEASIBLE,
    OPTIMAL,
    SolveOptions,
    elastic_violation,
    make_solver,
    run_solver,
    solve_plan,
    write_model,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402


def workbook(name):
    return lambda: build_dataset(load_tables(ROOT / "inputs" / f"{name}.xlsx"))


def hhi_case():
    return dataset_from(
        single_stage(
            Projects=[
                project("PA", 100, 0.2, lumpy=False, stage="x", cost=100),
                project("PE", 100, 0.4, lumpy=False, stage="x", cost=100, country="E"),
            ],
            Targets=[hhi_target(0.34)],
        )
    )


CASES = {
    "example_small": workbook("example_small"),
    "example_ban": workbook("example_ban"),
    "example_sweep": workbook("example_sweep"),
    "synthetic": lambda: synthetic.dataset(8, 2, 3, 2, seed=3),
    "hhi": hhi_case,
}


def values(m) -> dict:
    return {v.name: v.value for v in m.component_data_objects(pyo.Var)}


def lp_arrays(lp) -> dict:
    """Every number of a HiGHS model; the matrix column-wise, entries sorted by row."""
    a = lp.a_matrix_
    kind = sparse.csc_array if a.format_ == highspy.MatrixFormat.kColwise else sparse.csr_array
    matrix = kind(
        (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)),
        shape=(lp.num_row_, lp.num_col_),
    ).tocsc()
    matrix.sort_indices()
    return {
        "shape": (lp.num_col_, lp.num_row_),
        "offset": lp.offset_,
        "sense": lp.sense_,
        "integrality": [int(t) for t in lp.integrality_],
        **{
            name: np.asarray(getattr(lp, name)).tolist()
            for name in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_")
        },
        "start": matrix.indptr.tolist(),
        "index": matrix.indices.tolist(),
        "value": matrix.data.tolist(),
    }


@pytest.mark.parametrize("baseline", [False, True])
@pytest.mark.parametrize("case", ["example_ban", "synthetic"])
def test_compiled_model_is_the_persistent_interfaces_model(case, baseline):
    """Column by column, row by row, bit for bit: the same HiGHS model."""
    ds = CASES[case]()
    m = build_model(ds, BuildOptions(baseline=baseline))
    slow = make_solver(ds, SolveOptions())
    slow.set_instance(m)
    fast = make_solver(ds, SolveOptions(), bulk=True)
    fast.compile(m)
    want, got = lp_arrays(slow._solver_model.getLp()), lp_arrays(fast.h.getLp())
    assert want["shape"] == got["shape"] and want["shape"][0] > 10
    for key in want:
        assert got[key] == want[key], key
    assert [slow._pyomo_var_to_solver_var_map[id(v)] for v in fast.columns] == list(
        range(len(fast.columns))
    )


@pytest.mark.parametrize(
    "options",
    [BuildOptions(), BuildOptions(baseline=True), BuildOptions(elastic=True)],
    ids=["plan", "baseline", "elastic"],
)
@pytest.mark.parametrize("case", ["base_case", "example_ban", "hhi", "synthetic"])
def test_fixed_params_compile_to_the_mutable_params_model(case, options):
    """One-shot solves build with fixed (immutable) Params: bit for bit the HiGHS model that
    mutable Params (the sweeps' build) compile to, so the same solve."""
    ds = workbook("base_case")() if case == "base_case" else CASES[case]()
    arrays = []
    for fixed in (False, True):
        m = build_model(ds, replace(options, fixed_params=fixed))
        assert isinstance(m.p_demand[next(iter(m.p_demand))], float) is fixed
        solver = make_solver(ds, SolveOptions(), bulk=True)
        solver.compile(m)
        arrays.append(lp_arrays(solver.h.getLp()))
    mutable, fixed = arrays
    assert mutable["shape"][0] > 10
    for key in mutable:
        assert fixed[key] == mutable[key], key


@pytest.mark.parametrize("case", list(CASES))
def test_plan_and_marginal_costs_equal_the_slow_path(case):
    """Objective, every variable and every marginal cost of the fast path equal the old one
    (persistent solve with the HHI cut loop; marginal LP on a second, fixed translation)."""
    ds = CASES[case]()
    opts = SolveOptions()
    fast = solve_plan(ds, opts)
    m = build_model(ds)
    status, _term, objective, _bound = cut_loop(m, make_solver(ds, opts), run_solver)
    assert fast.status == status == OPTIMAL
    assert fast.objective == objective
    assert values(fast.model) == values(m)
    assert fast.hhi_rounds == m.hhi_rounds
    want = marginal_from_duals(m, ds, translated_lp_duals(m, ds, opts))
    got = marginal_costs(fast.model, ds, opts, fast.solver)
    assert set(got) == set(want) and want
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
    if case == "hhi":
        assert fast.hhi_rounds >= 3 and any(abs(v) > 1e-6 for v in got.values())
    assert values(fast.model) == values(m)  # the reported plan stays the MILP optimum


def lp_threads(monkeypatch) -> list[bool]:
    """Each marginal-cost LP solved from now on appends whether it ran in the main thread."""
    import threading

    from mineralclub.bulk import BulkHighs

    threads: list[bool] = []
    lp_duals = BulkHighs.lp_duals

    def recorded(self, twin=None):
        threads.append(threading.current_thread() is threading.main_thread())
        return lp_duals(self, twin)

    monkeypatch.setattr(BulkHighs, "lp_duals", recorded)
    return threads


@pytest.mark.parametrize("case", ["hhi", "example_ban", "example_small"])
def test_marginal_lp_beside_the_results_changes_no_number(case, monkeypatch):
    """With a core to spare, `solve_dataset` runs the marginal-cost LP in a second thread
    while the tables that do not need it are extracted (with HiGHS held to one thread, in
    this one): every table equals that of the same run with the LP run first, alone, in this
    thread (RunInfo's clock readings aside)."""
    from concurrent.futures import Future
    from contextlib import contextmanager

    from mineralclub import pipeline

    ds = CASES[case]()
    threads = lp_threads(monkeypatch)
    pipeline.solve_dataset(ds, SolveOptions(threads=1))  # HiGHS held to one thread: no overlap
    monkeypatch.setattr(pipeline, "spare_core", lambda ds, opts: True)
    beside = pipeline.solve_dataset(ds, SolveOptions())

    class Inline:
        def submit(self, fn, *args):
            done: Future = Future()
            done.set_result(fn(*args))
            return done

    @contextmanager
    def inline(name):
        yield Inline()

    monkeypatch.setattr(pipeline, "second_thread", inline)
    alone = pipeline.solve_dataset(ds, SolveOptions())
    assert threads == [True, False, True]
    assert beside.tables.keys() == alone.tables.keys()
    clock = ("seconds", "started_utc", "finished_utc")
    for name, table in alone.tables.items():
        if name == "RunInfo":
            table = table[~table["key"].str.endswith(clock)]
            got = beside.tables[name][~beside.tables[name]["key"].str.endswith(clock)]
        else:
            got = beside.tables[name]
        pd.testing.assert_frame_equal(got, table, check_exact=True, obj=name)
    assert beside.tables["Targets"]["marginal_cost_musd_per_pp"].notna().any()


def test_marginal_lp_runs_alone_above_the_overlap_size(monkeypatch):
    """Above OVERLAP_MAX_NONZEROS the marginal-cost LP runs first, in this thread, not beside
    the results' extraction: its HiGHS memory and the tables' would peak together."""
    from mineralclub import pipeline

    threads = lp_threads(monkeypatch)
    monkeypatch.setattr(pipeline, "spare_core", lambda ds, opts: True)
    ds = CASES["example_small"]()
    pipeline.solve_dataset(ds, SolveOptions())
    monkeypatch.setattr(pipeline, "OVERLAP_MAX_NONZEROS", 0)
    pipeline.solve_dataset(ds, SolveOptions())
    assert threads == [False, True]


def test_marginal_lp_restores_the_instance():
    """After the duals, the instance is the MILP again: same integrality and bounds, and a
    re-solve gives the same optimum."""
    ds = CASES["example_small"]()
    plan = solve_plan(ds, SolveOptions())
    h = plan.solver.h
    before = lp_arrays(h.getLp())
    assert any(before["integrality"])
    assert plan.solver.lp_duals() is not None
    assert lp_arrays(h.getLp()) == before
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert h.getInfo().objective_function_value == pytest.approx(plan.objective, rel=1e-12)


def solved_with_twin(case: str):
    """The case's plan compiled, a `Twin` of its instance made, then solved and loaded (as
    `BulkHighs._run` makes the twin when HiGHS starts): (model, solver, twin)."""
    from mineralclub.bulk import Twin

    ds = CASES[case]()
    m = build_model(ds, BuildOptions(fixed_params=True))
    solver = make_solver(ds, SolveOptions(), bulk=True)
    solver.compile(m)
    twin = Twin(solver)
    run_solver(solver, m)
    return m, solver, twin


@pytest.mark.parametrize("case", list(CASES))
def test_the_marginal_lp_on_a_twin_is_the_lp_on_the_plans_instance(case):
    """A `Twin` of the plan's instance made as HiGHS starts gives, from the plan's values,
    bit for bit the row duals the plan's own instance gives once HiGHS has stopped;
    `lp_duals(twin)` returns them, its HiGHS time counted, without solving the LP again."""
    from mineralclub.ahead import same
    from mineralclub.bulk import fixed_lp

    _m, solver, twin = solved_with_twin(case)
    got = twin.duals()
    assert got.row_dual is not None and got.seconds > 0
    want = fixed_lp(solver.h, solver.columns, solver._options, lambda: solver.h.run())
    assert want is not None and same(got.row_dual, want)
    before, clock = solver.highs_seconds, solver.h.getRunTime()
    fast = solver.lp_duals(got)
    assert solver.h.getRunTime() == clock  # not solved again on the instance
    assert solver.highs_seconds == before + got.seconds
    slow = solver.lp_duals()
    assert list(fast) == list(slow)
    assert same(np.array(list(fast.values())), np.array(list(slow.values())))


def test_the_marginal_lp_after_a_time_limited_mip_has_a_clock_of_its_own():
    """HiGHS's time limit counts the instance's whole run clock: with a limit the MIP has
    used up, the LP on the plan's instance is still solved (its own limit counted from its
    start), bit for bit as on the twin's fresh instance, and the limit is restored."""
    from mineralclub.ahead import same
    from mineralclub.bulk import option

    _m, solver, twin = solved_with_twin("example_small")
    limit = solver.h.getRunTime()  # all used up by the MIP
    solver.config.time_limit = limit  # the twin shares the config: the same limit
    before = option(solver.h, "time_limit")
    got = solver.lp_duals()
    assert got is not None
    early = twin.duals()
    assert early.row_dual is not None
    assert same(np.array(list(got.values())), early.row_dual[list(solver.rows_of.values())])
    assert option(solver.h, "time_limit") == before


def test_the_twins_duals_are_not_used_once_the_instance_changed():
    """A row passed to the plan's instance after its twin was made (as HHI cuts are): the
    twin's duals are left, and the LP is solved on the instance, the new row's dual with it."""
    m, solver, twin = solved_with_twin("example_small")
    early = twin.duals()
    m.loose = pyo.Constraint(expr=sum(m.component_data_objects(pyo.Var)) >= -1e9)
    run_solver(solver, m)  # passes the row
    clock = solver.h.getRunTime()
    got = solver.lp_duals(early)
    assert solver.h.getRunTime() > clock  # solved on the instance
    assert m.loose in got and len(got) == len(early.row_dual) + 1
    assert got == solver.lp_duals()


def test_infeasible_target_takes_the_elastic_path_on_the_bulk_solver():
    """A cap of 0.1 on B cannot be met (A refines 20 of 100 t): the elastic re-solve (new
    objective, then a held-violation row) runs on bulk solvers and gives the same plan cost as
    the persistent interface; the violation may sit anywhere within the hold row's 1e-6
    tolerance (the bulk solver recompiles for the new objective instead of warm-starting)."""
    ds = dataset_from(one_stage_refinery(Targets=[cap_target(0.1)]))
    fast = solve_plan(ds, SolveOptions())
    assert fast.status == INFEASIBLE and fast.elastic

    m = build_model(ds, BuildOptions(elastic=True))
    m.obj.deactivate()
    m.obj_elastic = pyo.Objective(expr=elastic_violation(m, ds))
    solver = make_solver(ds, SolveOptions())
    _, _, best, _ = cut_loop(m, solver, run_solver)
    m.c_elastic_hold = pyo.Constraint(expr=elastic_violation(m, ds) <= best * (1 + 1e-6) + 1e-7)
    m.obj_elastic.deactivate()
    m.obj.activate()
    _, _, objective, _ = cut_loop(m, solver, run_solver)
    assert math.isclose(fast.objective, objective, rel_tol=1e-9)
    assert fast.model.target_slack[0].value == pytest.approx(70.0, rel=2e-6)  # 80 - 10 t
    assert values(fast.model) == pytest.approx(values(m), rel=2e-6, abs=1e-9)


def test_highs_seconds_count_each_run_once():
    """HiGHS' run clock goes on across the runs of one instance: each run adds its own time,
    so three runs sum to the clock's final reading (not to the sum of its three readings)."""
    ds = workbook("example_ban")()
    m = build_model(ds, BuildOptions(fixed_params=True))
    solver = make_solver(ds, SolveOptions(), bulk=True)
    runs = [solver.solve(m).highs_seconds for _ in range(3)]
    clock = solver.h.getRunTime()
    assert all(t > 0 for t in runs)
    assert sum(runs) == pytest.approx(clock, rel=1e-9)
    assert solver.highs_seconds == pytest.approx(clock, rel=1e-9)


def test_one_shot_model_keeps_only_the_rows_whose_duals_are_read(tmp_path):
    """Once compiled, the plan keeps the constraints the marginal costs read (their duals equal
    the slow path's: test above) and no other; compiling it again is refused, not silently
    done on a model without its rows, and so are a persistent re-solve, the slow marginal-cost
    LP and writing the model."""
    ds = CASES["hhi"]()
    plan = solve_plan(ds, SolveOptions())
    assert plan.status == OPTIMAL and plan.hhi_rounds >= 3
    kept = {c.local_name for c in plan.model.component_objects(pyo.Constraint)}
    assert kept == set(DUAL_ROWS)
    assert set(plan.solver.rows_of) == set(
        plan.model.component_data_objects(pyo.Constraint, active=True)
    )
    refused = [
        lambda: plan.solver.compile(plan.model),
        lambda: run_solver(make_solver(ds, SolveOptions()), plan.model),
        lambda: translated_lp_duals(plan.model, ds, SolveOptions()),
        lambda: marginal_costs(plan.model, ds, SolveOptions()),  # no solver: the slow path
        lambda: write_model(plan.model, str(tmp_path / "plan.lp")),
    ]
    for use in refused:
        with pytest.raises(RuntimeError, match="released once it was compiled"):
            use()
    assert not (tmp_path / "plan.lp").exists()
    assert marginal_costs(plan.model, ds, SolveOptions(), plan.solver)  # the fast path works


def test_compile_imports_scipy_sparse_without_pyomos_scipy_hook():
    """A fresh process that compiles a model has scipy.sparse but not scipy.stats (which
    Pyomo's import hook adds to any first import of scipy, 0.7 s of a base-case run), the
    import hooks are untouched, and Pyomo's own deferred scipy still resolves afterwards,
    with its callback."""
    import subprocess

    code = (
        "import sys\n"
        "from builders import dataset_from, single_stage, project\n"
        "from mineralclub.model.build import build_model\n"
        "from mineralclub.solve import SolveOptions, make_solver\n"
        "ds = dataset_from(single_stage(Projects=[project('PA', 100, 0.2, stage='x')]))\n"
        "m = build_model(ds)\n"
        "assert 'scipy' not in sys.modules\n"
        "class Lead:\n"  # a hook ahead of Pyomo's, as pytest's is in a test process
        "    def find_spec(self, *args):\n"
        "        return None\n"
        "sys.meta_path.insert(0, Lead())\n"
        "before = list(sys.meta_path)\n"
        "make_solver(ds, SolveOptions(), bulk=True).compile(m)\n"
        "assert sys.meta_path == before, (before, sys.meta_path)\n"
        "print('scipy.sparse' in sys.modules, 'scipy.stats' in sys.modules)\n"
        "from pyomo.common.dependencies import scipy, scipy_available\n"
        "assert scipy_available\n"
        "print('scipy.stats' in sys.modules, scipy.sparse.csr_array.__name__)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split("\n")
    assert out[0] == "True False"
    assert out[1] == "True csr_array"


def test_solve_path_runs_on_pyomo_core_without_pyomo_environ(tmp_path):
    """The solve's modules import pyomo.core, not pyomo.environ (which loads every Pyomo
    plugin: about 0.1 s of each run; benchmarks/README.md). In a fresh process, a plan is
    built, compiled and solved, and the persistent interface is made, without pyomo.environ;
    only writing the model (--write-model) brings in Pyomo's writers, and the LP and MPS
    files it writes hold the model's rows, without a warning."""
    import subprocess

    lp, mps = tmp_path / "plan.lp", tmp_path / "plan.mps"
    code = (
        "import sys\n"
        "import mineralclub.cli_solve, mineralclub.pipeline, mineralclub.sweep.session\n"
        "import mineralclub.alternatives.engine, mineralclub.coalition.run\n"
        "from builders import dataset_from, single_stage, project\n"
        "from mineralclub.model.build import build_model\n"
        "from mineralclub.solve import SolveOptions, make_solver, run_solver, write_model\n"
        "ds = dataset_from(single_stage(Projects=[project('PA', 100, 0.2, stage='x')]))\n"
        "m = build_model(ds)\n"
        "print(run_solver(make_solver(ds, SolveOptions(), bulk=True), m)[0])\n"
        "print(type(make_solver(ds, SolveOptions())).__name__)\n"
        "print('pyomo.environ' in sys.modules)\n"
        f"write_model(build_model(ds), {str(lp)!r})\n"
        f"write_model(build_model(ds), {str(mps)!r})\n"
        "print('pyomo.environ' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split("\n")[:5] == ["OPTIMAL", "Highs", "False", "True", ""]
    assert "WARNING" not in done.stderr  # Pyomo warned "x.lp" might not match format "lp"
    assert "c_final_balance" in lp.read_text()
    assert "c_final_balance" in mps.read_text()
