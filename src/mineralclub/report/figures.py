"""PNG figures of the headline results (``solve --figures``), drawn from the result tables only.

The figures are the same charts as the Excel ones (`mineralclub.report.charts.chart_specs`), drawn
with matplotlib's Agg renderer through the object-oriented API (no pyplot, no global backend
switch, safe in worker processes). Each goes beside the results workbook as
``<stem>_<chart>.png``, written atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mineralclub.io.atomic import write_atomic
from mineralclub.report.charts import SHARE, ChartSpec, chart_specs


def write_figures(tables: dict[str, pd.DataFrame], workbook_path: Path) -> list[Path]:
    """Write one PNG per chart beside `workbook_path`; return their paths."""
    workbook_path = Path(workbook_path)
    out = []
    for spec in chart_specs(tables):
        path = workbook_path.with_name(f"{workbook_path.stem}_{spec.name}.png")
        out.append(write_atomic(path, _png_writer(draw(spec))))
    return out


def _png_writer(fig: Any) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        fig.savefig(tmp, format="png", dpi=120)

    return write


def draw(spec: ChartSpec):
    """A matplotlib Figure (Agg canvas) for one chart spec."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    tall = spec.horizontal and len(spec.data) > 8
    wide = 2.5 if len(spec.series) > 4 else 0.0
    fig = Figure(
        figsize=(7.5 + wide, 0.3 * len(spec.data) + 1.5 if tall else 4.2), layout="constrained"
    )
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    cats = [str(c) for c in spec.data.iloc[:, 0]]
    if len(spec.series) > 10:
        from matplotlib import colormaps

        ax.set_prop_cycle(color=[colormaps["tab20"](i) for i in range(20)])
    if spec.kind == "line":  # years on a true time axis, straight segments
        years = spec.data.iloc[:, 0].astype(int).to_numpy()
        for name in spec.series:
            ax.plot(years, spec.data[name].astype(float), marker="o", label=name)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _bars(ax, cats, spec)
    ax.set_title(spec.title, fontsize=11)
    value_axis = ax.xaxis if spec.horizontal and spec.kind != "line" else ax.yaxis
    if spec.horizontal and spec.kind != "line":
        ax.set_xlabel(spec.y_title)
        ax.set_ylabel(spec.x_title)
        if spec.value_max is not None:
            ax.set_xlim(0, spec.value_max)
    else:
        ax.set_xlabel(spec.x_title)
        ax.set_ylabel(spec.y_title)
        if spec.value_max is not None:
            ax.set_ylim(0, spec.value_max)
    value_axis.set_major_formatter(value_formatter(spec))
    ax.grid(axis="x" if value_axis is ax.xaxis else "y", alpha=0.3)
    if len(spec.series) > 1 or spec.kind == "line":  # beside the plot, never over the data
        ax.legend(
            fontsize=7 if len(spec.series) > 4 else 8, loc="upper left", bbox_to_anchor=(1.01, 1.0)
        )
    return fig


PYTHON_FORMATS = {
    "0.00": "{x:.2f}",
    "#,##0": "{x:,.0f}",
    "#,##0.0": "{x:,.1f}",
    "#,##0.00": "{x:,.2f}",
    "0.000": "{x:.3f}",
}


def value_formatter(spec: ChartSpec):
    """The Excel chart's axis format: percent for shares, else the same decimals."""
    from matplotlib.ticker import PercentFormatter, StrMethodFormatter

    if spec.number_format == SHARE:
        return PercentFormatter(xmax=1.0, decimals=0)
    return StrMethodFormatter(PYTHON_FORMATS.get(spec.axis_format, "{x:,.2f}"))


def _bars(ax, cats: list[str], spec: ChartSpec) -> None:
    n = len(spec.series)
    x = np.arange(len(cats))
    width = 0.8 / max(n, 1)
    for i, name in enumerate(spec.series):
        pos = x + (i - (n - 1) / 2) * width
        values = spec.data[name].astype(float)
        if spec.horizontal:
            ax.barh(pos, values, width, label=name)
        else:
            ax.bar(pos, values, width, label=name)
    long = max((len(c) for c in cats), default=0) > 8
    if spec.horizontal:
        ax.set_yticks(x, cats)
        ax.invert_yaxis()  # first category on top, as in the Excel chart
        ax.axvline(0, color="black", linewidth=0.6)
    else:
        ax.set_xticks(x, cats, rotation=30 if long else 0, ha="right" if long else "center")
        ax.axhline(0, color="black", linewidth=0.6)
