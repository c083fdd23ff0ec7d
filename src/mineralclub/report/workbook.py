"""Write the results workbook (SPEC §5) with xlsxwriter, atomically, in one pass.

Input: the tidy results tables, one per sheet. Output: Summary (machine-readable ``key`` /
``value`` in A:B, a human label in C, the headline block a person reads first in E), Charts
(native charts, `mineralclub.report.charts`), the tables in `SHEET_ORDER`, and ChartData last.

Every sheet: a filled bold header, frozen and filterable; number formats by unit (USD million
``#,##0.00``, tonnes and USD/t ``#,##0``, shares ``0.0%``, HHI ``0.000``); columns wide enough
for their values; printed landscape on A4, one page wide, the header row repeated on every
page (Summary and Charts on one page each). Text is always written as text (a name starting
with ``=``, ``+``, ``-`` or ``@`` never becomes a formula).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from mineralclub.io.atomic import write_atomic
from mineralclub.report import SHEET_ORDER
from mineralclub.report.charts import (
    CHARTS_SHEET,
    DATA_SHEET,
    DAYS,
    HHI,
    MUSD,
    SHARE,
    TONNES,
    ChartSpec,
    add_charts,
    chart_specs,
)
from mineralclub.report.headline import headline_lines

SUMMARY_LABELS = {
    "name": "Run name",
    "status": "Solver status: OPTIMAL, TIME_LIMIT or INFEASIBLE",
    "objective_musd": "Objective: everything below, penalties included",
    "baseline_objective_musd": "Objective with every lever off (baseline)",
    "cost_over_baseline_musd": "What the plan costs over doing nothing (no penalties)",
    "fiscal_cost_musd": "Club spending: support + floors + offtake + stockpiles - levy revenue",
    "damage_musd": "Economic damage: import premium + unmet demand",
    "target_penalty_musd": "Notional penalties for missed soft targets",
    "soft_targets_missed": "Soft targets missed (count)",
    "risk_musd": "Risk charge: weight x CVaR of scenario cost",
    "project_support_musd": "Co-finance of new mines and refineries",
    "floor_payout_musd": "Price-floor payouts to producers",
    "offtake_cost_musd": "Offtake, net of market value (negative = hedge gain)",
    "stockpile_cost_musd": "Stockpiles: capacity, purchases net of releases, holding",
    "import_premium_musd": "Freight and tariffs on imports",
    "shortfall_musd": "Penalty for demand left unmet",
    "levy_revenue_musd": "Variable levy on non-zone imports under reference prices (revenue)",
    "consumer_cost_musd": "Club buyers' extra cost at reference prices above the market",
    "producer_gain_musd": "Member producers' extra revenue at reference prices",
    "weighted_transfers_musd": "consumer_cost_weight x consumer cost - producer_gain_weight x "
    "producer gain",
    "mip_gap": "Optimality gap at which the solver stopped",
}
HEADER_FILL = "#DDEBF7"
WIDTH_MIN, WIDTH_MAX = 8, 70


class Styles:
    """The workbook's cell formats, created once each, and a typed cell writer.

    Each format is numbered as it is created (xlsxwriter numbers a format when a sheet using
    it is first turned into XML): so the cells' style numbers do not depend on when or in
    which order the sheets are turned into XML (`Sheet.render`)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.header = self._new(
            {"bold": True, "bg_color": HEADER_FILL, "valign": "top", "bottom": 1}
        )
        self.bold = self._new({"bold": True})
        self.title = self._new({"bold": True, "font_size": 16, "font_color": "#1F4E79"})
        self.headline = self._new({"font_size": 12})
        self.note = self._new({"italic": True, "font_color": "#595959"})
        self.key = self._new({"font_color": "#595959"})
        self.text = self._new({"indent": 1})  # clear of a right-aligned number before it
        self._numbers: dict[str, object] = {}

    def _new(self, properties: dict[str, Any]) -> Any:
        fmt = self.book.add_format(properties)
        fmt._get_xf_index()  # numbered now (see above); formats are never changed once made
        return fmt

    def number(self, fmt: str | None):
        if fmt is None:
            return None
        if fmt not in self._numbers:
            self._numbers[fmt] = self._new({"num_format": fmt})
        return self._numbers[fmt]

    @staticmethod
    def write(ws, row: int, col: int, v, fmt=None) -> None:
        """One cell by the value's type; blanks (None, NaN) are left empty; text is text."""
        if v is None:
            return
        if isinstance(v, bool | np.bool_):
            ws.write_boolean(row, col, bool(v), fmt)
        elif isinstance(v, int | float | np.integer | np.floating):
            f = float(v)
            if math.isfinite(f):
                ws.write_number(row, col, f, fmt)
            elif f == f:
                ws.write_string(row, col, "inf" if f > 0 else "-inf", fmt)
        elif isinstance(v, str):
            ws.write_string(row, col, v, fmt)
        elif not pd.isna(v):
            ws.write_string(row, col, str(v), fmt)


# --- formats ----------------------------------------------------------------------------------


def column_format(column: str) -> str | None:
    """Number format of a results column from its name and unit suffix."""
    if column.endswith("_musd_per_pp"):
        return "#,##0.000"
    if column.endswith("_musd"):
        return MUSD
    if column.endswith(("_t", "_usd_per_t", "_t_per_yr", "_usd_per_t_yr")):
        return TONNES
    if column == "days_of_demand":
        return DAYS
    if column in ("probability", "share_of_bill", "built"):
        return SHARE
    return None


def share_format(metric) -> str:
    """Format of a share-valued cell whose meaning depends on its metric."""
    if metric in ("hhi", "max_hhi"):
        return HHI
    if metric == "min_stock_days":
        return DAYS
    return SHARE


BY_METRIC = {"Concentration": ("baseline", "optimised"), "Targets": ("value", "achieved")}


def shown(v, fmt: str | None) -> str:
    """A value roughly as Excel shows it in `fmt` (for column widths)."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool | np.bool_ | str) or not isinstance(v, int | float | np.number):
        return str(v)
    f = float(v)
    if not math.isfinite(f):
        return str(f)
    if fmt in (MUSD, "#,##0.000"):
        return f"{f:,.3f}"
    if fmt in (TONNES, DAYS):
        return f"{f:,.1f}"
    if fmt == SHARE:
        return f"{100 * f:.1f}%"
    if isinstance(v, int | np.integer) or f.is_integer():
        return f"{int(f)}"
    return f"{f:.6g}"


def width_of(header: str, values: list, fmt: str | None) -> float:
    longest = max([len(str(header)) + 3] + [len(shown(v, fmt)) + 2 for v in values])
    return float(min(WIDTH_MAX, max(WIDTH_MIN, longest)))


# --- sheets -----------------------------------------------------------------------------------


def print_setup(ws, one_page: bool = False) -> None:
    """Landscape A4, one page wide (and tall with `one_page`), header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1 if one_page else 0)
    if not one_page:
        ws.repeat_rows(0)
    ws.set_footer("&L&A&RPage &P of &N")


def write_table(
    book,
    name: str,
    df: pd.DataFrame,
    styles: Styles,
    formats=column_format,
    width_max: int = WIDTH_MAX,
):
    """A sheet with `df`: header row, typed cells, formats, widths, filter, print setup."""
    return fill_table(book.add_worksheet(name[:31]), name, df, styles, formats, width_max)


def fill_table(
    ws,
    name: str,
    df: pd.DataFrame,
    styles: Styles,
    formats=column_format,
    width_max: int = WIDTH_MAX,
):
    """`write_table` into the sheet `ws`, already added."""
    for j, col in enumerate(df.columns):
        ws.write_string(0, j, str(col), styles.header)
    row_fmts = {}
    if name in BY_METRIC and "metric" in df.columns:
        per_row = [styles.number(share_format(m)) for m in df["metric"]]
        row_fmts = {col: per_row for col in BY_METRIC[name] if col in df.columns}
    for j, col in enumerate(df.columns):
        fmt_name = formats(str(col))
        fmt = styles.number(fmt_name)
        if fmt is None and pd.api.types.is_string_dtype(df[col].dtype):
            fmt = styles.text
        write_column(ws, j, df[col], fmt, row_fmts.get(col))
        sample = df[col].head(300).tolist()
        if df[col].dtype.kind in "fiu" and len(df):  # the extremes too: no "####" cells
            sample += [df[col].max(), df[col].min()]
        width = width_of(col, sample, fmt_name or (SHARE if col in row_fmts else None))
        ws.set_column(j, j, min(width, width_max))
    ws.freeze_panes(1, 0)
    if len(df.columns):
        ws.autofilter(0, 0, max(1, len(df)), len(df.columns) - 1)
    print_setup(ws)
    return ws


def write_column(ws, j: int, series: pd.Series, fmt, row_fmts=None) -> None:
    """Cells (1.., j) from `series`: a numeric column straight as numbers, others by type."""
    if row_fmts is None and series.dtype.kind in "fiu":
        for i, v in enumerate(series.to_numpy(dtype=float).tolist(), start=1):
            if math.isfinite(v):
                ws.write_number(i, j, v, fmt)
            elif v == v:
                ws.write_string(i, j, "inf" if v > 0 else "-inf", fmt)
        return
    if row_fmts is None and series.dtype.kind == "b":
        for i, v in enumerate(series.tolist(), start=1):
            ws.write_boolean(i, j, v, fmt)
        return
    if row_fmts is None and pd.api.types.is_string_dtype(series.dtype):
        for i, v in enumerate(series.tolist(), start=1):
            if isinstance(v, str):  # blanks (NaN, None) stay empty
                ws.write_string(i, j, v, fmt)
            elif v is not None and v == v:  # an object column holding non-text too
                Styles.write(ws, i, j, v, fmt)
        return
    for i, v in enumerate(series.tolist(), start=1):
        Styles.write(ws, i, j, v, row_fmts[i - 1] if row_fmts is not None else fmt)


def fill_summary(ws, tables: dict[str, pd.DataFrame], styles: Styles):
    """The Summary sheet `ws`: A:B ``key`` / ``value`` (machine-readable), C the label, E the
    headline block."""
    summary = tables["Summary"]
    for j, col in enumerate(("key", "value", "label (money: USD million)")):
        ws.write_string(0, j, col, styles.header)
    keys, values = [str(k) for k in summary["key"]], summary["value"].tolist()
    shown_values = []
    for i, (key, value) in enumerate(zip(keys, values, strict=True), start=1):
        ws.write_string(i, 0, key, styles.key)
        fmt = MUSD if key.endswith("_musd") else "0.00%" if key == "mip_gap" else None
        Styles.write(ws, i, 1, value, styles.number(fmt))
        label = SUMMARY_LABELS.get(key, "")
        ws.write_string(i, 2, label)
        shown_values.append(shown(value, MUSD if fmt == MUSD else None))
    lines = headline_lines(tables, max_lines=max(len(keys), 6))
    ws.write_string(0, 4, "The plan in brief", styles.title)
    for i, line in enumerate(lines, start=1):
        if line:
            style = (
                styles.note if line.startswith(("All money", "Columns A:B")) else styles.headline
            )
            ws.write_string(i, 4, line, style)
    ws.set_row(0, 24)
    ws.set_column(0, 0, width_of("key", keys, None))
    ws.set_column(1, 1, max(14.0, width_of("value", shown_values, None)))
    ws.set_column(
        2,
        2,
        width_of("label (money: USD million)", [SUMMARY_LABELS.get(k, "") for k in keys], None),
    )
    ws.set_column(3, 3, 2)
    ws.set_column(4, 4, min(150.0, max(len(x) for x in lines) * 1.15 + 2))  # 12 pt text
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, len(keys)), 2)
    print_setup(ws, one_page=True)
    ws.activate()
    return ws


def sheet_names(tables: Collection[str]) -> list[str]:
    return [n for n in SHEET_ORDER if n in tables] + [n for n in tables if n not in SHEET_ORDER]


# The sheets a run whose results are made ahead fills once HiGHS has stopped (the pipeline
# makes every other table from HiGHS's incumbent: `pipeline.plan_tables`). Every book is filled
# in one order, these last (`fill_order`): xlsxwriter numbers text and formats as they are
# first written, so a book made ahead and one made after are the same file, part for part.
LAST = ("Summary", "Targets", "RunInfo")


def fill_order(names: Collection[str]) -> list[str]:
    """The sheets `names` in the order every book is filled: in their order, LAST last."""
    order = sheet_names(names)
    return [n for n in order if n not in LAST] + [n for n in order if n in LAST]


class Sheet(Worksheet):
    """A worksheet whose XML can be made before the book is closed (`render`). xlsxwriter turns
    every sheet into XML as it closes the book, about 4 µs a cell; a sheet filled while HiGHS
    proves the plan (`write_ahead`) is turned into XML then too, and the closing copies that
    XML, provided the sheet still shows what it showed (`_view`: the book's closing selects
    and activates a sheet). A sheet with anything the closing links to it (charts, images,
    comments, tables, links) is never rendered early.

    Rendered early or not, a sheet's XML is the same text: the closing's own
    `_assemble_xml_file` makes it, and the formats' numbers are fixed as they are created
    (`Styles`); tests/test_ahead.py compares the two books byte for byte."""

    early: tuple[tuple[Any, ...], str] | None = None

    def render(self) -> None:
        """Make this sheet's XML now, as the book's closing would."""
        if self._linked():
            return
        view, out = self._view(), io.StringIO()
        self._set_xml_writer(out)
        super()._assemble_xml_file()
        self.early = (view, out.getvalue())

    def _assemble_xml_file(self) -> None:
        early, self.early = self.early, None
        if early is not None and early[0] == self._view() and not self._linked():
            self.fh.write(early[1])
            self._xml_close()
        else:
            super()._assemble_xml_file()

    def _view(self) -> tuple[Any, ...]:
        return (self.index, self.selected, self.active, self.hidden)

    def _linked(self) -> bool:
        return bool(
            self.charts
            or self.images
            or self.shapes
            or self.header_images
            or self.footer_images
            or self.background_image
            or self.has_vml
            or self.has_header_vml
            or self.tables
            or self.hyperlinks
            or self.has_dynamic_arrays
            or self.constant_memory
        )


class ResultsBook:
    """The results workbook, its sheets filled in any order and closed once: xlsxwriter keeps
    every cell until `finish` closes it. The sheets are added, in their order, as the book
    is made (`names`, and Charts after Summary with `charts`); `table` fills one;
    `finish` fills the rest, adds the charts and ChartData and closes the book into `file`.

    So the tables that depend on the plan's values alone can be written while HiGHS proves
    the plan (`write_ahead`), and the book finished with the run's last tables. A book made
    ahead is used only if it `fits` the final tables: the same sheets and charts as a book made
    from them would have; otherwise `write_results` starts again."""

    def __init__(self, names: list[str], charts: bool, file: str | io.BytesIO):
        self.file = file
        self.book = xlsxwriter.Workbook(
            file,
            # a book in memory makes its parts in memory too, not in temporary files
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "in_memory": isinstance(file, io.BytesIO),
            },
        )
        self.styles = Styles(self.book)
        self.charts_ws = None
        self.sheets: dict[str, Any] = {}
        self.filled: dict[str, pd.DataFrame] = {}  # the tables written, by sheet
        if charts and "Summary" not in names:
            self.charts_ws = self.book.add_worksheet(CHARTS_SHEET)
        for name in names:
            self.sheets[name] = self.book.add_worksheet(name[:31], worksheet_class=Sheet)
            if name == "Summary" and charts:
                self.charts_ws = self.book.add_worksheet(CHARTS_SHEET)

    def table(self, name: str, df: pd.DataFrame) -> None:
        fill_table(self.sheets[name], name, df, self.styles)
        self.filled[name] = df

    def render(self, name: str) -> None:
        """Turn the sheet `name`, filled, into its XML now (`Sheet.render`)."""
        self.sheets[name].render()

    def fits(self, tables: dict[str, pd.DataFrame], specs: list[ChartSpec]) -> bool:
        """The sheets and charts (`specs`, of `tables`) a book made from `tables` would
        have, and the sheets filled so far filled from these very tables."""
        return (
            list(self.sheets) == sheet_names(tables)
            and all(tables.get(name) is df for name, df in self.filled.items())
            and (self.charts_ws is not None) == bool(specs)
        )

    def finish(self, tables: dict[str, pd.DataFrame], specs: list[ChartSpec]) -> None:
        """Fill the sheets not filled yet (in `fill_order`), add the charts (`specs`, of
        `tables`), close."""
        for name in fill_order(self.sheets):
            if name == "Summary":
                fill_summary(self.sheets[name], tables, self.styles)
            elif name not in self.filled:
                self.table(name, tables[name])
        if specs:
            data_ws = self.book.add_worksheet(DATA_SHEET)
            add_charts(self.book, self.charts_ws, data_ws, specs, self.styles)
            print_setup(data_ws)
        self.book.close()


def write_ahead(
    tables: dict[str, pd.DataFrame],
    names: Iterable[str],
    checkpoint: Callable[[], None],
    render: bool = True,
) -> ResultsBook:
    """A results book, in memory, for a run whose tables will be `names`, with the sheets of
    `tables` (made before the run ends) filled and turned into XML; `checkpoint()` between
    two steps."""
    book = ResultsBook(sheet_names(list(names)), bool(chart_specs(tables)), io.BytesIO())
    for name in fill_order(tables):
        checkpoint()
        book.table(name, tables[name])
        if render:
            checkpoint()
            book.render(name)
    return book


def write_results(
    path: Path, tables: dict[str, pd.DataFrame], ahead: ResultsBook | None = None
) -> Path:
    """Write the results workbook atomically and return its path; with `ahead` (`write_ahead`),
    finish that book if it fits the tables."""
    specs = chart_specs(tables)
    if ahead is not None and ahead.fits(tables, specs):
        ahead.finish(tables, specs)
        buffer = ahead.file
        assert isinstance(buffer, io.BytesIO)
        return write_atomic(Path(path), lambda tmp: tmp.write_bytes(buffer.getbuffer()))
    names = sheet_names(tables)
    return write_atomic(
        Path(path), lambda tmp: ResultsBook(names, bool(specs), str(tmp)).finish(tables, specs)
    )
