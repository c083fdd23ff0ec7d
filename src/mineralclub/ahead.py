"""Results made ahead of HiGHS's proof, kept only if HiGHS ends with the same plan.

HiGHS usually finds the plan it ends with long before it proves it within the gap: on the base
case its one incumbent comes 0.5 s into a 3.7 s run (benchmarks/README.md, single run). While
it proves, :class:`Ahead` loads its newest incumbent into the model, in a thread of its own,
and makes from it the work given (`work(model, checkpoint)`: the results tables that depend on the
plan's values alone, and their sheets' cells). A newer incumbent stops the work at its next
`checkpoint()` and starts it again from the newer values.

When HiGHS stops, the work is kept only if the values it was made from are, bit for bit, the
solution the model is finally loaded with (:meth:`Ahead.result`): the tables are then the same
function of the same numbers as on the slow path, which makes them again otherwise (the
equality is tested table by table and cell by cell, tests/test_ahead.py). Nothing else ever
comes from the incumbent.

The model is never used by two threads at once: the work's thread writes the model's values
(`set_value`) and reads them only while HiGHS runs, and :meth:`Ahead.settle`, called by
`BulkHighs` as soon as HiGHS's run ends and before the solution is loaded, lets the work made
from that very solution finish, stops any other at its next checkpoint, and returns once the
thread has ended; a failed run waits for it too (:meth:`Ahead.cancel`). Only an interrupted
command (Ctrl-C, SIGTERM) leaves without waiting, and uses the model no more. The work begins
only once `ready()` (the pipeline: once the baseline's figures are known, which Concentration
compares with), so that it never waits on anything but the model while HiGHS's end waits for
it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import numpy as np

T = TypeVar("T")

# While the work runs, the interpreter hands itself to another thread asking for it after this
# many seconds instead of 5 ms: HiGHS's callbacks (progress, Ctrl-C) wait for the interpreter,
# and at 5 ms each they lengthened the base case's HiGHS run by about 0.5 s (benchmarks/README.md)
SWITCH_INTERVAL = 1e-4


class Stale(Exception):
    """Raised at a checkpoint: the work's values are no longer the newest incumbent, or the
    work is no longer wanted."""


class Ahead(Generic[T]):
    """`work(model, checkpoint)` made from HiGHS's newest incumbent while HiGHS runs (see the
    module docstring), once `ready()`. `attach(model, columns)` (the model's variable per HiGHS
    column) starts its thread; `offer(values)` is HiGHS's incumbent callback; `settle(final)`
    ends it when HiGHS stops; `result(model)` is the work if made from the values the model
    then holds, else None."""

    def __init__(self, work: Callable[[Any, Callable[[], None]], T]):
        self._work = work
        self._cond = threading.Condition()
        self._model: Any = None
        self._columns: list | None = None
        self._ready = False  # the work may begin (`ready`)
        self._latest: np.ndarray | None = None  # the newest incumbent offered
        self._made: tuple[np.ndarray, T] | None = None  # the work and the values it is from
        self._last = False  # finish the work in hand, then stop
        self._stopped = False  # stop at the next checkpoint
        self._thread: threading.Thread | None = None
        self.twin: Any = None  # `attach`
        self.error: BaseException | None = None  # what stopped the work, if it failed

    # --- HiGHS's side ---------------------------------------------------------------------
    def attach(self, model: Any, columns: list, twin: Any = None) -> None:
        """Start the work's thread for `model`, whose HiGHS column j is `columns[j]`; `twin`:
        what else the solver offers the work (`bulk.Twin`: a copy of its HiGHS model)."""
        self.twin = twin
        self._model, self._columns = model, columns
        self._thread = threading.Thread(target=self._loop, name="ahead", daemon=True)
        self._thread.start()

    def offer(self, values: Any) -> None:
        """A new incumbent (HiGHS's callback thread): copied, as HiGHS reuses its memory."""
        copy = np.array(values, dtype=float, copy=True)
        with self._cond:
            self._latest = copy
            self._cond.notify_all()

    def settle(self, final: Sequence[float]) -> None:
        """HiGHS has stopped with the solution `final`, about to be loaded into the model. Work
        made (or being made) from it goes on to its end, any other is stopped; its thread has
        ended when this returns: the model is the caller's alone again."""
        with self._cond:
            keep = (
                not self._stopped
                and self._ready
                and self._latest is not None
                and same(self._latest, final)
            )
            self._last = True
            self._stopped = self._stopped or not keep
            self._cond.notify_all()
        self._join()

    def ready(self) -> None:
        """The work may begin (what it needs besides the model is known)."""
        with self._cond:
            self._ready = True
            self._cond.notify_all()

    def cancel(self, wait: bool = True) -> None:
        """Stop the work at its next checkpoint (HiGHS failed or was interrupted: nothing of
        the work is wanted) and, with `wait`, wait for its thread to end. An interrupted
        command does not wait: it leaves at once (`interrupt.main`)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if wait:
            self._join()

    # --- the run's side ---------------------------------------------------------------------
    def result(self, model: Any) -> T | None:
        """The work if it was made from `model` with exactly the values it holds now; else
        None. Asked once HiGHS's runs are over (`settle` has ended the work's thread). The
        work is handed over or dropped: this object keeps nothing of it."""
        self.cancel()
        made, self._made, self.twin = self._made, None, None
        columns = self._columns
        if made is None or model is not self._model or columns is None:
            return None
        return made[1] if same(made[0], [v.value for v in columns]) else None

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    # --- the work's thread -----------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and not (self._ready and self._wanted()):
                    if self._last:
                        return
                    self._cond.wait()
                if self._stopped:
                    return
                values = self._latest
                assert values is not None
            try:
                with quick_switches():
                    self._load(values)
                    made = self._work(self._model, self._checkpoint(values))
            except Stale:
                continue
            except BaseException as exc:  # noqa: BLE001 - the slow path makes it again
                self.error = exc
                return
            with self._cond:
                self._made = (values, made)

    def _wanted(self) -> bool:
        """A newer incumbent than the work made."""
        return self._latest is not None and (
            self._made is None or self._made[0] is not self._latest
        )

    def _load(self, values: np.ndarray) -> None:
        assert self._columns is not None
        for v, x in zip(self._columns, values.tolist(), strict=True):
            v.set_value(x, skip_validation=True)

    def _checkpoint(self, values: np.ndarray) -> Callable[[], None]:
        def checkpoint() -> None:
            if self._stopped or self._latest is not values:
                raise Stale

        return checkpoint


_SWITCHING = threading.Lock()
_SWITCH: dict[str, Any] = {"works": 0, "interval": None}  # works running, the interval before


@contextmanager
def quick_switches() -> Iterator[None]:
    """The interpreter's switch interval at SWITCH_INTERVAL while any work runs, then back."""
    with _SWITCHING:
        if _SWITCH["works"] == 0:
            _SWITCH["interval"] = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        _SWITCH["works"] += 1
    try:
        yield
    finally:
        with _SWITCHING:
            _SWITCH["works"] -= 1
            if _SWITCH["works"] == 0:
                sys.setswitchinterval(_SWITCH["interval"])


def same(values: np.ndarray, final: Sequence[float]) -> bool:
    """Bit for bit the same numbers (0.0 and -0.0 differ: a cell would show "-0")."""
    other = np.asarray(final, dtype=float)
    return values.shape == other.shape and values.tobytes() == other.tobytes()


@contextmanager
def incumbents(h: Any, ahead: Ahead | None) -> Iterator[None]:
    """Within the block, HiGHS's improving solutions on `h` are offered to `ahead`."""
    if ahead is None:
        yield
        return

    def on_improving(e: Any) -> None:
        try:
            ahead.offer(e.data_out.mip_solution)
        except BaseException:  # noqa: BLE001 - never into HiGHS; the work is only a shortcut
            ahead.cancel()

    h.cbMipImprovingSolution.subscribe(on_improving)
    try:
        yield
    finally:
        h.cbMipImprovingSolution.unsubscribe(on_improving)
