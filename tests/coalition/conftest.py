"""Fixtures: the hand-solvable coalition games of tests/coalition_games.py, validated."""

from __future__ import annotations

import pytest

from builders import tables_from
from coalition_games import six_bloc_sheets, three_bloc_sheets
from mineralclub.coalition.blocs import read_blocs
from mineralclub.sweep.address import Base


@pytest.fixture
def three_bloc():
    base = Base(tables_from(three_bloc_sheets()))
    return base, read_blocs(base.tables, "bloc")


@pytest.fixture
def unfair():
    """The same game with a Ledger that charges Host 70% of the bill."""
    base = Base(tables_from(three_bloc_sheets(cost_shares=(0.7, 0.1, 0.1, 0.1))))
    return base, read_blocs(base.tables, "bloc")


@pytest.fixture
def six_bloc():
    base = Base(tables_from(six_bloc_sheets()))
    return base, read_blocs(base.tables, "country")
