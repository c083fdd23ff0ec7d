"""The Alternatives workbook and the plain-language paragraph (no solving here).

Sheets: Summary (the paragraph), Plans (one row per plan: cost, cost over the optimum, projects,
host countries, money by lever, concentration reached), Ranges (each host country's or lever's
least and most within the slack), Charts (native Excel charts of the two), Info (run facts).
Every number comes from the plans and bounds the engine read off the model. Text cells are
written as text (a name starting with '=' never becomes a formula); the file is written
atomically.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from mineralclub.alternatives.engine import Alternatives, Plan
from mineralclub.alternatives.terms import COUNTRY, LEVER, PROJECT
from mineralclub.io.atomic import write_atomic

TOL = 1e-6
MUSD, SHARE, BUILT = "#,##0.00", "0.0%", "0.00"
PLAN_COLUMNS = [
    "plan",
    "status",
    "cost_musd",
    "cost_over_optimum_musd",
    "cost_over_optimum_share",
    "target_penalty_musd",
    "objective_musd",
    "distance_to_nearest",
    "projects_built",
    "projects",
    "host_countries",
]
RANGE_COLUMNS = [
    "space",
    "item",
    "least_cost_plan",
    "min",
    "max",
    "width",
    "unit",
    "min_status",
    "max_status",
]
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
SHOWN_RANGES = 8  # items named in the paragraph; the rest are on the Ranges sheet


def _clean(v: float) -> float:
    """-0.0 and solver noise below TOL become 0."""
    return 0.0 if abs(v) < TOL else float(v)


# --- tables --------------------------------------------------------------------------------


def plans_table(result: Alternatives) -> pd.DataFrame:
    best = result.plans[0].cost
    rows = [_plan_row(plan, best) for plan in result.plans]
    df = pd.DataFrame(rows)
    rest = [c for c in df.columns if c not in PLAN_COLUMNS]
    return df[PLAN_COLUMNS + rest]


def _plan_row(plan: Plan, best: float) -> dict:
    hosts = {c: _clean(v) for c, v in plan.points[COUNTRY].items()}
    row = {
        "plan": plan.index,
        "status": plan.status,
        "cost_musd": plan.cost,
        "cost_over_optimum_musd": _clean(plan.cost - best),
        "cost_over_optimum_share": _clean(plan.cost - best) / abs(best) if best else math.nan,
        "target_penalty_musd": _clean(plan.penalty),
        "objective_musd": plan.row["objective_musd"],
        "distance_to_nearest": plan.distance,
        "projects_built": plan.row["projects_built"],
        "projects": plan.row["projects"],
        "host_countries": "; ".join(f"{c}={v:.4g}" for c, v in hosts.items() if v > TOL),
    }
    for lever, v in plan.points[LEVER].items():
        row[f"{lever}_musd"] = _clean(v)
    for country, v in hosts.items():
        row[f"hosted_musd[{country}]"] = v
    for key in ("stock", "floor_levels", "offtake_t", "shortfall_t"):
        row[key] = plan.row[key]
    row.update(
        {
            k: v
            for k, v in plan.row.items()
            if k.startswith(("nonmember_share[", "top_country_share[", "hhi["))
        }
    )
    return row


def ranges_table(result: Alternatives) -> pd.DataFrame:
    rows = [
        dict(
            space=b.space,
            item=b.item,
            least_cost_plan=_clean(b.optimum),
            min=_clean(b.low),
            max=_clean(b.high),
            width=_clean(b.high - b.low),
            unit="USD million",
            min_status=b.low_status,
            max_status=b.high_status,
        )
        for b in result.ranges
    ]
    return pd.DataFrame(rows, columns=RANGE_COLUMNS)


def info_table(result: Alternatives, extra: dict | None = None) -> pd.DataFrame:
    info = {
        "by": result.by,
        "slack": result.slack,
        "count_asked": result.count,
        "plans_found": len(result.plans) - 1,
        "optimum_cost_musd": result.optimum_cost,
        "cost_cap_musd": result.cap,
        "cost_definition": "objective without target penalties (fiscal + damage + risk); "
        "soft targets held at least as well met as in the optimum",
        "method": "iterative distance maximisation (max-min linear distance) on one "
        "persistent HiGHS model",
        "stop_reason": result.stop_reason,
        "ranges": "two solves per item on the search's persistent model"
        if result.workers == 1
        else f"two solves per item, {result.workers} worker processes (one model each)",
        "solves": result.solves,
        "seconds": round(result.seconds, 3),
    }
    info.update(extra or {})
    return pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]})


# --- the paragraph -------------------------------------------------------------------------


def money(v: float) -> str:
    """USD million as words: 1.2 billion, 350 million, 0.04 million."""
    v = _clean(v)
    if abs(v) >= 1000:
        return f"{v / 1000:,.1f} billion"
    if v == 0:
        return "0"
    if abs(v) >= 10:
        return f"{v:,.0f} million"
    return f"{v:.3g} million"


def paragraph(result: Alternatives) -> str:
    """Within 5% of the least cost, Canada can host between 0 and 1.2 billion ...; ..."""
    head = (
        f"Within {100 * result.slack:.3g}% of the least cost ({money(result.optimum_cost)} "
        f"USD, target penalties excluded; at most {money(result.cap)})"
    )
    ranges = sorted(result.ranges, key=lambda b: -(b.high - b.low))
    movable = [b for b in ranges if b.high - b.low > TOL]
    fixed = [b for b in ranges if b.high - b.low <= TOL]
    parts = []
    for b in movable[:SHOWN_RANGES]:
        if b.space == COUNTRY:
            parts.append(
                f"{b.item} can host between {money(b.low)} and {money(b.high)} USD "
                f"of supported capacity (least-cost plan: {money(b.optimum)})"
            )
        else:
            parts.append(
                f"{b.item} can take between {money(b.low)} and {money(b.high)} USD "
                f"(least-cost plan: {money(b.optimum)})"
            )
    if len(movable) > SHOWN_RANGES:
        parts.append(f"{len(movable) - SHOWN_RANGES} more can change (see the Ranges sheet)")
    noun = "host countries" if result.by != LEVER else "levers"
    if fixed:
        names = ", ".join(b.item for b in fixed[:SHOWN_RANGES])
        more = f" and {len(fixed) - SHOWN_RANGES} more" if len(fixed) > SHOWN_RANGES else ""
        parts.append(f"{names}{more} cannot change")
    if not result.ranges:
        parts.append(f"no {noun} to compare")
    text = head + ", " + "; ".join(parts) + "."
    found = result.plans[1:]
    if not found:
        if result.count == 0:
            return text
        return text + " No other plan within the slack differs from the least-cost one."
    plans = [
        f"plan {p.index} ({signed(p.cost - result.optimum_cost)} USD) "
        f"{_describe(p, result.plans[0], result.by)}"
        for p in found
    ]
    return (
        text + f" {len(found)} alternative plan(s), each as different as possible from "
        f"the ones before in {result.by} terms: " + "; ".join(plans) + "."
    )


def _describe(plan: Plan, first: Plan, by: str, names: int = 4) -> str:
    """What the plan changes against the least-cost plan, in the --by space."""
    if by == PROJECT:
        now, before = plan.points[PROJECT], first.points[PROJECT]
        added = [p for p in now if now[p] - before[p] > 0.01]
        dropped = [p for p in now if before[p] - now[p] > 0.01]
        parts = [
            f"{verb} {_names(items, names)}"
            for verb, items in (("adds", added), ("drops", dropped))
            if items
        ]
        return ", ".join(parts) or "changes only fractions of projects"
    changes = {k: v - first.points[by][k] for k, v in plan.points[by].items()}
    moved = sorted((k for k in changes if abs(changes[k]) > TOL), key=lambda k: -abs(changes[k]))
    shown = [f"{k} {signed(changes[k])}" for k in moved[:names]]
    if len(moved) > names:
        shown.append(f"{len(moved) - names} more")
    noun = "hosted support" if by == COUNTRY else "money"
    return f"{noun}: " + (", ".join(shown) or "no change")


def _names(items: list[str], names: int) -> str:
    more = f" and {len(items) - names} more" if len(items) > names else ""
    return ", ".join(items[:names]) + more


def signed(v: float) -> str:
    return ("+" if v >= 0 else "-") + money(abs(v))


# --- the workbook --------------------------------------------------------------------------


def write_alternatives(path: Path, result: Alternatives, extra_info: dict | None = None) -> Path:
    """Summary, Plans, Ranges, Charts and Info, written atomically."""
    text = paragraph(result)
    sheets = {
        "Summary": pd.DataFrame({"text": [text]}),
        "Plans": plans_table(result),
        "Ranges": ranges_table(result),
        "Info": info_table(result, extra_info),
    }

    def write(tmp: Path) -> None:
        book = Workbook()
        book.remove(book.active)
        for name, df in sheets.items():
            write_sheet(book.create_sheet(name), df)
        add_charts(book, sheets["Plans"], sheets["Ranges"])
        book.move_sheet("Charts", offset=-(len(book.sheetnames) - 2))  # after Summary
        book.save(tmp)

    return write_atomic(path, write)


def write_sheet(ws, df: pd.DataFrame) -> None:
    """Header and rows; strings stay text; frozen, filterable header; number formats."""
    for j, col in enumerate(df.columns, start=1):
        _text(ws.cell(1, j), str(col)).font = Font(bold=True)
        ws.cell(1, j).fill = HEADER_FILL
    for i, values in enumerate(df.itertuples(index=False), start=2):
        for j, v in enumerate(values, start=1):
            cell = ws.cell(i, j)
            if isinstance(v, str):
                _text(cell, v)
            elif v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            else:
                cell.value = v.item() if hasattr(v, "item") else v
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(2, len(df) + 1)}"
    for j, col in enumerate(df.columns, start=1):
        fmt = number_format(str(col))
        if fmt:
            for i in range(2, len(df) + 2):
                ws.cell(i, j).number_format = fmt
        width = max([len(str(col))] + [len(str(v)) for v in df[col].head(100)])
        ws.column_dimensions[get_column_letter(j)].width = min(80, max(9, width + 2))


def _text(cell, value: str):
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the first character
    return cell


def number_format(column: str) -> str | None:
    if column.startswith("hhi["):
        return "0.000"
    if column.endswith("_share") or column.startswith(("nonmember_share[", "top_country_share[")):
        return SHARE
    if "_musd" in column or column in ("min", "max", "width", "least_cost_plan"):
        return MUSD
    if column in ("distance_to_nearest",):
        return BUILT
    if column.endswith("_t"):
        return "#,##0"
    return None


def add_charts(book, plans: pd.DataFrame, ranges: pd.DataFrame) -> None:
    """Money by lever per plan (stacked columns) and each item's range (min, least-cost
    plan, max) as clustered bars; both read their data from the Plans and Ranges sheets."""
    ws = book.create_sheet("Charts")
    lever_cols = [
        j
        for j, c in enumerate(plans.columns, start=1)
        if c.endswith("_musd")
        and not c.startswith("hosted_musd[")
        and c not in PLAN_COLUMNS
        and c != "objective_musd"
    ]
    if len(plans) and lever_cols:
        data = book["Plans"]
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title = "Money by lever in each plan (plan 0 = least cost)"
        chart.y_axis.title, chart.x_axis.title = "USD million", "plan"
        for j in lever_cols:
            chart.add_data(
                Reference(data, min_col=j, min_row=1, max_row=len(plans) + 1), titles_from_data=True
            )
        chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=len(plans) + 1))
        chart.height, chart.width = 9, 18
        ws.add_chart(chart, "A1")
    if len(ranges):
        data = book["Ranges"]
        chart = BarChart()
        chart.type, chart.grouping = "bar", "clustered"
        chart.title = "Least and most within the slack (and in the least-cost plan)"
        chart.x_axis.title, chart.y_axis.title = str(ranges["space"].iloc[0]), "USD million"
        for name in ("min", "least_cost_plan", "max"):
            j = RANGE_COLUMNS.index(name) + 1
            chart.add_data(
                Reference(data, min_col=j, min_row=1, max_row=len(ranges) + 1),
                titles_from_data=True,
            )
        chart.set_categories(Reference(data, min_col=2, min_row=2, max_row=len(ranges) + 1))
        chart.x_axis.scaling.orientation = "maxMin"
        chart.height, chart.width = max(7.5, 0.9 * len(ranges) + 3), 18
        ws.add_chart(chart, "A20")
