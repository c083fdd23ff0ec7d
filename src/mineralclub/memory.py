"""Handing freed memory back to the operating system between the stages of a large solve.

A Pyomo model holds reference cycles, so dropping the last reference frees nothing until the
cycle collector runs, and glibc keeps freed heap memory in the arena of the thread that used
it: the baseline's thread frees its model and HiGHS instance into an arena the plan's solve
never allocates from. :func:`release` collects the cycles and asks glibc to return the free
pages of every arena (benchmarks/README.md, scale: the peak of a 64-scenario solve).
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to trim
        return None


def release() -> None:
    """Collect reference cycles, then return free heap pages to the operating system."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
