"""The headline charts of a run, as data (`chart_specs`) and as native Excel charts (SPEC §5).

`chart_specs(tables)` builds every chart from the result tables only; the native charts on the
``Charts`` sheet (`add_charts`, xlsxwriter) and the PNG figures (`mineralclub.report.figures`)
draw the very same specs. Charts need contiguous ranges, so their data are laid out as small
blocks on a ``ChartData`` sheet: a title row, a header row (categories, then one column per
series) and the data rows.

What a reader needs from them: every axis titled with its unit and a number format without
spurious decimals; every category label shown; share axes from 0 to 100%; years on a true time
axis (an x-y chart with straight segments); the levers' costs apart from the damage they barely
change; the stocks the plan decides, in days of demand covered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MUSD, TONNES, SHARE, HHI, DAYS = "#,##0.00", "#,##0", "0.0%", "0.000", "#,##0.0"
AXIS_FORMAT = {MUSD: "#,##0", TONNES: "#,##0", SHARE: "0%", HHI: "0.00", DAYS: "#,##0"}
CHARTS_SHEET, DATA_SHEET = "Charts", "ChartData"

LEVERS = {
    "project_support_musd": "Project support",
    "floor_payout_musd": "Price floors",
    "offtake_cost_musd": "Offtake",
    "stockpile_cost_musd": "Stockpiles",
}
BEYOND_LEVERS = {
    "import_premium_musd": "Import premium",
    "shortfall_musd": "Shortfall",
    "target_penalty_musd": "Target penalties",
    "risk_musd": "Risk (CVaR)",
}
# The trade zone's parts of the objective (SPEC §4.12-4.13), charted with the levers when the
# run uses the zone: the levy the club collects (the Summary reports it as a revenue; as a cost
# it counts negative) and the reference-price transfers as the objective weighs them.
ZONE_LEVERS = {
    "levy_revenue_musd": ("Trade-zone levy", -1.0),
    "weighted_transfers_musd": ("Reference-price transfers", 1.0),
}
ZONE_KEYS = ("levy_revenue_musd", "consumer_cost_musd", "producer_gain_musd")
COST_PARTS = LEVERS | BEYOND_LEVERS


@dataclass(frozen=True)
class ChartSpec:
    """One chart: `data`'s first column holds the categories (for a line chart: the years, on
    a value axis), every other column a series."""

    name: str  # used in file names: <stem>_<name>.png
    title: str
    kind: str  # "bar" or "line"
    data: pd.DataFrame
    x_title: str
    y_title: str  # the value axis, with its unit
    number_format: str  # of the values (cells); the axis uses AXIS_FORMAT[number_format]
    horizontal: bool = False  # bars drawn sideways (long category lists)
    value_max: float | None = None  # 1.0 for shares

    @property
    def series(self) -> list[str]:
        return list(self.data.columns[1:])

    @property
    def axis_format(self) -> str:
        """The value axis' format: no decimals on large money and tonnes, some on small."""
        fmt = AXIS_FORMAT.get(self.number_format, self.number_format)
        if fmt != "#,##0":
            return fmt
        return money_axis_format(self.data.iloc[:, 1:].to_numpy(dtype=float))


def money_axis_format(values) -> str:
    """Axis labels for amounts: no decimals from 20 up, one from 2, two below."""
    values = np.asarray(values, dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    return "#,##0" if top >= 20 else "#,##0.0" if top >= 2 else "#,##0.00"


# --- chart data from the result tables ------------------------------------------------------


NEEDS = {
    "Concentration": {
        "mineral",
        "stage",
        "year",
        "scenario",
        "scope",
        "metric",
        "baseline",
        "optimised",
    },
    "Stockpile": {
        "mineral",
        "year",
        "scenario",
        "capacity_t",
        "purchase_t",
        "release_t",
        "level_t",
    },
    "Projects": {"country", "committed", "support_musd", "private_capital_musd"},
    "Ledger": {"country", "role", "net_position_musd"},
}


def chart_specs(tables: dict[str, pd.DataFrame]) -> list[ChartSpec]:
    """Every chart that has data, in display order (a table without the columns a chart
    needs gives no chart)."""
    tables = {
        name: df
        for name, df in tables.items()
        if NEEDS.get(name, set()) <= set(map(str, df.columns))
    }
    specs = concentration_specs(tables.get("Concentration"))
    for make in (lever_spec, beyond_levers_spec, stockpile_spec, support_spec, ledger_spec):
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
    for metric, label, unit, fmt in (
        ("nonmember_share", "Non-member share", "share of club supply", SHARE),
        ("hhi", "HHI", "HHI (0 to 1)", HHI),
    ):
        part = df[df["metric"] == metric]
        if part.empty:
            continue
        data = pd.DataFrame(
            {
                "mineral": part["mineral"].to_numpy(),
                "before (baseline)": part["baseline"].to_numpy(dtype=float),
                "after (plan)": part["optimised"].to_numpy(dtype=float),
            }
        )
        out.append(
            ChartSpec(
                f"concentration_{metric}",
                f"{label} of club supply in {year} (final stage, expected)",
                "bar",
                data,
                "mineral",
                unit,
                fmt,
                value_max=1.0,
            )
        )
    return out


def _summary_values(tables) -> dict | None:
    summary = tables.get("Summary")
    if summary is None:
        return None
    return dict(zip(summary["key"], summary["value"], strict=True))


def _cost_spec(
    tables,
    parts: dict[str, str],
    name: str,
    title: str,
    x_title: str,
    signed: dict[str, tuple[str, float]] | None = None,
) -> ChartSpec | None:
    """Bars of Summary values: `parts` (key -> label), then `signed` (key -> label, sign)."""
    values = _summary_values(tables)
    if values is None:
        return None
    rows = [(label, float(values[key])) for key, label in parts.items() if key in values]
    rows += [
        (label, sign * float(values[key]))
        for key, (label, sign) in (signed or {}).items()
        if key in values
    ]
    if not rows:
        return None
    data = pd.DataFrame(rows, columns=[x_title, "expected cost (USD million)"])
    return ChartSpec(name, title, "bar", data, x_title, "USD million (expected, discounted)", MUSD)


def lever_spec(tables) -> ChartSpec | None:
    """What the club spends on each lever (the plan's decisions), the trade zone's levy and
    reference-price transfers included when the run uses the zone: the bars sum to the fiscal
    cost plus the weighted transfers, as the objective counts them."""
    values = _summary_values(tables) or {}
    zone = any(_nonzero(values.get(key)) for key in ZONE_KEYS)
    return _cost_spec(
        tables,
        LEVERS,
        "cost_by_lever",
        "Expected cost by lever (USD million)",
        "lever",
        signed=ZONE_LEVERS if zone else None,
    )


def _nonzero(value: object) -> bool:
    return isinstance(value, int | float) and value == value and abs(value) > 1e-9


def beyond_levers_spec(tables) -> ChartSpec | None:
    """Damage, penalties and the risk charge: mostly what no lever changes (the import premium
    is nearly the same with and without the plan), so apart from the levers' own scale."""
    return _cost_spec(
        tables,
        BEYOND_LEVERS,
        "cost_beyond_levers",
        "Damage, penalties and risk (USD million)",
        "part of the cost no lever decides",
    )


def stockpile_spec(tables) -> ChartSpec | None:
    """Stock in days of demand covered, by year, expected over the scenarios (weights from
    the Scenarios sheet), one line per mineral whose stock the plan decides (new capacity,
    purchases or releases); each scenario's path is on the Stockpile sheet. With no decided
    stock, a line per mineral at its existing level."""
    st = tables.get("Stockpile")
    if st is None or st.empty:
        return None
    value = "days_of_demand" if "days_of_demand" in st.columns else "level_t"
    moved = st[["capacity_t", "purchase_t", "release_t"]].abs().max(axis=1) > 1e-6
    decided = sorted(st.loc[moved, "mineral"].unique())
    scen = tables.get("Scenarios")
    if scen is not None and "probability" in scen.columns:
        prob = dict(zip(scen["scenario"], scen["probability"].astype(float), strict=True))
    else:
        names = st["scenario"].unique()
        prob = {w: 1.0 / len(names) for w in names}
    weighted = st.assign(_v=st[value].astype(float) * st["scenario"].map(prob).fillna(0.0))
    wide = weighted.pivot_table(
        index="year", columns="mineral", values="_v", aggfunc="sum", sort=True
    )
    if decided:
        data = wide[decided]
        label = "{}"
    else:
        data = wide
        label = "{} (no stockpile decided)"
    data.columns = [label.format(k) for k in data.columns]
    data = data.reset_index()
    data["year"] = data["year"].astype(int)
    if value == "days_of_demand":
        return ChartSpec(
            "stockpile_levels",
            "Stockpiles the plan decides: days of demand covered (expected)",
            "line",
            data,
            "year (end of period)",
            "days of demand",
            DAYS,
        )
    return ChartSpec(
        "stockpile_levels",
        "Stockpile level by year (t, expected)",
        "line",
        data,
        "year (end of period)",
        "tonnes",
        TONNES,
    )


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
    by = by[(by.abs() > 1e-9).any(axis=1)]
    if by.empty:
        by = pr.groupby("country", sort=True)[["support_musd", "private_capital_musd"]].sum()
    by = _top(by.sort_values("support_musd", ascending=False, kind="stable"), top, "hosts")
    data = pd.DataFrame(
        {
            "host country": by.index,
            "club support (USD million)": by["support_musd"].to_numpy(dtype=float),
            "private capital mobilised (USD million)": by["private_capital_musd"].to_numpy(
                dtype=float
            ),
        }
    )
    return ChartSpec(
        "support_by_host",
        "Support of new projects by host country (USD million)",
        "bar",
        data,
        "host country",
        "USD million",
        MUSD,
        horizontal=len(data) > 6,
    )


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
    net = net.reindex(
        net["net_position_musd"].abs().sort_values(ascending=False, kind="stable").index
    )
    net = _top(net, top, "countries")
    data = pd.DataFrame(
        {"country": net.index, "net position (USD million)": net["net_position_musd"].to_numpy()}
    )
    return ChartSpec(
        "ledger_net_positions",
        "Net position: received minus contribution (USD million)",
        "bar",
        data,
        "country",
        "USD million",
        MUSD,
        horizontal=len(data) > 6,
    )


# --- native Excel charts (xlsxwriter) ----------------------------------------------------------

CHART_WIDTH = 600  # pixels; two charts side by side fill a landscape page
CHART_HEIGHT = 330
ROW_PX = 20  # default worksheet row height
PER_ROW, COLS_PER_CHART = 3, 10  # charts side by side; default columns are 64 px wide
FONT = {"name": "Calibri", "size": 9}


def add_charts(book, charts_ws, data_ws, specs: list[ChartSpec], styles) -> None:
    """Write each spec's block on `data_ws` and its chart on `charts_ws`, two charts a row,
    the Charts sheet set to print on one landscape page."""
    charts_ws.write_string(
        0,
        0,
        "Charts of the headline results. Their data are on the "
        "ChartData sheet; edit them like any Excel chart.",
        styles.bold,
    )
    row, placed = 0, []
    for spec in specs:
        header = write_block(data_ws, spec, row, styles)
        placed.append(excel_chart(book, spec, header))
        row = header + len(spec.data) + 2
    top = 2
    for i in range(0, len(placed), PER_ROW):
        group = placed[i : i + PER_ROW]
        for k, (chart, _height) in enumerate(group):
            charts_ws.insert_chart(top, k * COLS_PER_CHART, chart, {"x_offset": 4, "y_offset": 4})
        top += -(-max(h for _c, h in group) // ROW_PX) + 1
    charts_ws.set_landscape()
    charts_ws.set_paper(9)  # A4
    charts_ws.fit_to_pages(1, 1)
    charts_ws.print_area(0, 0, top, PER_ROW * COLS_PER_CHART - 1)
    charts_ws.set_footer("&L&A&RPage &P of &N")
    charts_ws.hide_gridlines(2)
    first = [str(v) for sp in specs for v in [sp.data.columns[0], *sp.data.iloc[:, 0]]]
    data_ws.set_column(0, 0, min(45, max(len(x) for x in first) + 2))
    series = [len(str(c)) for sp in specs for c in sp.series]
    data_ws.set_column(1, max(len(s.series) for s in specs), min(45, max(series) + 2))


def write_block(ws, spec: ChartSpec, row: int, styles) -> int:
    """Title at `row`, header below it, data below that; returns the header row."""
    ws.write_string(row, 0, spec.title, styles.bold)
    header = row + 1
    for j, col in enumerate(spec.data.columns):
        ws.write_string(header, j, str(col), styles.header)
    value_fmt = styles.number(spec.number_format)
    first_fmt = styles.number("0") if spec.kind == "line" else None
    for j, col in enumerate(spec.data.columns):
        for i, v in enumerate(spec.data[col].tolist(), start=header + 1):
            styles.write(ws, i, j, v, value_fmt if j else first_fmt)
    return header


def _axis(title: str, **extra) -> dict:
    return {"name": title, "name_font": {"size": 9, "bold": True}, "num_font": {"size": 8}, **extra}


def excel_chart(book, spec: ChartSpec, header: int):
    """The chart over the block whose header is at `header`; returns (chart, height px)."""
    n, last = len(spec.data), header + len(spec.data)
    if spec.kind == "line":
        chart = book.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    else:
        chart = book.add_chart({"type": "bar" if spec.horizontal else "column"})
    for j, _name in enumerate(spec.series, start=1):
        series: dict[str, object] = {
            "name": [DATA_SHEET, header, j],
            "categories": [DATA_SHEET, header + 1, 0, last, 0],
            "values": [DATA_SHEET, header + 1, j, last, j],
        }
        if spec.kind == "line":
            series["marker"] = {"type": "circle", "size": 5}
        else:
            series["gap"] = 60
        chart.add_series(series)
    chart.set_title({"name": spec.title, "name_font": {"size": 11, "bold": True}})
    values = spec.data.iloc[:, 1:].to_numpy(dtype=float)
    finite = values[values == values]
    value_axis = _axis(
        spec.y_title,
        num_format=spec.axis_format,
        major_gridlines={"visible": True, "line": {"color": "#D9D9D9"}},
    )
    if spec.value_max is not None:
        value_axis["max"] = spec.value_max
    if finite.size == 0 or finite.min() >= 0:
        value_axis["min"] = 0
    if spec.kind == "line":
        years = spec.data.iloc[:, 0].astype(int)
        step = _year_step(years)
        first, last_year = int(years.min()), int(years.max())
        cat_axis = _axis(
            spec.x_title,
            num_format="0",
            min=first - first % step,
            max=-(-max(last_year, first + 1) // step) * step,
            major_unit=step,
        )
        chart.set_x_axis(cat_axis)
        chart.set_y_axis(value_axis)
    else:
        cat_axis = _axis(spec.x_title, label_position="low", interval_unit=1)
        if spec.horizontal:  # bar: x is the value axis, y the categories (first on top)
            cat_axis["reverse"] = True
            cat_axis["crossing"] = "max"  # the value axis crosses at the last (bottom) one
            chart.set_x_axis(value_axis)
            chart.set_y_axis(cat_axis)
        else:
            if n > 6:
                cat_axis["num_font"] = {"size": 8, "rotation": -45}
            chart.set_x_axis(cat_axis)
            chart.set_y_axis(value_axis)
    if len(spec.series) == 1:
        chart.set_legend({"none": True})
    else:
        chart.set_legend({"position": "bottom", "font": {"size": 8}})
    height = max(CHART_HEIGHT, 18 * n + 120) if spec.horizontal else CHART_HEIGHT
    chart.set_size({"width": CHART_WIDTH, "height": height})
    chart.set_chartarea({"border": {"none": True}})
    return chart, height


def _year_step(years: pd.Series) -> int:
    span = int(years.max() - years.min())
    for step in (1, 2, 5, 10):
        if span / step <= 8:
            return step
    return 20
