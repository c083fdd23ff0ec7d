"""Run a list of sweep runs: serially on one persistent session, over local worker processes,
or on a Dask distributed cluster; with a progress bar on standard error.

Runs are independent, so they are cut into chunks and each worker keeps its own persistent
session (model and HiGHS instance) across the chunks it gets. With `workers=N` this process
is one of the N workers (it solves while the N - 1 spawned processes start up) and the others
are fresh processes; one HiGHS thread each; a chunk is one run unless `chunk_size` says
otherwise, handed to whichever worker is free first (`benchmarks/sweep_workers.py`). On a Dask
cluster the workbook is scattered to every worker once and each worker thread keeps its own
session per sweep. Every run starts from a cleared solver state, so the rows do not depend on
how the runs were chunked: serial, `--workers N` and Dask give the same results (only
`seconds` differ).
"""

from __future__ import annotations

import math
import queue
import sys
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from multiprocessing import get_context
from typing import Any

from mineralclub.bulk import use_threads
from mineralclub.solve import SolveOptions
from mineralclub.sweep.address import Base
from mineralclub.sweep.plan import Run
from mineralclub.sweep.session import Session

SolveFn = Callable[[Session, Any], dict]  # (session, a run: sweep.plan.Run or another kind)


class DaskMissing(RuntimeError):
    """--scheduler needs the optional `distributed` extra."""


def run_all(
    base: Base,
    runs: list,
    opts: SolveOptions | None = None,
    workers: int = 1,
    scheduler=None,
    progress: bool = False,
    keep_basis: bool = False,
    session: Session | None = None,
    solve: SolveFn | None = None,
    on_rows: Callable[[list[dict]], object] | None = None,
    label: str = "sweep",
    chunk_size: int | None = None,
) -> list[dict]:
    """Solve every run; return one row per run (run fields first), in run order.

    `scheduler` is a Dask scheduler address or a `distributed.Client`; `session` reuses an
    existing serial session (and its built model). `solve(session, run) -> row` (a module-level
    function, so that workers can unpickle it; default `solve_run`) turns a run into its row,
    and `on_rows(rows)` is told the rows of each finished chunk (to save them as they come);
    `chunk_size` fixes how many runs a worker takes at a time (default: one for local
    processes, about four chunks per worker on Dask)."""
    opts = opts or SolveOptions()
    solve = solve or solve_run

    def done(rows: list[dict]) -> None:
        if on_rows is not None:
            on_rows(rows)
        bar.advance(len(rows))

    with Progress(len(runs), enabled=progress, label=label) as bar:
        if scheduler is not None:
            rows = _dask(base, runs, opts, scheduler, keep_basis, done, solve, chunk_size)
        elif workers > 1 and len(runs) > 1:
            rows = _processes(base, runs, opts, workers, keep_basis, done, solve, chunk_size)
        else:
            session = session or Session(base, opts, keep_basis=keep_basis)
            if opts.threads:
                use_threads(opts.threads)  # HiGHS' scheduler sized for this thread count
            rows = []
            try:
                for run in runs:
                    rows.append(solve(session, run))
                    done(rows[-1:])
            finally:
                if opts.threads:
                    use_threads(None)
    return sorted(rows, key=lambda r: r["run"])


def solve_run(session: Session, run: Run) -> dict:
    row = {
        "run": run.id,
        "sweep": run.sweep,
        "mode": run.mode,
        "parameter": run.parameter,
        "value": run.value,
        "changes": run.changes,
    }
    try:
        row.update(session.run_row(list(run.changes)))
    except Exception as exc:  # one broken run must not stop the sweep: record it
        row.update(
            status="FAILED",
            message=f"error: {type(exc).__name__}: {exc}",
            rebuilt=None,
            seconds=None,
        )
    return row


def chunks(runs: list[Run], workers: int, per_worker: int = 4, size: int | None = None):
    """About `per_worker` chunks per worker (load balance), consecutive runs together; or
    chunks of `size` runs."""
    size = size or max(1, math.ceil(len(runs) / (workers * per_worker)))
    return [runs[i : i + size] for i in range(0, len(runs), size)]


# --- local processes -----------------------------------------------------------------------

_PROCESS_SESSION: Session | None = None


def _init_process(base: Base, opts: SolveOptions, keep_basis: bool) -> None:
    global _PROCESS_SESSION
    _PROCESS_SESSION = Session(base, opts, keep_basis=keep_basis)
    use_threads(opts.threads)


def _process_chunk(runs: list[Run], solve: SolveFn = solve_run) -> list[dict]:
    assert _PROCESS_SESSION is not None, "the worker process was not initialised"
    return [solve(_PROCESS_SESSION, run) for run in runs]


class _Work:
    """The chunks not yet taken: the helper processes take from the front, this process
    from the back (both under one lock: two threads take)."""

    def __init__(self, parts: list[list[Run]]):
        self.parts = deque(parts)
        self.lock = threading.Lock()

    def take(self, front: bool) -> list[Run] | None:
        with self.lock:
            if not self.parts:
                return None
            return self.parts.popleft() if front else self.parts.pop()


def _feed(pool, work: _Work, helpers: int, solve, finished: queue.SimpleQueue, stop) -> None:
    """In a thread: keep one chunk running on each helper process, handing the next one over
    as soon as a helper finishes (not when this process's own solve ends); finished chunks
    (or the exception that stopped the feed) go to `finished`."""
    try:
        running: set[Future] = set()
        while True:
            while not stop.is_set() and len(running) < helpers:
                chunk = work.take(front=True)
                if chunk is None:
                    break
                running.add(pool.submit(_process_chunk, chunk, solve))
            if not running:
                return
            ended, running = wait(running, return_when=FIRST_COMPLETED)
            for future in ended:
                finished.put(future.result())
    except BaseException as exc:  # handed to the main thread, which raises it
        finished.put(exc)


def _processes(base, runs, opts, workers, keep_basis, done, solve, chunk_size) -> list[dict]:
    """`workers - 1` spawned processes and this one share the runs, one run at a time by
    default (a run of the base case takes seconds, handing one over a millisecond, so the
    workers end together): this process starts solving at once (no spawn, no re-import)
    while the others start up; a feeder thread hands the next run to a helper the moment it
    finishes one. One HiGHS thread per process."""
    if opts.threads is None:
        opts = replace(opts, threads=1)  # one HiGHS thread per worker process
    work = _Work(chunks(runs, workers, size=chunk_size or 1))
    finished: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()
    rows: list[dict] = []

    def collect() -> None:
        while True:
            try:
                part = finished.get_nowait()
            except queue.Empty:
                return
            if isinstance(part, BaseException):
                raise part
            rows.extend(part)
            done(part)

    ctx = get_context("spawn")  # no fork of a process holding solver threads
    helpers = min(workers, len(runs)) - 1
    try:
        with ProcessPoolExecutor(
            max_workers=helpers,
            mp_context=ctx,
            initializer=_init_process,
            initargs=(base, opts, keep_basis),
        ) as pool:
            feeder = threading.Thread(
                target=_feed,
                args=(pool, work, helpers, solve, finished, stop),
                name="sweep-feeder",
                daemon=True,
            )
            feeder.start()  # the helpers start up while this process builds and solves
            local = Session(base, opts, keep_basis=keep_basis)
            use_threads(opts.threads)  # this process's HiGHS scheduler, sized for its solves
            try:
                while (chunk := work.take(front=False)) is not None:
                    part = [solve(local, run) for run in chunk]
                    rows.extend(part)
                    done(part)
                    collect()
                while feeder.is_alive():
                    feeder.join(0.1)
                    collect()
                collect()
            finally:
                stop.set()  # an error or interruption here: no new chunks for the helpers
    finally:
        use_threads(None)  # back to HiGHS' own choice for later solves in this process
    return rows


# --- Dask distributed ----------------------------------------------------------------------

_THREAD = threading.local()


def _dask_chunk(
    base: Base, opts: SolveOptions, keep_basis: bool, token: str, runs: list[Run], solve=solve_run
) -> list[dict]:
    """On a Dask worker: one session per worker thread and sweep (token)."""
    sessions = getattr(_THREAD, "sessions", None)
    if sessions is None:
        sessions = _THREAD.sessions = {}
    session = sessions.get(token)
    if session is None:
        sessions.clear()  # a new sweep: free the previous sweep's models
        session = sessions[token] = Session(base, opts, keep_basis=keep_basis)
    return [solve(session, run) for run in runs]


def import_distributed():
    try:
        import distributed
    except ImportError as exc:
        raise DaskMissing(
            "--scheduler needs Dask distributed: pip install 'mineralclub[distributed]'"
        ) from exc
    return distributed


def _dask(base, runs, opts, scheduler, keep_basis, done, solve, chunk_size) -> list[dict]:
    distributed = import_distributed()
    own = not isinstance(scheduler, distributed.Client)
    client = distributed.Client(scheduler) if own else scheduler
    try:
        workers = max(1, sum(client.nthreads().values()))
        shared = client.scatter(base, broadcast=True)
        token = uuid.uuid4().hex
        futures = [
            client.submit(_dask_chunk, shared, opts, keep_basis, token, chunk, solve, pure=False)
            for chunk in chunks(runs, workers, size=chunk_size)
        ]
        rows: list[dict] = []
        for future in distributed.as_completed(futures):
            part = future.result()
            rows += part
            done(part)
        return rows
    finally:
        if own:
            client.close()


# --- progress ------------------------------------------------------------------------------


class Progress:
    """A rich progress bar on standard error (nothing when disabled)."""

    def __init__(self, total: int, enabled: bool = True, label: str = "sweep"):
        self.total, self.enabled, self.label = total, enabled, label
        self._bar: Any = None  # rich.progress.Progress, imported when enabled
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
