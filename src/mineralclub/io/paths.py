"""No command ever writes to an input path (SPEC §6 Revision 2).

:func:`overwrite_problem` is asked before anything is solved or written: it returns a message
when an output path is one of the inputs (the same file, also through a symbolic or hard link).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

MODEL_SUFFIXES = (".mps", ".lp")


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when ``a`` and ``b`` name the same file (after links), existing or not."""
    a, b = Path(a), Path(b)
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def overwrite_problem(
    inputs: Iterable[str | os.PathLike[str] | None],
    outputs: Iterable[tuple[str, str | os.PathLike[str] | None]],
) -> str | None:
    """A message when an output (``(option, path)``) is one of the input files, else None."""
    for option, output in outputs:
        if output is None:
            continue
        for source in inputs:
            if source is not None and same_file(source, output):
                return (
                    f"refusing to write {option} {output}: it is the input file {source}; "
                    "choose another path (inputs are never modified)"
                )
    return None


def model_file_problem(workbook: str | os.PathLike[str], write_model) -> str | None:
    """``--write-model`` must be a .mps or .lp file other than the input workbook."""
    if write_model is None:
        return None
    problem = overwrite_problem([workbook], [("--write-model", write_model)])
    if problem:
        return problem
    if Path(write_model).suffix.lower() not in MODEL_SUFFIXES:
        return (
            f"--write-model {write_model}: the file must end in .mps or .lp "
            "(the format is chosen by the suffix)"
        )
    return None
