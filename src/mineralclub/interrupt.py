"""Ctrl-C and SIGTERM end a run as an interruption, not as a crash or a solver failure (SPEC §6).

:func:`main` is the command-line entry (``mineralclub`` and ``python -m mineralclub``): while a
command runs, SIGINT and SIGTERM raise :class:`Interrupted`, a ``BaseException`` that no
``except Exception`` swallows; a signal that arrives while HiGHS solves is re-raised by
:func:`raise_if_pending` right after the solve (HiGHS' own handling would report a solver
failure). It unwinds every
``finally`` on the way (atomic writes delete their temporary file; the earlier results file is
left as it was), then the run ends with exit code 130 (SIGINT) or 143 (SIGTERM), a message on
standard error and, under ``--json``, ``{"status": "INTERRUPTED", ...}`` as the only output on
standard output.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from mineralclub.exit_codes import EXIT_INTERRUPTED, EXIT_TERMINATED
from mineralclub.stdout_guard import json_only_stdout

INTERRUPTED = "INTERRUPTED"
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was stopped by a signal; ``exit_code`` is 128 + the signal number."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        codes = {signal.SIGINT: EXIT_INTERRUPTED, signal.SIGTERM: EXIT_TERMINATED}
        return codes.get(signal.Signals(self.signum), 128 + self.signum)


_pending: list[int] = []  # signals received; kept in case native code swallows the exception
_handling = [False]  # inside signals_interrupt: a signal raises Interrupted in the main thread


def _raise(signum: int, _frame) -> None:
    _pending.append(signum)
    raise Interrupted(signum)


def pending() -> bool:
    """Whether a signal arrived during this command (a solver in another thread polls this to
    stop too, so that Ctrl-C does not wait for the baseline's solve to finish)."""
    return bool(_pending)


def raise_if_pending() -> None:
    """Raise :class:`Interrupted` when a signal arrived during native code that swallowed it.

    HiGHS polls for Ctrl-C while it solves (Pyomo turns that on): the handler runs inside the
    solver, whose C++ code drops the exception and returns an "error" or "interrupted" status.
    Call this right after a solve so that such a run is reported as interrupted."""
    if _pending:
        raise Interrupted(_pending[0])


def handled() -> bool:
    """Whether SIGINT and SIGTERM raise :class:`Interrupted` now (inside `signals_interrupt`):
    then a long native call is better made outside the main thread, which stays free to take
    the signal (`bulk.run_highs`)."""
    return _handling[0]


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted`."""
    previous = {s: signal.signal(s, _raise) for s in SIGNALS}
    was, _handling[0] = _handling[0], True
    try:
        yield
    finally:
        _handling[0] = was
        _pending.clear()
        for s, handler in previous.items():
            signal.signal(s, handler)


def report(exc: Interrupted, json_output: bool) -> None:
    """Say that the run was interrupted: standard error, and the JSON status under --json."""
    message = f"interrupted by {exc.name}: the run was stopped; no results were written"
    print(message, file=sys.stderr)
    if json_output:
        payload = {
            "status": INTERRUPTED,
            "signal": exc.name,
            "results_path": None,
            "messages": [message],
        }
        print(json.dumps(payload))


def main(app: Callable[..., object], argv: Sequence[str] | None = None) -> None:
    """Run the typer ``app`` with signals turned into an interruption (exit 130 / 143) and,
    under ``--json``, nothing but the program's own output on standard output."""
    args = list(sys.argv[1:] if argv is None else argv)
    with json_only_stdout("--json" in args):
        try:
            with signals_interrupt():
                app(args=args, prog_name="mineralclub")
        except Interrupted as exc:
            _interrupted(exc, "--json" in args)


def _interrupted(exc: Interrupted, json_output: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the report
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    report(exc, json_output)
    sys.stdout.flush()
    sys.stderr.flush()
    # a solver thread may still be running: leave at once rather than wait for it
    os._exit(exc.exit_code)
