"""The sweep workbook: a row per run, the tornado and frontier tables with native Excel charts,
the sensitivity indices and a SweepInfo sheet; PNG charts on request (written atomically).

Sheets: Runs, Tornado (one-at-a-time sweeps), Frontier (frontier sweeps), Sensitivity
(Morris / Sobol), SweepInfo, and ChartData (the tornado bars' data) when there is a tornado.
Tables are built from the run rows only; charts from the tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from mineralclub.io.write_results import write_atomic
from mineralclub.sweep.address import describe, multiplier, show_value
from mineralclub.sweep.plan import FRONTIER, GRID, MORRIS, ONE_AT_A_TIME, SOBOL
from mineralclub.sweep.rows import SUMMARY_KEYS

RUN_COLUMNS = ["run", "sweep", "mode", "parameter", "value", "changes", "status", "message",
               "rebuilt", "seconds"]
DECISION_COLUMNS = ["projects_built", "projects", "stock_capacity_t", "stock", "floor_levels",
                    "floor_covered_t", "offtake_t", "shortfall_t"]
FRONTIER_COLUMNS = ["sweep", "parameter", "value", "status", "objective_musd",
                    "fiscal_cost_musd", "damage_musd", "target_penalty_musd", "message",
                    "floor_payout_musd", "levy_revenue_musd", "consumer_cost_musd",
                    "producer_gain_musd", "floor_levels", "reference_levels"]
FRONTIER_MONEY = ["objective_musd", "fiscal_cost_musd", "damage_musd", "target_penalty_musd",
                  "floor_payout_musd", "levy_revenue_musd", "consumer_cost_musd",
                  "producer_gain_musd"]
TORNADO_COLUMNS = ["sweep", "parameter", "base_objective_musd", "low_value",
                   "low_objective_musd", "high_value", "high_objective_musd",
                   "min_objective_musd", "max_objective_musd", "swing_musd", "failed_runs"]
MUSD, SHARE, SECONDS = "#,##0.000", "0.0%", "0.00"
CHART_DATA = "ChartData"


# --- tables --------------------------------------------------------------------------------


def runs_table(rows: list[dict]) -> pd.DataFrame:
    """A row per run: the run, what it changed, status, objective and parts, decisions,
    concentration; one column per address of grid and sampled sweeps."""
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=RUN_COLUMNS)
    df["changes"] = df["changes"].map(describe)
    df["value"] = df["value"].map(lambda v: None if v is None else show_value(v)
                                  if not isinstance(v, float) else v)
    set_columns = {}
    for row in rows:
        if row["mode"] in (GRID, MORRIS, SOBOL):
            for address, value in row["changes"]:
                set_columns.setdefault(f"set:{address}", {})[row["run"]] = _cell(value)
    for name, values in set_columns.items():
        df[name] = df["run"].map(values)
    shares = sorted(c for c in df.columns if c.startswith(("nonmember_share[",
                                                           "top_country_share[")))
    order = (RUN_COLUMNS + list(set_columns) + list(SUMMARY_KEYS) + DECISION_COLUMNS + shares
             + ["hhi_cut_rounds"])
    for col in order:
        if col not in df.columns:
            df[col] = None
    rest = [c for c in df.columns if c not in order]
    return df[order + rest]


def _cell(value):
    return value if isinstance(value, float) else show_value(value)


def tornado_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per one-at-a-time parameter: the objective at its lowest and highest value against the
    base run, and the swing (max - min over its values); sorted by swing, largest first."""
    out = []
    oat = runs[runs["mode"] == ONE_AT_A_TIME]
    for sweep, group in oat.groupby("sweep", sort=False):
        base = group[group["parameter"] == ""]["objective_musd"]
        base_obj = float(base.iloc[0]) if len(base) else float("nan")
        for parameter, rows in group[group["parameter"] != ""].groupby("parameter", sort=False):
            rows = rows.assign(_key=rows["value"].map(_order_key)).sort_values("_key",
                                                                                kind="stable")
            ok = rows[rows["status"].isin(("OPTIMAL", "TIME_LIMIT"))]
            obj = ok["objective_musd"].astype(float)
            out.append(dict(
                sweep=sweep, parameter=parameter, base_objective_musd=base_obj,
                low_value=show_value(rows["value"].iloc[0]),
                low_objective_musd=_objective_at(rows.iloc[0]),
                high_value=show_value(rows["value"].iloc[-1]),
                high_objective_musd=_objective_at(rows.iloc[-1]),
                min_objective_musd=obj.min() if len(obj) else float("nan"),
                max_objective_musd=obj.max() if len(obj) else float("nan"),
                swing_musd=obj.max() - obj.min() if len(obj) else float("nan"),
                failed_runs=int(len(rows) - len(ok))))
    df = pd.DataFrame(out, columns=TORNADO_COLUMNS)
    return df.sort_values(["sweep", "swing_musd"], ascending=[True, False],
                          na_position="last", kind="stable").reset_index(drop=True)


def _order_key(value):
    factor = multiplier(value)
    if factor is not None:
        return (0, factor, "")
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def _objective_at(row) -> float:
    if row["status"] in ("OPTIMAL", "TIME_LIMIT"):
        return float(row["objective_musd"])
    return float("nan")


def frontier_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per frontier sweep: the minimum cost at each value of the swept input, with status."""
    df = runs[runs["mode"] == FRONTIER]
    out = df[[c for c in FRONTIER_COLUMNS if c in df.columns]].copy()
    for col in FRONTIER_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out = out[FRONTIER_COLUMNS].reset_index(drop=True)
    failed = ~out["status"].isin(("OPTIMAL", "TIME_LIMIT"))
    out.loc[failed, FRONTIER_MONEY] = float("nan")
    return out


def info_table(info: dict) -> pd.DataFrame:
    return pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]})


# --- workbook ------------------------------------------------------------------------------


def write_sweep_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write the sheets (empty ones skipped, except Runs) atomically, with charts."""
    names = [n for n, df in sheets.items() if n == "Runs" or not df.empty]

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name in names:
                sheets[name].to_excel(xw, sheet_name=name[:31], index=False)
                _format(xw.book[name[:31]], sheets[name])
            if "Tornado" in names:
                add_tornado_chart(xw.book, xw.book["Tornado"], sheets["Tornado"])
            if "Frontier" in names:
                add_frontier_charts(xw.book["Frontier"], sheets["Frontier"])

    return write_atomic(path, write)


def _format(ws, df: pd.DataFrame) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(2, len(df) + 1)}"
    fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    for i, col in enumerate(df.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = Font(bold=True), fill
        sample = df[col].head(200).map(lambda v: len(str(v)))
        width = max([len(str(col))] + sample.tolist())
        ws.column_dimensions[get_column_letter(i)].width = min(50, max(9, width + 2))
        fmt = _number_format(str(col))
        if fmt:
            for row in range(2, len(df) + 2):
                ws.cell(row=row, column=i).number_format = fmt


def _number_format(col: str) -> str | None:
    if col.endswith("_musd"):
        return MUSD
    if col.startswith(("nonmember_share[", "top_country_share[")):
        return SHARE
    if col.endswith("_t"):
        return "#,##0.0"
    if col == "seconds":
        return SECONDS
    return None


def add_tornado_chart(book, ws, df: pd.DataFrame) -> None:
    """Horizontal bars: change of the objective from the base run at the parameter's lowest
    and highest value (the bars' data on the ChartData sheet)."""
    from openpyxl.chart import BarChart, Reference

    if df.empty:
        return
    data = book[CHART_DATA] if CHART_DATA in book.sheetnames else book.create_sheet(CHART_DATA)
    data.append(["parameter (low .. high)", "lowest value: change (USD million)",
                 "highest value: change (USD million)"])
    for r in df.itertuples(index=False):
        data.append([f"{r.parameter} ({r.low_value} .. {r.high_value})",
                     _delta(r.low_objective_musd, r), _delta(r.high_objective_musd, r)])
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "clustered", 100
    chart.title = "Tornado: change of the objective from the base run"
    chart.x_axis.title = "parameter (low .. high)"
    chart.y_axis.title = "USD million"
    last = len(df) + 1
    chart.add_data(Reference(data, min_col=2, max_col=3, min_row=1, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # largest swing on top
    chart.height, chart.width = max(7.5, 1.2 * len(df) + 3), 22
    ws.add_chart(chart, f"A{len(df) + 4}")


def _delta(value: float, r) -> float | None:
    if value != value or r.base_objective_musd != r.base_objective_musd:
        return None
    return float(value - r.base_objective_musd)


def add_frontier_charts(ws, df: pd.DataFrame) -> None:
    """One scatter-with-lines chart per frontier sweep: objective against the swept value."""
    from openpyxl.chart import Reference, ScatterChart, Series

    anchor_row = len(df) + 4
    for sweep, group in df.groupby("sweep", sort=False):
        rows = [i + 2 for i in group.index]
        numeric = pd.to_numeric(group["value"], errors="coerce").notna().all()
        if not numeric or not rows:
            continue
        chart = ScatterChart()
        chart.title = f"Frontier {sweep}: minimum cost"
        chart.style = 13
        chart.x_axis.title = str(group["parameter"].iloc[0])
        chart.y_axis.title = "objective (USD million)"
        x = Reference(ws, min_col=3, min_row=rows[0], max_row=rows[-1])
        y = Reference(ws, min_col=5, min_row=rows[0], max_row=rows[-1])
        series = Series(y, x, title="objective_musd")
        series.marker.symbol = "circle"
        chart.series.append(series)
        chart.height, chart.width = 9, 18
        ws.add_chart(chart, f"A{anchor_row}")
        anchor_row += 20


# --- PNG figures ---------------------------------------------------------------------------


def write_figures(path: Path, tornado: pd.DataFrame, frontier: pd.DataFrame) -> list[Path]:
    """PNG charts beside the workbook (matplotlib, Agg, object-oriented API)."""
    path = Path(path)
    out = []
    if not tornado.empty:
        fig = _tornado_figure(tornado)
        target = path.with_name(f"{path.stem}_tornado.png")
        out.append(write_atomic(target, lambda tmp, f=fig: f.savefig(tmp, format="png",
                                                                     dpi=120)))
    for sweep, group in frontier.groupby("sweep", sort=False):
        fig = _frontier_figure(sweep, group)
        if fig is None:
            continue
        target = path.with_name(f"{path.stem}_frontier_{_safe(sweep)}.png")
        out.append(write_atomic(target, lambda tmp, f=fig: f.savefig(tmp, format="png",
                                                                     dpi=120)))
    return out


def _figure(height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.5, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _tornado_figure(df: pd.DataFrame):
    fig = _figure(max(3.0, 0.5 * len(df) + 1.5))
    ax = fig.add_subplot()
    labels = [f"{r.parameter}\n({r.low_value} .. {r.high_value})" for r in df.itertuples()]
    low = [_delta(r.low_objective_musd, r) or 0.0 for r in df.itertuples()]
    high = [_delta(r.high_objective_musd, r) or 0.0 for r in df.itertuples()]
    ys = list(range(len(df)))[::-1]
    ax.barh(ys, low, color="#4472C4", label="lowest value")
    ax.barh(ys, high, color="#ED7D31", alpha=0.8, label="highest value")
    ax.set_yticks(ys, labels, fontsize=7)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("change of the objective from the base run (USD million)")
    ax.set_title("Tornado", fontsize=11)
    ax.legend(fontsize=8)
    return fig


def _frontier_figure(sweep: str, df: pd.DataFrame):
    x = pd.to_numeric(df["value"], errors="coerce")
    if x.isna().any():
        return None
    fig = _figure(4.2)
    ax = fig.add_subplot()
    y = df["objective_musd"].astype(float)
    ax.plot(x, y, marker="o")
    bad = df["status"].ne("OPTIMAL") & df["status"].ne("TIME_LIMIT")
    for xv in x[bad]:
        ax.axvline(xv, color="red", alpha=0.3, linewidth=4)
    ax.set_xlabel(str(df["parameter"].iloc[0]))
    ax.set_ylabel("objective (USD million)")
    ax.set_title(f"Frontier {sweep}: minimum cost" + (" (red: infeasible or failed)"
                                                       if bad.any() else ""), fontsize=11)
    ax.grid(alpha=0.3)
    return fig


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_") or "sweep"
