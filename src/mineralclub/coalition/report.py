"""The coalition workbook: Summary (with a paragraph in plain language), Blocs, Values,
Coalitions, Stability, Charts (Shapley vs Ledger per bloc; marginal values) and RunInfo.

Written atomically; every text cell is written as text (a bloc or country name starting with
``=``, ``+``, ``-`` or ``@`` never becomes a formula).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl.chart import BarChart, Reference

from mineralclub.coalition.run import Analysis
from mineralclub.io.atomic import write_atomic
from mineralclub.report.charts import MUSD, SHARE

SHEETS = ("Summary", "Blocs", "Values", "Coalitions", "Stability", "Charts", "RunInfo")


def blocs_table(analysis: Analysis) -> pd.DataFrame:
    b = analysis.blocs
    return pd.DataFrame(
        [
            {
                "bloc": name,
                "members": len(b.members[name]),
                "demand_share": b.demand_share[name],
                "cost_share": b.cost_share[name],
                "member_countries": "; ".join(b.members[name]),
            }
            for name in b.names
        ]
    )


def summary_table(analysis: Analysis) -> pd.DataFrame:
    core = analysis.least_core
    values = analysis.values
    items = {
        "grouped_by": analysis.blocs.by,
        "blocs": len(analysis.blocs),
        "method": "exact" if analysis.exact else f"sampled ({analysis.orders} orders)",
        "coalitions": len(analysis.coalitions),
        "coalitions_solved_now": analysis.solved,
        "grand_coalition_cost_musd": analysis.grand_cost,
        "sum_standalone_musd": float(values["standalone_musd"].sum()),
        "ledger_basis": analysis.blocs.basis,
        "least_core_epsilon_musd": math.nan if core is None else core.epsilon,
        "core_empty": "" if core is None else str(core.epsilon > 1e-6 * abs(analysis.grand_cost)),
        "coalitions_that_would_leave": len(analysis.stability),
        "explanation": explain(analysis),
    }
    return pd.DataFrame({"key": list(items), "value": list(items.values())})


def explain(a: Analysis) -> str:
    """A paragraph in plain language for negotiators."""
    v = a.values
    grand = a.grand_cost
    if not math.isfinite(grand):
        return "The whole club has no cost (it could not be solved): no values to report."
    parts = [
        f"The club of {len(a.blocs)} blocs costs {_m(grand)} USD million (expected, "
        "discounted, target penalties excluded); on their own the blocs would pay "
        f"{_m(v['standalone_musd'].sum())} in total."
    ]
    syn = v.dropna(subset=["synergy_musd"])
    if not syn.empty:
        top = syn.loc[syn["synergy_musd"].idxmax()]
        change = "rises" if top["marginal_musd"] > 0 else "falls"
        parts.append(
            f"Without the {top['bloc']} bloc the club's cost {change} by "
            f"{_m(abs(top['marginal_musd']))} USD million, while {top['bloc']} alone "
            f"would pay {_m(top['standalone_musd'])}: cooperation between it and the "
            f"rest saves {_m(top['synergy_musd'])}, the most of any bloc."
        )
    gaps = v.dropna(subset=["ledger_minus_shapley_musd"])
    if gaps.empty:
        parts.append("Shapley values are undefined: a coalition has no cost (see Coalitions).")
        return " ".join(parts)
    gap = gaps.loc[gaps["ledger_minus_shapley_musd"].abs().idxmax()]
    more = "more" if gap["ledger_minus_shapley_musd"] > 0 else "less"
    share = gap["shapley_share"]
    adds = f"adds {_pct(share)} of" if share >= 0 else f"saves {_pct(-share)} of"
    parts.append(
        f"By its Shapley value {gap['bloc']} {adds} the club's "
        f"cost on average; the Ledger ({a.blocs.basis}) charges it "
        f"{_pct(gap['ledger_share'])}, {_m(abs(gap['ledger_minus_shapley_musd']))} USD "
        f"million {more} — the largest gap of any bloc."
    )
    if a.stability.empty:
        parts.append(
            "No group of blocs pays more in the Ledger than it would alone"
            + (" among the coalitions solved." if not a.exact else ".")
        )
    else:
        worst = a.stability.iloc[0]
        parts.append(
            f"{len(a.stability)} group(s) of blocs would rather leave: the most, "
            f"{worst['coalition']}, pays {_m(worst['ledger_musd'])} in the Ledger but "
            f"{_m(worst['cost_alone_musd'])} on its own ({_m(worst['excess_musd'])} "
            "more)."
        )
    if a.least_core is not None:
        eps = a.least_core.epsilon
        parts.append(
            "Some split of the bill leaves no group better off alone (the core is "
            f"not empty; least-core margin {_m(-eps)} USD million)."
            if eps <= 1e-6 * abs(grand)
            else "No split of the bill keeps every group in: the core "
            f"is empty (each group needs up to {_m(eps)} USD million more to stay)."
        )
    elif not a.exact:
        parts.append(
            "Values are estimated from sampled orders (see shapley_se_musd); the least"
            " core needs every coalition (raise --exact-max)."
        )
    return " ".join(parts)


def _m(x: float) -> str:
    return f"{x:,.0f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def write_coalition_workbook(path: Path, analysis: Analysis, info: dict) -> Path:
    tables = {
        "Summary": summary_table(analysis),
        "Blocs": blocs_table(analysis),
        "Values": analysis.values,
        "Coalitions": analysis.coalitions,
        "Stability": analysis.stability,
        "RunInfo": pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]}),
    }

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, df in tables.items():
                df.to_excel(xw, sheet_name=name, index=False)
                _format(xw.book[name], df)
            book = xw.book
            charts = book.create_sheet("Charts", index=5)
            add_charts(charts, book["Values"], len(analysis.values))

    return write_atomic(path, write)


def add_charts(charts, values_ws, n: int) -> None:
    """Shapley vs Ledger per bloc (clustered bars) and marginal values, drawn from the Values
    sheet."""
    cols = {cell.value: cell.column for cell in values_ws[1]}
    cats = Reference(values_ws, min_col=cols["bloc"], min_row=2, max_row=n + 1)
    first = BarChart()
    first.type, first.grouping = "bar", "clustered"
    first.title = "Shapley value vs Ledger contribution per bloc (USD million)"
    for name in ("shapley_musd", "ledger_musd"):
        first.add_data(
            Reference(values_ws, min_col=cols[name], min_row=1, max_row=n + 1),
            titles_from_data=True,
        )
    first.set_categories(cats)
    first.height, first.width = max(7.5, 1.1 * n + 3), 20
    charts.add_chart(first, "A1")
    second = BarChart()
    second.type = "bar"
    second.title = "Marginal value: c(N without bloc) - c(N) (USD million)"
    second.add_data(
        Reference(values_ws, min_col=cols["marginal_musd"], min_row=1, max_row=n + 1),
        titles_from_data=True,
    )
    second.set_categories(cats)
    second.legend = None
    second.height, second.width = max(7.5, 1.1 * n + 3), 20
    charts.add_chart(second, f"A{int(max(7.5, 1.1 * n + 3) / 0.53) + 3}")


def _format(ws, df: pd.DataFrame) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    ws.freeze_panes = "A2"
    for j, col in enumerate(df.columns, start=1):
        head = ws.cell(row=1, column=j)
        head.font, head.fill = Font(bold=True), header_fill
        width = max([len(str(col))] + df[col].head(200).map(lambda x: len(str(x))).tolist())
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(9, width + 2))
        fmt = MUSD if str(col).endswith("_musd") else SHARE if str(col).endswith("share") else None
        for i in range(2, len(df) + 2):
            cell = ws.cell(row=i, column=j)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even "=..."
            elif fmt and col != "key":
                cell.number_format = fmt
