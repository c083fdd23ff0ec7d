"""Results made ahead of HiGHS's proof (`mineralclub.ahead`): kept only when HiGHS ends with the
very values they were made from, and then identical to the results made after it."""

from __future__ import annotations

import io
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from xlsxwriter.worksheet import Worksheet

from builders import dataset_from, hhi_target, project, single_stage
from mineralclub import pipeline
from mineralclub.ahead import Ahead, Stale, same
from mineralclub.dataset import build_dataset
from mineralclub.pipeline import TABLES, load_tables
from mineralclub.report.charts import chart_specs
from mineralclub.report.workbook import LAST, Sheet, write_ahead, write_results
from mineralclub.solve import SolveOptions

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

CLOCK = ("seconds", "started_utc", "finished_utc", "input_path")


class Var:
    """A model variable as `Ahead` uses it."""

    def __init__(self) -> None:
        self.value: float | None = None

    def set_value(self, x: float, skip_validation: bool = False) -> None:
        self.value = x


def load(columns: list[Var], values) -> None:
    for v, x in zip(columns, values, strict=True):
        v.set_value(x)


def started(columns: list[Var], work) -> tuple[Ahead, object]:
    model = object()
    ahead = Ahead(work)
    ahead.attach(model, columns)
    return ahead, model


def wait_for(condition, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


# --- the mechanism --------------------------------------------------------------------------


def test_work_made_from_the_final_values_is_kept():
    cols = [Var() for _ in range(3)]
    seen = []

    def work(m, checkpoint):
        checkpoint()
        seen.append([v.value for v in cols])
        return sum(v.value for v in cols)

    ahead, model = started(cols, work)
    ahead.ready()
    ahead.offer(np.array([1.0, 2.0, 3.5]))
    ahead.settle([1.0, 2.0, 3.5])
    assert not ahead._thread.is_alive()  # ended before the solution is loaded
    load(cols, [1.0, 2.0, 3.5])
    assert ahead.result(model) == 6.5
    assert seen == [[1.0, 2.0, 3.5]]


def test_work_from_other_values_is_stopped_and_dropped():
    cols = [Var() for _ in range(2)]
    made = threading.Event()

    def work(m, checkpoint):
        made.set()
        return "from the incumbent"

    ahead, model = started(cols, work)
    ahead.ready()
    ahead.offer([1.0, 2.0])
    made.wait(10)
    wait_for(lambda: ahead._made is not None)
    ahead.settle([1.0, 2.5])  # HiGHS ended with another plan
    assert not ahead._thread.is_alive()
    load(cols, [1.0, 2.5])
    assert ahead.result(model) is None


def test_a_newer_incumbent_restarts_the_work_at_its_next_checkpoint():
    cols = [Var()]
    go, began = threading.Event(), threading.Event()
    seen = []

    def work(m, checkpoint):
        began.set()
        go.wait(10)
        checkpoint()  # Stale for the first incumbent once the second has come
        seen.append(cols[0].value)
        return cols[0].value

    ahead, model = started(cols, work)
    ahead.ready()
    ahead.offer([1.0])
    began.wait(10)
    ahead.offer([2.0])
    go.set()
    ahead.settle([2.0])
    load(cols, [2.0])
    assert ahead.result(model) == 2.0
    assert seen == [2.0]


def test_nothing_is_made_before_ready_nor_kept_without_it():
    cols = [Var()]
    calls = []
    ahead, model = started(cols, lambda m, checkpoint: calls.append(1))
    ahead.offer([1.0])
    time.sleep(0.05)
    assert calls == []
    ahead.settle([1.0])
    load(cols, [1.0])
    assert ahead.result(model) is None
    assert calls == []


def test_a_failing_work_is_dropped_and_its_error_kept():
    cols = [Var()]

    def work(m, checkpoint):
        raise ValueError("boom")

    ahead, model = started(cols, work)
    ahead.ready()
    ahead.offer([1.0])
    ahead.settle([1.0])
    load(cols, [1.0])
    assert ahead.result(model) is None
    assert isinstance(ahead.error, ValueError)


def test_cancel_stops_the_work_at_its_next_checkpoint():
    cols = [Var()]
    go, began = threading.Event(), threading.Event()
    stopped = []

    def work(m, checkpoint):
        began.set()
        go.wait(10)
        try:
            checkpoint()
        except Stale:
            stopped.append(True)
            raise
        return 1

    ahead, model = started(cols, work)
    ahead.ready()
    ahead.offer([1.0])
    began.wait(10)
    ahead.cancel()
    go.set()
    ahead._thread.join(10)
    assert stopped == [True]
    assert ahead.result(model) is None


def test_kept_only_for_the_same_model_and_the_values_it_holds():
    cols = [Var()]
    ahead, model = started(cols, lambda m, checkpoint: "made")
    ahead.ready()
    ahead.offer([1.0])
    ahead.settle([1.0])
    load(cols, [1.0])
    assert ahead.result(object()) is None  # another model (the elastic re-solve's)


@pytest.mark.parametrize("final", [1.5, float(np.nextafter(1.0, 2.0)), None])
def test_work_kept_by_settle_is_dropped_if_the_model_then_holds_other_values(final):
    """`settle` kept the work (HiGHS's run ended with its values), then a later run (HHI
    cuts) loaded others, one ulp off included: the work is dropped, and nothing of it kept."""
    cols = [Var()]
    ahead, model = started(cols, lambda m, checkpoint: "made")
    ahead.ready()
    ahead.offer([1.0])
    ahead.settle([1.0])
    load(cols, [final])
    assert ahead._made is not None
    assert ahead.result(model) is None
    assert ahead._made is None


def test_a_zero_of_the_other_sign_is_other_values():
    cols = [Var(), Var()]
    ahead, model = started(cols, lambda m, checkpoint: "made")
    ahead.ready()
    ahead.offer([0.0, 1.0])
    ahead.settle([0.0, 1.0])
    load(cols, [-0.0, 1.0])
    assert ahead.result(model) is None


def test_same_means_bit_for_bit():
    assert same(np.array([0.0, 1.0]), [0.0, 1.0])
    assert not same(np.array([0.0, 1.0]), [-0.0, 1.0])  # a cell would show "-0"
    assert not same(np.array([1.0]), [float(np.nextafter(1.0, 2.0))])
    assert not same(np.array([1.0]), [1.0, 1.0])
    assert not same(np.array([1.0]), [None])


# --- the pipeline: identical results, kept or made again ------------------------------------


def hhi_case(lumpy: bool):
    return lambda: dataset_from(
        single_stage(
            Projects=[
                project("PA", 100, 0.2, lumpy=lumpy, stage="x", cost=100),
                project("PE", 100, 0.4, lumpy=lumpy, stage="x", cost=100, country="E"),
            ],
            Targets=[hhi_target(0.34)],
        )
    )


def workbook(name):
    return lambda: build_dataset(load_tables(ROOT / "inputs" / f"{name}.xlsx"))


CASES = {
    "example_small": workbook("example_small"),
    "example_ban": workbook("example_ban"),
    "synthetic": lambda: synthetic.dataset(8, 2, 3, 2, seed=3),
    "hhi": hhi_case(False),
    "hhi_lumpy": hhi_case(True),
}


@pytest.fixture
def settled_when_ready(monkeypatch):
    """HiGHS's end waits until the work may begin (the baseline is known), as it always has on
    the base case, whose plan HiGHS proves for seconds after the baseline is done: the work
    made from its last incumbent is then kept whatever the test machine's speed."""
    settle = Ahead.settle

    def patient(self, final):
        if self._latest is not None:
            wait_for(lambda: self._ready)
        settle(self, final)

    monkeypatch.setattr(Ahead, "settle", patient)
    monkeypatch.setattr(pipeline, "spare_core", lambda ds, opts: True)


def assert_same_tables(got: dict, want: dict) -> None:
    assert list(got) == list(want) == list(TABLES)
    for name, table in want.items():
        other = got[name]
        if name == "RunInfo":
            table = table[~table["key"].str.endswith(CLOCK)].reset_index(drop=True)
            other = other[~other["key"].str.endswith(CLOCK)].reset_index(drop=True)
        pd.testing.assert_frame_equal(other, table, check_exact=True, obj=name)


def marginal_lps(monkeypatch) -> list[str]:
    """The thread of each marginal-cost LP solved from now on, by name."""
    from mineralclub import bulk

    threads: list[str] = []
    fixed_lp = bulk.fixed_lp

    def recorded(*args):
        threads.append(threading.current_thread().name)
        return fixed_lp(*args)

    monkeypatch.setattr(bulk, "fixed_lp", recorded)
    return threads


# kept: HiGHS ended with the incumbent the tables were made from; made again: an LP (HiGHS
# reports no incumbent), or HHI cuts moved the plan after the first run
OUTCOME = {
    "example_small": "kept",
    "example_ban": "kept",
    "synthetic": "kept",
    "hhi": "made again",
    "hhi_lumpy": "made again",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_tables_made_ahead_are_those_made_after(case, settled_when_ready, monkeypatch):
    """Each case solved with the tables made from HiGHS's incumbent and without: every table
    the same, number for number, whether the work was kept or made again (when kept, with the
    marginal costs of the LP solved ahead)."""
    ds = CASES[case]()
    after = pipeline.solve_dataset(ds, SolveOptions())
    lps = marginal_lps(monkeypatch)
    made = []  # the tables of each plan_tables call
    plan_tables = pipeline.plan_tables

    def recorded(*args):
        made.append(plan_tables(*args))
        return made[-1]

    monkeypatch.setattr(pipeline, "plan_tables", recorded)
    ahead = pipeline.solve_dataset(ds, SolveOptions(), ahead=True)
    assert (after.ahead, ahead.ahead) == ("off", OUTCOME[case])
    if OUTCOME[case] == "kept":  # the marginal-cost LP too, solved on the plan's twin
        assert lps == ["ahead"]
        # made ahead: every sheet but those the writer fills last in every book
        assert set(TABLES) - set(made[0].tables) == set(LAST)
    if case.startswith("hhi"):
        info = dict(zip(*ahead.tables["RunInfo"][["key", "value"]].to_numpy().T, strict=True))
        assert int(info["hhi_cut_rounds"]) > 0
    assert_same_tables(ahead.tables, after.tables)
    assert not [t for t in threading.enumerate() if t.name == "ahead"]


def test_work_from_an_incumbent_that_is_not_final_is_made_again(settled_when_ready, monkeypatch):
    """Every incumbent offered with each value one ulp up: HiGHS never ends with values the
    work was made from, so the tables are made again from the final plan, the same as without
    the work. The ulps show in the tables: forced to keep such work, they differ."""
    from mineralclub import ahead as ahead_module

    offer = Ahead.offer
    offered = []

    def off_by_an_ulp(self, values):
        offered.append(1)
        offer(self, np.nextafter(np.asarray(values, dtype=float), np.inf))

    monkeypatch.setattr(Ahead, "offer", off_by_an_ulp)
    ds = CASES["example_small"]()
    after = pipeline.solve_dataset(ds, SolveOptions())
    again = pipeline.solve_dataset(ds, SolveOptions(), ahead=True)
    assert offered and again.ahead == "made again" and again.book is None
    assert_same_tables(again.tables, after.tables)

    monkeypatch.setattr(ahead_module, "same", lambda values, final: True)  # no comparison
    forced = pipeline.solve_dataset(ds, SolveOptions(), ahead=True)
    assert forced.ahead == "kept"
    assert [n for n in TABLES if not forced.tables[n].equals(after.tables[n])]


def test_an_infeasible_plan_is_reported_as_without_the_work(make_workbook, settled_when_ready):
    """An unmeetable target (tests/test_cli_solve.py): no incumbent, then the elastic
    re-solve's model, another one; nothing is kept and every table is as without the work."""
    path = make_workbook({"Targets!G2": 0.05, "Targets!F2": 2026})
    ds = build_dataset(load_tables(path))
    after = pipeline.solve_dataset(ds, SolveOptions())
    ahead = pipeline.solve_dataset(ds, SolveOptions(), ahead=True)
    assert after.status == ahead.status == "INFEASIBLE"
    assert ahead.ahead == "made again"
    assert_same_tables(ahead.tables, after.tables)


# --- the workbook: its cells written ahead ---------------------------------------------------


def cells(path: Path) -> dict:
    """Every sheet's cells (value, number format, bold), widths, panes and filter."""
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        rows = [
            [(c.value, c.number_format, bool(c.font.b)) for c in row]
            for row in ws.iter_rows()
            if not (ws.title == "RunInfo" and str(row[0].value).endswith(CLOCK))
        ]
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        out[ws.title] = (rows, widths, ws.freeze_panes, ws.auto_filter.ref)
    return out


def charts(path: Path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith(("xl/charts/", "xl/drawings/"))}


def test_a_workbook_written_ahead_is_the_one_written_after(tmp_path, settled_when_ready):
    """`run` with the plan's sheets written from HiGHS's incumbent: the workbook has the same
    sheets, cells, formats, widths, panes, filters and charts as one written from the same
    tables after the run; every part of the file is the same, byte for byte (all but
    docProps/core.xml's clock; the zip's own entry dates differ: a book made in memory dates
    them 1980)."""
    result = pipeline.run(ROOT / "inputs" / "example_small.xlsx", tmp_path, SolveOptions())
    assert result.ahead == "kept" and result.book is None  # written, then let go
    fresh = write_results(tmp_path / "fresh.xlsx", result.tables)
    assert cells(result.results_path) == cells(fresh)
    assert charts(result.results_path) == charts(fresh) != {}
    assert parts(result.results_path) == parts(fresh)  # the same file, part for part


def parts(path: Path) -> dict[str, bytes]:
    """Every part of a workbook file but docProps/core.xml, which holds its creation time."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def closing_renders(monkeypatch) -> list[str]:
    """The sheets the book's closing turns into XML itself, by name, as it does so."""
    made: list[str] = []
    assemble = Worksheet._assemble_xml_file

    def counted(self):
        made.append(self.name)
        assemble(self)

    monkeypatch.setattr(Worksheet, "_assemble_xml_file", counted)
    return made


def test_sheets_rendered_ahead_are_byte_for_byte_those_the_closing_makes(tmp_path, monkeypatch):
    """The plan's sheets turned into XML as they are written ahead (`Sheet.render`): the
    closing copies that XML instead of making it, and every part of the file is byte for byte
    that of the same book left for the closing to render."""
    tables = pipeline.solve_dataset(CASES["example_small"](), SolveOptions()).tables
    late = ("Summary", "Targets", "RunInfo")
    plan = {k: v for k, v in tables.items() if k not in late}
    made = closing_renders(monkeypatch)
    books = {}
    for render in (True, False):
        early = write_ahead(plan, TABLES, lambda: None, render=render)
        rendered = sorted(n for n, ws in early.sheets.items() if ws.early is not None)
        assert rendered == (sorted(plan) if render else [])
        made.clear()
        books[render] = parts(write_results(tmp_path / f"{render}.xlsx", tables, early))
        closed = set(made) - {"Charts", "ChartData"}
        assert closed == (set(late) if render else set(tables))
    assert books[True] == books[False]
    assert any(n.startswith("xl/worksheets/") for n in books[True])


def test_a_sheet_whose_view_changed_after_its_rendering_is_rendered_again(tmp_path, monkeypatch):
    """A sheet selected after it was rendered shows what the closing makes of it, not the XML
    made before: the closing renders it again."""
    tables = pipeline.solve_dataset(CASES["example_small"](), SolveOptions()).tables
    plan = {"Projects": tables["Projects"]}
    made = closing_renders(monkeypatch)
    books = {}
    for render in (True, False):
        early = write_ahead(plan, TABLES, lambda: None, render=render)
        assert isinstance(early.sheets["Projects"], Sheet)
        early.sheets["Projects"].select()
        part = f"xl/worksheets/sheet{early.sheets['Projects'].index + 1}.xml"
        made.clear()
        books[render] = parts(write_results(tmp_path / f"{render}.xlsx", tables, early))
        assert "Projects" in made
    assert books[True] == books[False]
    assert b'tabSelected="1"' in books[True][part]


def test_a_book_that_does_not_fit_the_final_tables_is_written_again(tmp_path):
    """Written ahead without the charts the final tables have (Supply alone draws none): the
    book does not fit, and the workbook is written from the tables alone."""
    tables = pipeline.solve_dataset(CASES["example_small"](), SolveOptions()).tables
    part = {"Supply": tables["Supply"]}  # no chart drawn from it
    early = write_ahead(part, TABLES, lambda: None)
    assert not early.fits(tables, chart_specs(tables))
    again = write_results(tmp_path / "again.xlsx", tables, early)
    fresh = write_results(tmp_path / "fresh.xlsx", tables)
    assert cells(again) == cells(fresh)
    assert isinstance(early.file, io.BytesIO) and early.file.getbuffer().nbytes == 0


def test_a_book_fits_only_the_tables_it_was_filled_from():
    """A sheet filled ahead from one table does not fit a final table that is another object,
    even an equal copy: the book is finished only with the tables it was written from."""
    tables = pipeline.solve_dataset(CASES["example_small"](), SolveOptions()).tables
    part = {k: tables[k] for k in ("Projects", "Concentration")}
    early = write_ahead(part, TABLES, lambda: None)
    specs = chart_specs(tables)
    assert early.fits(tables, specs)
    assert not early.fits({**tables, "Projects": tables["Projects"].copy()}, specs)
    assert not early.fits({k: v for k, v in tables.items() if k != "ScenarioTree"}, specs)


def test_the_switch_interval_is_short_while_a_work_runs_and_restored_after():
    """HiGHS's callbacks wait for the interpreter: while any work runs they wait 0.1 ms, not
    5 ms; the interval is restored once the last of two overlapping works ends."""
    from mineralclub.ahead import SWITCH_INTERVAL, quick_switches

    before = sys.getswitchinterval()
    with quick_switches():
        with quick_switches():
            assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
    assert sys.getswitchinterval() == before


def test_a_failed_run_leaves_no_work_running(monkeypatch):
    """HiGHS's run fails while the work is being made: the error reaches the caller, and by
    then the work's thread has ended and the switch interval is as it was."""
    from mineralclub import bulk

    begun = threading.Event()

    def slow_cells(made, checkpoint):
        begun.set()
        time.sleep(0.3)  # still at work when the run fails

    run_highs = bulk.run_highs

    def failing(h):  # the plan's run: in this thread (the baseline's is in a second one)
        run_highs(h)
        if threading.current_thread() is threading.main_thread():
            assert begun.wait(10)
            raise RuntimeError("HiGHS failed")

    monkeypatch.setattr(bulk, "run_highs", failing)
    monkeypatch.setattr(pipeline, "spare_core", lambda ds, opts: True)
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError, match="HiGHS failed"):
        pipeline.solve_dataset(CASES["example_ban"](), SolveOptions(), ahead=True, cells=slow_cells)
    assert not [t for t in threading.enumerate() if t.name == "ahead"]
    assert sys.getswitchinterval() == before
