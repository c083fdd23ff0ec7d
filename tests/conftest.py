"""Shared fixtures: the bundled small example and edited copies of it."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

INPUTS = Path(__file__).resolve().parents[1] / "inputs"


@pytest.fixture
def example_small_path() -> Path:
    return INPUTS / "example_small.xlsx"


@pytest.fixture(scope="session")
def _example_small_pickled() -> bytes:
    """example_small parsed once per session (unpickling is ~30x faster than openpyxl parsing)."""
    return pickle.dumps(openpyxl.load_workbook(INPUTS / "example_small.xlsx"))


@pytest.fixture
def make_workbook(_example_small_pickled: bytes, tmp_path: Path) -> Callable[..., Path]:
    """A copy of example_small in tmp_path with ``cells={"Sheet!B3": value}`` set (None blanks a
    cell) and then ``change(book)`` applied to the openpyxl workbook."""

    def make(cells: dict | None = None, change: Callable | None = None, name: str = "edited.xlsx"):
        book = pickle.loads(_example_small_pickled)
        for address, value in (cells or {}).items():
            sheet, cell = address.split("!")
            book[sheet][cell] = value
        if change is not None:
            change(book)
        path = tmp_path / name
        book.save(path)
        return path

    return make
