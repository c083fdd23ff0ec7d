"""Under ``--json`` standard output carries the JSON object and nothing else (SPEC §5).

HiGHS writes some warnings straight to file descriptor 1 from C++ (``WARNING: HighsSparseMatrix
... ignored``), past Python's ``sys.stdout``. :func:`json_only_stdout` points descriptor 1 at
standard error for the whole run and gives ``sys.stdout`` a private copy of the real standard
output, so only what the program prints itself (the JSON) reaches it.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def json_only_stdout(enabled: bool = True) -> Iterator[None]:
    """Within the block, native writes to descriptor 1 go to standard error."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    previous = sys.stdout
    sys.stdout = io.TextIOWrapper(
        os.fdopen(saved, "wb", closefd=False), encoding="utf-8", line_buffering=True
    )
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stdout = previous
        os.dup2(saved, 1)
        os.close(saved)
