"""The sweep workbook: a row per run, the tornado and frontier tables with native Excel charts,
the sensitivity indices and a SweepInfo sheet; PNG charts on request (written atomically).

Sheets: Runs, Tornado (one-at-a-time sweeps), Frontier (frontier sweeps), Sensitivity
(Morris / Sobol), SweepInfo, and ChartData (the tornado bars' data) when there is a tornado.
Tables are built from the run rows only; charts from the tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from mineralclub.io.atomic import write_atomic
from mineralclub.report.charts import money_axis_format
from mineralclub.sweep.address import describe, multiplier, show_value
from mineralclub.sweep.plan import FRONTIER, GRID, MORRIS, ONE_AT_A_TIME, SOBOL
from mineralclub.sweep.rows import SUMMARY_KEYS

RUN_COLUMNS = [
    "run",
    "sweep",
    "mode",
    "parameter",
    "value",
    "changes",
    "status",
    "message",
    "rebuilt",
    "seconds",
]
DECISION_COLUMNS = [
    "projects_built",
    "projects",
    "stock_capacity_t",
    "stock",
    "floor_levels",
    "floor_covered_t",
    "offtake_t",
    "shortfall_t",
]
FRONTIER_COLUMNS = [
    "sweep",
    "parameter",
    "value",
    "status",
    "objective_musd",
    "fiscal_cost_musd",
    "damage_musd",
    "target_penalty_musd",
    "message",
    "floor_payout_musd",
    "levy_revenue_musd",
    "consumer_cost_musd",
    "producer_gain_musd",
    "floor_levels",
    "reference_levels",
]
FRONTIER_MONEY = [
    "objective_musd",
    "fiscal_cost_musd",
    "damage_musd",
    "target_penalty_musd",
    "floor_payout_musd",
    "levy_revenue_musd",
    "consumer_cost_musd",
    "producer_gain_musd",
]
TORNADO_COLUMNS = [
    "sweep",
    "parameter",
    "base_objective_musd",
    "low_value",
    "low_objective_musd",
    "high_value",
    "high_objective_musd",
    "min_objective_musd",
    "max_objective_musd",
    "swing_musd",
    "failed_runs",
]
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
    df["value"] = df["value"].map(
        lambda v: None if v is None else show_value(v) if not isinstance(v, float) else v
    )
    set_columns: dict[str, dict] = {}
    for row in rows:
        if row["mode"] in (GRID, MORRIS, SOBOL):
            for address, value in row["changes"]:
                set_columns.setdefault(f"set:{address}", {})[row["run"]] = _cell(value)
    for name, values in set_columns.items():
        df[name] = df["run"].map(values)
    shares = sorted(
        c for c in df.columns if c.startswith(("nonmember_share[", "top_country_share["))
    )
    order = (
        RUN_COLUMNS
        + list(set_columns)
        + list(SUMMARY_KEYS)
        + DECISION_COLUMNS
        + shares
        + ["hhi_cut_rounds"]
    )
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
            rows = rows.assign(_key=rows["value"].map(_order_key)).sort_values(
                "_key", kind="stable"
            )
            ok = rows[rows["status"].isin(("OPTIMAL", "TIME_LIMIT"))]
            obj = ok["objective_musd"].astype(float)
            out.append(
                dict(
                    sweep=sweep,
                    parameter=parameter,
                    base_objective_musd=base_obj,
                    low_value=show_value(rows["value"].iloc[0]),
                    low_objective_musd=_objective_at(rows.iloc[0]),
                    high_value=show_value(rows["value"].iloc[-1]),
                    high_objective_musd=_objective_at(rows.iloc[-1]),
                    min_objective_musd=obj.min() if len(obj) else float("nan"),
                    max_objective_musd=obj.max() if len(obj) else float("nan"),
                    swing_musd=obj.max() - obj.min() if len(obj) else float("nan"),
                    failed_runs=int(len(rows) - len(ok)),
                )
            )
    df = pd.DataFrame(out, columns=TORNADO_COLUMNS)
    return df.sort_values(
        ["sweep", "swing_musd"], ascending=[True, False], na_position="last", kind="stable"
    ).reset_index(drop=True)


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
    """Write the sheets (empty ones skipped, except Runs) atomically, with native charts
    (xlsxwriter; every text cell written as text; printed landscape, one page wide)."""
    import xlsxwriter

    from mineralclub.report.workbook import Styles, print_setup, write_table

    names = [n for n, df in sheets.items() if n == "Runs" or not df.empty]

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(
            str(tmp), {"strings_to_formulas": False, "strings_to_urls": False}
        )
        styles = Styles(book)
        worksheets = {
            name: write_table(book, name, sheets[name], styles, _number_format) for name in names
        }
        if "Tornado" in names:
            data = book.add_worksheet(CHART_DATA)
            print_setup(data)
            add_tornado_chart(book, worksheets["Tornado"], data, sheets["Tornado"], styles)
        if "Frontier" in names:
            add_frontier_charts(book, worksheets["Frontier"], sheets["Frontier"])
        book.close()

    return write_atomic(path, write)


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


def _axis(title: str, **extra) -> dict:
    return {"name": title, "name_font": {"size": 9, "bold": True}, "num_font": {"size": 8}, **extra}


def tornado_labels(df: pd.DataFrame) -> list[str]:
    return [f"{r.parameter} ({r.low_value} .. {r.high_value})" for r in df.itertuples()]


def add_tornado_chart(book, ws, data, df: pd.DataFrame, styles) -> None:
    """Horizontal bars: change of the objective from the base run at the parameter's lowest
    and highest value (the bars' data on the ChartData sheet). The parameter labels sit left
    of the plot area, clear of bars on either side of zero; the largest swing on top."""
    if df.empty:
        return
    header = [
        "parameter (low .. high)",
        "lowest value: change (USD million)",
        "highest value: change (USD million)",
    ]
    for j, text in enumerate(header):
        data.write_string(0, j, text, styles.header)
    fmt = styles.number(MUSD)
    for i, (label, r) in enumerate(
        zip(tornado_labels(df), df.itertuples(index=False), strict=True), start=1
    ):
        data.write_string(i, 0, label)
        styles.write(data, i, 1, _delta(r.low_objective_musd, r), fmt)
        styles.write(data, i, 2, _delta(r.high_objective_musd, r), fmt)
    data.set_column(0, 0, min(60, max(len(x) for x in tornado_labels(df)) + 2))
    data.set_column(1, 2, 34)
    chart = book.add_chart({"type": "bar"})
    last = len(df)
    for j, color in ((1, "#4472C4"), (2, "#ED7D31")):
        chart.add_series(
            {
                "name": [CHART_DATA, 0, j],
                "categories": [CHART_DATA, 1, 0, last, 0],
                "values": [CHART_DATA, 1, j, last, j],
                "fill": {"color": color},
                "overlap": 100,
                "gap": 50,
            }
        )
    chart.set_title(
        {
            "name": "Tornado: change of the objective from the base run",
            "name_font": {"size": 11, "bold": True},
        }
    )
    deltas = [
        _delta(v, r)
        for r in df.itertuples(index=False)
        for v in (r.low_objective_musd, r.high_objective_musd)
    ]
    fmt = money_axis_format([np.nan if d is None else d for d in deltas])
    chart.set_x_axis(
        _axis(
            "change of the objective (USD million)",
            num_format=fmt,
            major_gridlines={"visible": True, "line": {"color": "#D9D9D9"}},
        )
    )
    chart.set_y_axis(
        _axis(
            "parameter (lowest .. highest value)",
            reverse=True,
            crossing="max",
            label_position="low",
            interval_unit=1,
        )
    )
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 820, "height": max(300, 36 * len(df) + 120)})
    ws.insert_chart(len(df) + 3, 0, chart)


def _delta(value: float, r) -> float | None:
    if value != value or r.base_objective_musd != r.base_objective_musd:
        return None
    return float(value - r.base_objective_musd)


def add_frontier_charts(book, ws, df: pd.DataFrame) -> None:
    """One x-y chart per frontier sweep, straight segments between the runs (no smoothing: a
    smoothed curve would dip where cost never falls): minimum cost against the swept value."""
    anchor_row = len(df) + 3
    col_value, col_objective = (
        FRONTIER_COLUMNS.index("value"),
        FRONTIER_COLUMNS.index("objective_musd"),
    )
    for sweep, group in df.groupby("sweep", sort=False):
        rows = [i + 1 for i in group.index]
        numeric = pd.to_numeric(group["value"], errors="coerce").notna().all()
        if not numeric or not rows:
            continue
        chart = book.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
        chart.add_series(
            {
                "name": "minimum cost",
                "categories": [ws.name, rows[0], col_value, rows[-1], col_value],
                "values": [ws.name, rows[0], col_objective, rows[-1], col_objective],
                "marker": {"type": "circle", "size": 6},
            }
        )
        chart.set_title(
            {"name": f"Frontier {sweep}: minimum cost", "name_font": {"size": 11, "bold": True}}
        )
        chart.set_x_axis(_axis(str(group["parameter"].iloc[0]), num_format="General"))
        fmt = money_axis_format(group["objective_musd"].astype(float))
        chart.set_y_axis(
            _axis(
                "objective (USD million)",
                num_format=fmt,
                major_gridlines={"visible": True, "line": {"color": "#D9D9D9"}},
            )
        )
        chart.set_legend({"none": True})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 720, "height": 360})
        ws.insert_chart(anchor_row, 0, chart)
        anchor_row += 20


# --- PNG figures ---------------------------------------------------------------------------


def write_figures(path: Path, tornado: pd.DataFrame, frontier: pd.DataFrame) -> list[Path]:
    """PNG charts beside the workbook (matplotlib, Agg, object-oriented API)."""
    path = Path(path)
    out = []
    if not tornado.empty:
        fig = _tornado_figure(tornado)
        target = path.with_name(f"{path.stem}_tornado.png")
        out.append(write_atomic(target, _png(fig)))
    for sweep, group in frontier.groupby("sweep", sort=False):
        fig = _frontier_figure(sweep, group)
        if fig is None:
            continue
        target = path.with_name(f"{path.stem}_frontier_{_safe(sweep)}.png")
        out.append(write_atomic(target, _png(fig)))
    return out


def _png(fig) -> Callable[[Path], object]:
    """Write `fig` as a PNG to the path given (for `write_atomic`)."""

    def save(tmp: Path) -> None:
        fig.savefig(tmp, format="png", dpi=120)

    return save


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
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)  # off the bars
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
    ax.set_title(
        f"Frontier {sweep}: minimum cost" + (" (red: infeasible or failed)" if bad.any() else ""),
        fontsize=11,
    )
    ax.grid(alpha=0.3)
    return fig


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_") or "sweep"
