"""The input of a `solve` read, validated and prepared in a child process while the command
imports the solver.

A `solve` imports Pyomo, HiGHS and the solver's modules (0.4-0.5 s once the input's modules,
pandas among them, are in) and then reads, validates and prepares the workbook (0.3 s on the
base case): both are Python, one after the other in one interpreter. Forked once the input's
modules are imported and before the solver's (`ReadAhead`, on Linux, from the console script
alone), a child reads, validates and prepares the input on the second core while the parent
imports, and hands the result back through a pipe, pickled: first word that the file is read,
then the `Prepared` input (or the input's problems). The parent takes it when the pipeline
asks for it (`take`).

What the parent gets is what `prepare` makes in-process, through a pickle round trip (exact for
every number; tests/io/test_early.py compares the models compiled from the two). The child
does nothing else: it writes no file and no output, and leaves with `os._exit`, neither
flushing the parent's buffers nor running its exit handlers. If it gives anything but a
prepared input or the input's problems (it failed, was killed, or the platform cannot fork),
`take` returns None and the parent reads the input itself, exactly as without the child.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mineralclub.dataset import Dataset, build_dataset
from mineralclub.io.read_workbook import read_workbook
from mineralclub.io.tables import InputError, Problem
from mineralclub.io.validate import validate

READ = "read"  # the child's first word: the file is read, validation begins
SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass(frozen=True)
class Prepared:
    """A workbook read, validated and prepared for the model."""

    dataset: Dataset
    warnings: tuple[Problem, ...]  # the validation's warnings
    digest: str  # SHA-256 of the file as read


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def prepare(path: Path, read: Callable[[], None] = lambda: None) -> Prepared:
    """Read, validate and prepare the workbook at `path`; `read()` once it is read. Raises
    InputError on bad input."""
    raw = read_workbook(path)
    digest = sha256(path)
    read()
    tables = validate(raw)
    return Prepared(build_dataset(tables), tables.warnings, digest)


class ReadAhead:
    """`prepare(path)` in a child process, forked now (see the module docstring); on a
    platform without `fork`, or in a process with other threads (whose locks the child would
    inherit held), nothing is forked and `take` returns None."""

    def __init__(self, path: Path):
        self.pid: int | None = None
        self._pipe: Any = None  # the read end, as a binary file
        if sys.platform != "linux" or threading.active_count() > 1:
            return
        r, w = os.pipe()
        # no signal reaches the child before it has its own handlers (the parent's would
        # report an interruption a second time); the parent's, held meanwhile, come after
        held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:  # the child
                os.close(r)
                _child(Path(path), w, held)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(w)
        self.pid, self._pipe = pid, os.fdopen(r, "rb")

    def read(self) -> bool:
        """Wait until the child has read the file; False if it will give nothing."""
        if self._pipe is None:
            return False
        if self._message() == READ:
            return True
        self.close()
        return False

    def take(self) -> Prepared | None:
        """Wait for the child's prepared input and return it; raise the input's InputError;
        None when the child gives neither (the caller then reads the input itself)."""
        if self._pipe is None:
            return None
        message = self._message()
        if message == READ:
            message = self._message()
        self.close()
        if isinstance(message, tuple) and message[0] == "input":
            raise InputError(message[1])
        return message if isinstance(message, Prepared) else None

    def close(self) -> None:
        """Stop the child if it is still at work, and reap it."""
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            pipe.close()
        pid, self.pid = self.pid, None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # a child that has left is a zombie: no effect
            os.waitpid(pid, 0)

    def _message(self) -> Any:
        try:
            return pickle.load(self._pipe)
        except Exception:  # the child left without a word (failed, killed): read in-process
            return None


def _child(path: Path, fd: int, mask: set) -> None:
    """The child's whole life: prepare the input, send it, leave at once. Ctrl-C and SIGTERM
    end it without a word (their default), `mask` the signals blocked before the fork."""
    code = 1
    try:
        for number in SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        with os.fdopen(fd, "wb") as pipe:

            def send(message: Any) -> None:
                pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.flush()

            try:
                message: Any = prepare(path, lambda: send(READ))
            except InputError as exc:
                message = ("input", exc.problems)
            send(message)
        code = 0
    finally:
        os._exit(code)
