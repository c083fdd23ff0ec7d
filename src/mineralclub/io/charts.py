"""Charts and formats for the results workbook: ``decorate(workbook, tables)`` (SPEC §5).

The headline figures become native, editable Excel charts on a ``Charts`` sheet (right after
Summary). Charts need contiguous ranges, so their data are laid out as small blocks on a
``ChartData`` sheet (last): a title row, a header row (categories, then one column per series)
and the data rows. `chart_specs(tables)` builds those blocks from the result tables only; the
PNG figures (`mineralclub.figures`) draw the very same specs.

Formats: numbers by unit (USD million ``#,##0.00``; tonnes and USD/t ``#,##0``; shares
``0.0%``; HHI ``0.000``), a filled bold header, and on Summary a human label (column C) and a
short note (column D) beside the machine-readable ``key`` / ``value`` columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.title import title_maker
from openpyxl.drawing.text import CharacterProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MUSD, TONNES, SHARE, HHI, DAYS = "#,##0.00", "#,##0", "0.0%", "0.000", "#,##0.0"
CHARTS_SHEET, DATA_SHEET = "Charts", "ChartData"
ROW_CM = 0.53  # height of a default worksheet row (15 points)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")

COST_PARTS = {
    "project_support_musd": "Project support",
    "floor_payout_musd": "Price floors",
    "offtake_cost_musd": "Offtake",
    "stockpile_cost_musd": "Stockpiles",
    "import_premium_musd": "Import premium",
    "shortfall_musd": "Shortfall",
    "target_penalty_musd": "Target penalties",
    "risk_musd": "Risk (CVaR)",
}

SUMMARY_LABELS = {
    "name": "Run name",
    "status": "Solver status: OPTIMAL, TIME_LIMIT (best plan found in time) or INFEASIBLE",
    "objective_musd": "Expected total cost of the plan",
    "baseline_objective_musd": "Expected total cost with every lever off (baseline)",
    "fiscal_cost_musd": "Club spending: support + floors + offtake + stockpiles - levy revenue",
    "damage_musd": "Economic damage: import premium + unmet demand",
    "target_penalty_musd": "Penalties for missed soft targets",
    "risk_musd": "Risk charge: weight x CVaR of scenario cost",
    "project_support_musd": "Co-finance of new mines and refineries",
    "floor_payout_musd": "Price-floor payouts to producers",
    "offtake_cost_musd": "Offtake contracts, net of market value (negative = hedge gain)",
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

SUMMARY_NOTE = (
    "Money in USD million: expected over the scenarios, discounted to the base year.",
    "objective = fiscal cost + damage + target penalties + risk + weighted transfers.",
    "Charts: see the Charts sheet. Who pays and who receives: see the Ledger sheet.",
)


@dataclass(frozen=True)
class ChartSpec:
    """One chart: `data`'s first column holds the categories, every other column a series."""

    name: str  # used in file names: <stem>_<name>.png
    title: str
    kind: str  # "bar" or "line"
    data: pd.DataFrame
    x_title: str
    y_title: str
    number_format: str
    horizontal: bool = False  # bars drawn sideways (long category lists)

    @property
    def series(self) -> list[str]:
        return list(self.data.columns[1:])


# --- chart data from the result tables ------------------------------------------------------


def chart_specs(tables: dict[str, pd.DataFrame]) -> list[ChartSpec]:
    """Every chart that has data, in display order."""
    specs = concentration_specs(tables.get("Concentration"))
    for make in (cost_spec, stockpile_spec, support_spec, ledger_spec):
        spec = make(tables)
        if spec is not None:
            specs.append(spec)
    return specs


def concentration_specs(conc: pd.DataFrame | None) -> list[ChartSpec]:
    """Before (baseline) vs after (plan) per mineral: non-member share and HHI of club supply,
    final stage, expected over scenarios, in the last year."""
    if conc is None or conc.empty:
        return []
    df = conc[(conc["scenario"] == "expected") & (conc["scope"] == "club")]
    if "final_stage" in df.columns:
        df = df[df["final_stage"].astype(bool)]
    else:  # older workbook: label each stage
        df = df.assign(mineral=df["mineral"] + " " + df["stage"])
    if df.empty:
        return []
    year = int(pd.to_numeric(df["year"]).max())
    df = df[pd.to_numeric(df["year"]) == year]
    out = []
    for metric, label, fmt in (("nonmember_share", "Non-member share", SHARE),
                               ("hhi", "HHI", HHI)):
        part = df[df["metric"] == metric]
        if part.empty:
            continue
        data = pd.DataFrame({"mineral": part["mineral"].to_numpy(),
                             "before (baseline)": part["baseline"].to_numpy(dtype=float),
                             "after (plan)": part["optimised"].to_numpy(dtype=float)})
        out.append(ChartSpec(f"concentration_{metric}",
                             f"{label} of club supply in {year} (final stage, expected)",
                             "bar", data, "mineral", label, fmt))
    return out


def cost_spec(tables) -> ChartSpec | None:
    summary = tables.get("Summary")
    if summary is None:
        return None
    values = dict(zip(summary["key"], summary["value"], strict=True))
    rows = [(label, float(values[key])) for key, label in COST_PARTS.items() if key in values]
    if not rows:
        return None
    data = pd.DataFrame(rows, columns=["lever", "expected cost (USD million)"])
    return ChartSpec("cost_by_lever", "Expected cost by lever (USD million)", "bar", data,
                     "lever", "USD million", MUSD)


def stockpile_spec(tables, max_series: int = 12) -> ChartSpec | None:
    """Stock level per year for each mineral that holds stock: one line when its path is the
    same in every scenario, else one per scenario; a flat zero line per mineral when none
    holds any. At most `max_series` lines, the largest first."""
    st = tables.get("Stockpile")
    if st is None or st.empty:
        return None
    wide = st.pivot_table(index="year", columns=["mineral", "scenario"], values="level_t",
                          aggfunc="sum", sort=True)
    lines: dict[str, pd.Series] = {}
    for k in wide.columns.get_level_values("mineral").unique():
        paths = wide[k]
        if paths.max().max() <= 1e-6:
            continue
        if (paths.max(axis=1) - paths.min(axis=1)).abs().max() <= 1e-6:
            lines[f"{k} (all scenarios)"] = paths.iloc[:, 0]
        else:
            for w in paths.columns:
                if paths[w].max() > 1e-6:
                    lines[f"{k} ({w})"] = paths[w]
    if lines:
        keep = sorted(lines, key=lambda n: -lines[n].max())[:max_series]
        data = pd.DataFrame({n: lines[n] for n in sorted(keep)})
    else:
        data = wide.T.groupby(level="mineral").sum().T
        data.columns = [f"{k} (no stockpile)" for k in data.columns]
    data = data.reset_index()
    data["year"] = data["year"].astype(int)
    return ChartSpec("stockpile_levels", "Stockpile level by year (t)", "line", data, "year",
                     "tonnes", TONNES)


def support_spec(tables, top: int = 20) -> ChartSpec | None:
    """Club support and the private capital it mobilises, by host country of the candidate
    projects (committed projects are sunk); the `top` hosts by support, the rest summed."""
    pr = tables.get("Projects")
    if pr is None or pr.empty:
        return None
    pr = pr[~pr["committed"].astype(bool)]
    if pr.empty:
        return None
    by = pr.groupby("country", sort=True)[["support_musd", "private_capital_musd"]].sum()
    by = _top(by.sort_values("support_musd", ascending=False, kind="stable"), top, "hosts")
    data = pd.DataFrame({"host country": by.index,
                         "club support (USD million)": by["support_musd"].to_numpy(dtype=float),
                         "private capital mobilised (USD million)":
                             by["private_capital_musd"].to_numpy(dtype=float)})
    return ChartSpec("support_by_host", "Support of new projects by host country (USD million)",
                     "bar", data, "host country", "USD million", MUSD,
                     horizontal=len(data) > 8)


def _top(df: pd.DataFrame, n: int, noun: str) -> pd.DataFrame:
    """The first n rows, and the others summed into one row 'other <count> <noun>'."""
    if len(df) <= n + 1:
        return df
    rest = df.iloc[n:].sum().to_frame(f"other {len(df) - n} {noun}").T
    return pd.concat([df.iloc[:n], rest])


def ledger_spec(tables, top: int = 20) -> ChartSpec | None:
    """Net position (received - contribution) of members and partners, largest first; beyond
    `top` countries the rest is summed."""
    led = tables.get("Ledger")
    if led is None or led.empty:
        return None
    led = led[led["role"].isin(["member", "partner"])]
    net = led.set_index("country")[["net_position_musd"]].astype(float)
    net = net.reindex(net["net_position_musd"].abs().sort_values(ascending=False,
                                                                 kind="stable").index)
    net = _top(net, top, "countries")
    data = pd.DataFrame({"country": net.index,
                         "net position (USD million)": net["net_position_musd"].to_numpy()})
    return ChartSpec("ledger_net_positions",
                     "Net position: received minus contribution (USD million)", "bar", data,
                     "country", "USD million", MUSD, horizontal=len(data) > 8)


# --- the Excel side ---------------------------------------------------------------------------


def decorate(workbook, tables: dict[str, pd.DataFrame]) -> None:
    """Format every results sheet and add the Charts and ChartData sheets."""
    for name, df in tables.items():
        if name[:31] in workbook.sheetnames:
            format_sheet(workbook[name[:31]], name, df)
    if "Summary" in tables and "Summary" in workbook.sheetnames:
        label_summary(workbook["Summary"], tables["Summary"])
    add_charts(workbook, chart_specs(tables))


def add_charts(workbook, specs: list[ChartSpec]) -> None:
    if not specs:
        return
    data_ws = workbook.create_sheet(DATA_SHEET)
    charts_ws = workbook.create_sheet(CHARTS_SHEET)
    after = workbook.sheetnames.index("Summary") + 1 if "Summary" in workbook.sheetnames else 0
    workbook.move_sheet(charts_ws, offset=after - workbook.sheetnames.index(CHARTS_SHEET))
    charts_ws["A1"] = ("Charts of the headline results. Their data are on the ChartData sheet; "
                       "edit them like any Excel chart.")
    charts_ws["A1"].font = Font(bold=True)
    row, charts = 1, []
    for spec in specs:
        header_row = write_block(data_ws, spec, row)
        charts.append(excel_chart(data_ws, spec, header_row))
        row = header_row + len(spec.data) + 2
    top = 3
    for i in range(0, len(charts), 2):  # two charts side by side, rows sized to the taller
        pair = charts[i:i + 2]
        for chart, col in zip(pair, ("A", "K"), strict=False):
            charts_ws.add_chart(chart, f"{col}{top}")
        top += math.ceil(max(c.height for c in pair) / ROW_CM) + 2
    data_ws.column_dimensions["A"].width = 24
    for col in range(2, 2 + max(len(s.series) for s in specs)):
        data_ws.column_dimensions[get_column_letter(col)].width = 22


def write_block(ws, spec: ChartSpec, row: int) -> int:
    """Title at `row`, header below it, data below that; returns the header row."""
    ws.cell(row, 1, spec.title).font = Font(bold=True)
    header = row + 1
    for j, col in enumerate(spec.data.columns, start=1):
        cell = ws.cell(header, j, str(col))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for i, values in enumerate(spec.data.itertuples(index=False), start=header + 1):
        for j, v in enumerate(values, start=1):
            cell = ws.cell(i, j, _plain(v))
            if j > 1:
                cell.number_format = spec.number_format
    return header


def _plain(v):
    if hasattr(v, "item"):  # numpy scalar -> Python
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def excel_chart(ws, spec: ChartSpec, header_row: int):
    """A bar or line chart over the block whose header is at `header_row` on sheet `ws`."""
    chart = LineChart() if spec.kind == "line" else BarChart()
    if spec.kind != "line":
        chart.type = "bar" if spec.horizontal else "col"
        chart.x_axis.tickLblPos = "low"  # category labels outside negative bars too
        if spec.horizontal:
            chart.x_axis.scaling.orientation = "maxMin"  # first category on top
            chart.y_axis.crosses = "max"  # ... and the value axis stays at the bottom
    chart.title = sized_title(spec.title, 1200)
    chart.x_axis.title = sized_title(spec.x_title, 900)
    chart.y_axis.title = sized_title(spec.y_title, 900)
    chart.y_axis.number_format = spec.number_format
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides axes otherwise
    values_all = spec.data.iloc[:, 1:].to_numpy(dtype=float)
    if values_all.size and (values_all[values_all == values_all] >= 0).all():
        chart.y_axis.scaling.min = 0
    last = header_row + len(spec.data)
    values = Reference(ws, min_col=2, max_col=1 + len(spec.series), min_row=header_row,
                       max_row=last)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last))
    if len(spec.series) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    chart.width = 16.5
    chart.height = max(8.5, 0.5 * len(spec.data) + 3) if spec.horizontal else 8.5
    return chart


def sized_title(text: str, size: int):
    """A chart or axis title in bold at `size` hundredths of a point."""
    title = title_maker(text)
    for para in title.tx.rich.paragraphs:
        para.pPr.defRPr = CharacterProperties(sz=size, b=True)
        for run in para.r:
            run.rPr = CharacterProperties(sz=size, b=True)
    return title


# --- formats ----------------------------------------------------------------------------------


def column_format(column: str) -> str | None:
    """Number format of a column from its name and unit suffix."""
    if column.endswith("_musd_per_pp"):
        return "#,##0.000"
    if column.endswith("_musd"):
        return MUSD
    if column.endswith(("_t", "_usd_per_t", "_t_per_yr", "_usd_per_t_yr")):
        return TONNES
    if column in ("probability", "share_of_bill", "built"):
        return SHARE
    return None


def share_format(metric) -> str:
    """Format of a share-valued cell whose meaning depends on its metric."""
    if metric == "hhi" or metric == "max_hhi":
        return HHI
    if metric == "min_stock_days":
        return DAYS
    return SHARE


def format_sheet(ws, name: str, df: pd.DataFrame) -> None:
    for j in range(1, len(df.columns) + 1):
        cell = ws.cell(1, j)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(vertical="top")
    if df.empty:
        return
    for j, col in enumerate(df.columns, start=1):
        fmt = column_format(str(col))
        if fmt is not None:
            _set_column(ws, j, len(df), fmt)
    by_metric = {"Concentration": ("baseline", "optimised"), "Targets": ("value", "achieved")}
    if name in by_metric and "metric" in df.columns:
        fmts = [share_format(v) for v in df["metric"]]
        for col in by_metric[name]:
            if col in df.columns:
                j = df.columns.get_loc(col) + 1
                for i, fmt in enumerate(fmts, start=2):
                    ws.cell(i, j).number_format = fmt


def _set_column(ws, j: int, n: int, fmt: str) -> None:
    for (cell,) in ws.iter_rows(min_row=2, max_row=n + 1, min_col=j, max_col=j):
        cell.number_format = fmt


def label_summary(ws, summary: pd.DataFrame) -> None:
    """Column C: what each key means; column D: a short note. A:B stay key / value."""
    ws.cell(1, 3, "label")
    ws.cell(1, 4, "note")
    for j in (3, 4):
        ws.cell(1, j).font, ws.cell(1, j).fill = Font(bold=True), HEADER_FILL
    for i, key in enumerate(summary["key"], start=2):
        label = SUMMARY_LABELS.get(str(key), "")
        if str(key).endswith("_musd"):
            label += " (USD million)"
            ws.cell(i, 2).number_format = MUSD
        elif key == "mip_gap":
            ws.cell(i, 2).number_format = "0.00%"
        ws.cell(i, 3, label)
    for i, line in enumerate(SUMMARY_NOTE, start=2):
        ws.cell(i, 4, line).font = Font(italic=True)
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 72
    ws.column_dimensions["D"].width = 80
    ws.auto_filter.ref = f"A1:D{max(2, len(summary) + 1)}"
