"""The input read in a child process while a `solve` imports the solver (`io.early`): what the
parent takes is what it would have read itself, bad input is reported the same, and a child
that gives nothing leaves the parent to read the input itself. The child is forked in a fresh
interpreter here (a subprocess), as the console script forks it: never beside other threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mineralclub.cli import app

ROOT = Path(__file__).resolve().parents[2]

COMPARE = """
import json, sys
from pathlib import Path
import numpy as np
from mineralclub.io.early import ReadAhead, prepare
from mineralclub.io.tables import InputError

def lp(ds):
    from mineralclub.model.build import BuildOptions, build_model
    from mineralclub.solve import SolveOptions, make_solver
    solver = make_solver(ds, SolveOptions(), bulk=True)
    solver.compile(build_model(ds, BuildOptions(fixed_params=True)))
    a = solver.h.getLp()
    return [np.asarray(x).tolist() for x in (a.col_cost_, a.col_lower_, a.col_upper_,
            a.row_lower_, a.row_upper_, a.a_matrix_.start_, a.a_matrix_.index_,
            a.a_matrix_.value_, [int(t) for t in a.integrality_])]

path = Path(sys.argv[1])
early = ReadAhead(path)
forked = early.pid is not None
try:
    read = early.read()
    child = early.take()
except InputError as exc:
    child = exc.problems
try:
    here = prepare(path)
except InputError as exc:
    here = exc.problems
out = {"forked": forked, "read": read, "reaped": early.pid is None}
if isinstance(here, list):
    out["same problems"] = child == here and len(here) > 0
else:
    out["same dataset"] = child.dataset == here.dataset
    out["same warnings"] = child.warnings == here.warnings
    out["same digest"] = child.digest == here.digest
    out["same model"] = lp(child.dataset) == lp(here.dataset)
print(json.dumps(out))
"""


def in_fresh_python(script: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ["base_case", "example_ban", "example_sweep"])
def test_the_input_read_in_a_child_is_the_input_read_here(name):
    """Dataset, warnings, digest and the model compiled from them (every array HiGHS gets)
    equal those of the same workbook read in the parent; the child is reaped."""
    got = in_fresh_python(COMPARE, str(ROOT / "inputs" / f"{name}.xlsx"))
    assert got == {
        "forked": True,
        "read": True,
        "reaped": True,
        "same dataset": True,
        "same warnings": True,
        "same digest": True,
        "same model": True,
    }


def test_bad_input_read_in_a_child_is_reported_as_read_here(make_workbook):
    """Every problem of a bad workbook comes back from the child, the same as read here."""
    path = make_workbook({"Demand!C2": "abc", "Projects!D2": -5})
    got = in_fresh_python(COMPARE, str(path))
    assert got == {"forked": True, "read": True, "reaped": True, "same problems": True}


def test_a_child_that_gives_nothing_leaves_the_reading_to_the_parent():
    """A child killed before it sends anything: `read` and `take` say so (False, None), the
    child is reaped, and the parent reads the input itself; so does a process with other
    threads, which forks no child."""
    script = """
import json, os, signal, sys, threading
from pathlib import Path
from mineralclub.io.early import ReadAhead
early = ReadAhead(Path(sys.argv[1]))
os.kill(early.pid, signal.SIGKILL)
out = {"read": early.read(), "take": early.take(), "reaped": early.pid is None}
busy = threading.Thread(target=threading.Event().wait, args=(5,), daemon=True)
busy.start()
beside = ReadAhead(Path(sys.argv[1]))
out["forked beside a thread"] = beside.pid is not None
out["take beside a thread"] = beside.take()
print(json.dumps(out))
"""
    got = in_fresh_python(script, str(ROOT / "inputs" / "example_small.xlsx"))
    assert got == {
        "read": False,
        "take": None,
        "reaped": True,
        "forked beside a thread": False,
        "take beside a thread": None,
    }


def test_a_solve_with_its_input_read_in_a_child_is_the_solve_without(tmp_path):
    """`python -m mineralclub solve` (the console script: the input read in a child) and the
    same command run in-process (no child) print the same JSON, clock readings aside."""
    path = ROOT / "inputs" / "example_small.xlsx"
    forked = subprocess.run(
        [sys.executable, "-m", "mineralclub", "solve", str(path), "--json", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
    )
    assert forked.returncode == 0, forked.stderr
    here = CliRunner().invoke(app, ["solve", str(path), "--json", "--out", str(tmp_path / "b")])
    assert here.exit_code == 0, here.output
    a, b = json.loads(forked.stdout), json.loads(here.stdout)
    for payload in (a, b):
        payload.pop("results_path", None)
        payload.pop("seconds", None)
    assert a == b and a["summary"]["objective_musd"] > 0
