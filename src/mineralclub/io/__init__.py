"""Input and output: read and validate workbooks, write results, templates and charts."""

from __future__ import annotations

import os

from mineralclub.io.read_workbook import read_workbook
from mineralclub.io.tables import InputError, Problem, Tables
from mineralclub.io.validate import validate

__all__ = ["InputError", "Problem", "Tables", "load", "read_workbook", "validate"]


def load(path: str | os.PathLike[str]) -> Tables:
    """Read and validate the workbook at ``path``; raises :class:`InputError` on bad input."""
    return validate(read_workbook(path))
