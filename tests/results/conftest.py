"""Solved example runs shared by the results tests (solved once per test session / worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mineralclub.pipeline import RunResult, run
from mineralclub.solve import SolveOptions

INPUTS = Path(__file__).resolve().parents[2] / "inputs"


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> RunResult:
    """example_small solved into a session folder: one binding target, partner offtake."""
    return run(INPUTS / "example_small.xlsx", tmp_path_factory.mktemp("small"), SolveOptions())


@pytest.fixture(scope="session")
def ban_run(tmp_path_factory) -> RunResult:
    """example_ban solved into a session folder: a 30 t stockpile released in the ban."""
    return run(INPUTS / "example_ban.xlsx", tmp_path_factory.mktemp("ban"), SolveOptions())
