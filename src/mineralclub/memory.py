"""Handing freed memory back to the operating system between the stages of a large solve.

A Pyomo model holds reference cycles, so dropping the last reference frees nothing until the
cycle collector runs, and glibc keeps freed heap memory in the arena of the thread that used
it: the baseline's thread frees its model and HiGHS instance into an arena the plan's solve
never allocates from. :func:`release` collects the cycles and asks glibc to return the free
pages of every arena (benchmarks/README.md, scale: the peak of a 64-scenario solve).

:func:`settle_imports` and :func:`settled_imports` are the command line's: what a command
imported lives until the process exits, so the collector need not scan it, neither while it is
imported nor afterwards.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def settle_imports() -> None:
    """Put every object the collector tracks now (the functions, classes, dicts and tuples of
    the modules a command imported: about 111,000 once Pyomo and pandas are in) out of its
    reach: they live until the process exits, and every full collection while a model is
    built, compiled and reported would scan them again (full collections of a base-case
    solve: about 1.4 s without, 0.4 s with; benchmarks/README.md, single run). For the
    command line only, once its imports are done: in a library caller's process, its own
    objects would never be collected."""
    gc.freeze()


@contextmanager
def settled_imports() -> Iterator[None]:
    """The collector off while the block imports a command's modules, then what they brought
    settled (:func:`settle_imports`) and the collector as it was. Importing pandas, Pyomo and
    HiGHS makes no garbage but triggers full collections that scan every module object made
    so far, again and again: about 0.1 s of a base-case solve (benchmarks/README.md, single
    run). For the command line only, like :func:`settle_imports`."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        settle_imports()
        if enabled:
            gc.enable()
