"""The progress display of ``mineralclub solve`` on standard error.

Each finished step prints one line with its elapsed time (``  build             0.8 s``); the
steps still running are shown below them with a spinner, their elapsed time and, while HiGHS
solves, the model's incumbent objective, dual bound and gap. On a terminal that area is redrawn
in place (rich ``Live``); anywhere else (CI logs, pipes) only plain lines are written: one per
finished step and one per improving solution. With ``verbose`` HiGHS' own log is printed too,
each line labelled with its model. Steps and solver events may arrive from the baseline's
thread as well as the main one.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from mineralclub.progress import Progress, SolverEvent

WIDTH = 16  # the step column: "marginal costs" and a space or two


class StepDisplay(Progress):
    """Step lines and live solver status on `console` (a context manager: the live area exists
    within the block)."""

    def __init__(self, console: Console, steps: bool = True, verbose: bool = False):
        self.console = console
        self.steps = steps  # False: only the solver log (verbose) is shown
        self.verbose = verbose
        self.live_area = steps and console.is_terminal
        self._lock = threading.Lock()
        self._running: dict[str, tuple[float, str | None, Spinner]] = {}
        self._latest: dict[str, SolverEvent] = {}  # model -> its latest event
        self._live: Live | None = None

    def __enter__(self) -> StepDisplay:
        if self.live_area:
            self._live = Live(
                console=self.console,
                get_renderable=self._render,
                refresh_per_second=4,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    # --- Progress ------------------------------------------------------------------------------
    def start(self, step: str, model: str | None = None) -> None:
        with self._lock:
            self._running[step] = (time.perf_counter(), model, Spinner("dots"))
        self._refresh()

    def finish(self, step: str) -> None:
        with self._lock:
            started, model, _ = self._running.pop(step, (time.perf_counter(), None, None))
            event = self._latest.get(model) if model else None
        self._refresh()  # the live area without this step, before its line is printed
        if self.steps:
            line = f"  {step:<{WIDTH}}{time.perf_counter() - started:6.1f} s"
            if event is not None:
                line += f"   {solver_text(event)}"
            self._print(line)

    def solver(self, event: SolverEvent) -> None:
        with self._lock:
            self._latest[event.model] = event
            started = [t for t, model, _ in self._running.values() if model == event.model]
        if self.steps and event.improving and not self.live_area:
            elapsed = time.perf_counter() - started[0] if started else event.seconds
            line = f"  {'':<{WIDTH}}{elapsed:6.1f} s   {event.model}: {solver_text(event)}"
            self._print(line)

    def solver_log(self, model: str, line: str) -> None:
        self._print(f"[{model}] {line}")

    # --- drawing ---------------------------------------------------------------------------------
    def _refresh(self) -> None:
        live = self._live
        if live is not None:
            live.refresh()

    def _print(self, line: str) -> None:
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def _render(self) -> RenderableType:
        now = time.perf_counter()
        with self._lock:  # Live's refresh thread reads what the solving threads write
            running = list(self._running.items())
            latest = dict(self._latest)
        rows = []
        for step, (started, model, spinner) in running:
            text = f"{step:<{WIDTH}}{now - started:6.1f} s"
            event = latest.get(model) if model else None
            if event is not None:
                text += f"   {solver_text(event)}"
            spinner.update(text=Text(text))
            rows.append(spinner)
        return Group(*rows)


def solver_text(event: SolverEvent) -> str:
    """`incumbent 54,445.69, bound 54,440.12, gap 0.01%` (USD million; what is known so far)."""
    parts = [f"incumbent {_money(event.objective)}", f"bound {_money(event.bound)}"]
    if event.gap is not None:
        parts.append(f"gap {event.gap:.2%}")
    return ", ".join(parts)


def _money(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x + 0.0:,.2f}".replace("-0.00", "0.00")  # no "-0.00" for a bound of -1e-12
