"""HiGHS' progress while it solves, told to a :class:`mineralclub.progress.Progress`.

:func:`watch` subscribes to HiGHS' callbacks on one ``highspy.Highs`` instance for the length of
a block: each improving solution (``kCallbackMipImprovingSolution``) becomes a
:class:`SolverEvent` with the incumbent, the dual bound and the gap, and so does HiGHS' periodic
interrupt check (``kCallbackMipInterrupt``, which carries the same figures) at most every
:data:`EVERY` seconds of HiGHS' run time, and where the solve ended (:func:`final_event`).
With ``progress.verbose`` HiGHS' log is switched on with console output off and each of its
lines is passed on (``kCallbackLogging``): nothing reaches standard output either way.

Callbacks run in the thread that solves and take the GIL for a moment (the interrupt check
fires a few times a second on the base case; the cost is below the run-to-run noise). A
callback never raises into HiGHS: an exception (including Ctrl-C's ``Interrupted``, whose signal
handler runs in the main thread's next Python callback) asks HiGHS to stop, and is raised again
when the block ends. Once a signal has arrived (:func:`mineralclub.interrupt.pending`), every
watched solve stops at its next callback, in whatever thread it runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import highspy

from mineralclub import interrupt
from mineralclub.progress import Progress, SolverEvent

_IMPROVING = int(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)
EVERY = 0.5  # seconds of HiGHS' run time between two periodic events of one solve


def event(model: str, callback_type: int, data: Any) -> SolverEvent:
    """The SolverEvent of one MIP callback's output (`HighsCallbackOutput`)."""
    objective, bound, gap = (
        _finite(data.mip_primal_bound),
        _finite(data.mip_dual_bound),
        _finite(data.mip_gap),
    )
    return SolverEvent(
        model=model,
        improving=int(callback_type) == _IMPROVING,
        seconds=float(data.running_time),
        objective=objective,
        bound=bound,
        gap=gap if objective is not None and bound is not None else None,
        nodes=int(data.mip_node_count),
    )


@contextmanager
def watch(h: highspy.Highs, model: str, progress: Progress | None) -> Iterator[None]:
    """Within the block, `h` tells `progress` how the solve of `model` goes (see the module
    docstring). Nothing is subscribed when `progress` is None."""
    if progress is None or not progress.listens():
        yield
        return
    errors: list[BaseException] = []
    pending = [""]  # a log message that did not end its line yet
    last = [-EVERY]  # HiGHS' run time at the last periodic event

    def guarded(handle: Callable[[Any], None]) -> Callable[[Any], None]:
        def callback(e: Any) -> None:
            try:
                if not errors:
                    handle(e)
            except BaseException as exc:  # noqa: BLE001 - re-raised after the solve
                errors.append(exc)
            if errors or interrupt.pending():  # Ctrl-C also stops a solve in another thread
                e.interrupt()  # a no-op for the logging callback, which cannot stop HiGHS

        return callback

    def on_improving(e: Any) -> None:
        progress.solver(event(model, e.callback_type, e.data_out))

    def on_interrupt_check(e: Any) -> None:
        if e.data_out.running_time - last[0] >= EVERY:
            last[0] = e.data_out.running_time
            progress.solver(event(model, e.callback_type, e.data_out))

    def on_log(e: Any) -> None:
        *lines, pending[0] = (pending[0] + e.message).split("\n")
        for line in lines:
            progress.solver_log(model, line)

    subscriptions = [
        (h.cbMipImprovingSolution, guarded(on_improving)),
        (h.cbMipInterrupt, guarded(on_interrupt_check)),
    ]
    if progress.verbose:
        subscriptions.append((h.cbLogging, guarded(on_log)))
        h.setOptionValue("log_to_console", False)
        h.setOptionValue("output_flag", True)
    for hook, callback in subscriptions:
        hook.subscribe(callback)
    try:
        yield
    finally:
        for hook, callback in subscriptions:
            hook.unsubscribe(callback)
        if progress.verbose:
            h.setOptionValue("output_flag", False)
            h.setOptionValue("log_to_console", True)
            if pending[0] and not errors:
                progress.solver_log(model, pending[0])
    if errors:
        raise errors[0]
    final = final_event(h, model)
    if final is not None:
        progress.solver(final)


def final_event(h: highspy.Highs, model: str) -> SolverEvent | None:
    """Where a MIP solve ended (the last periodic event may be up to `EVERY` seconds old);
    None after an LP."""
    info = h.getInfo()
    if info.mip_node_count < 0:
        return None
    objective = _finite(info.objective_function_value) if info.primal_solution_status == 2 else None
    bound = _finite(info.mip_dual_bound)
    return SolverEvent(
        model=model,
        improving=False,
        seconds=float(h.getRunTime()),
        objective=objective,
        bound=bound,
        gap=_finite(info.mip_gap) if objective is not None and bound is not None else None,
        nodes=int(info.mip_node_count),
    )


def _finite(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None
