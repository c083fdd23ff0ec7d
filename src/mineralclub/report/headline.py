"""The Summary's headline: what the plan costs over doing nothing, who pays and who receives,
which targets are met and which are missed (SPEC §5 Revision 2).

`headline_keys` adds the machine-readable keys ``cost_over_baseline_musd`` and
``soft_targets_missed`` to the Summary; `headline_lines` writes the same facts as the short
block a person reads first. Both read the result tables only (themselves read from the model).
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

MAX_NAMED = 4  # targets named one by one in a headline line; the rest are counted


def missed_targets(targets: pd.DataFrame | None, hard: bool | None = None) -> pd.DataFrame:
    """Whole-target rows (year ``*``) whose worst instance misses the target's value (relative
    tolerance 1e-4); only hard or only soft ones when `hard` is given."""
    if targets is None or targets.empty:
        return pd.DataFrame(columns=getattr(targets, "columns", []))
    whole = targets[targets["year"].astype(str) == "*"]
    if hard is not None:
        whole = whole[whole["hard"].astype(bool) == hard]
    value = whole["value"].astype(float)
    achieved = whole["achieved"].astype(float)
    tol = 1e-4 * value.abs().clip(lower=1e-3)
    is_min = whole["metric"].astype(str).str.startswith("min_")
    over = (~is_min) & (achieved > value + tol)
    under = is_min & (achieved < value - tol)
    return whole[over | under]


def headline_keys(summary: dict, targets: pd.DataFrame | None) -> dict:
    """The Summary with ``cost_over_baseline_musd`` (objective without target penalties minus
    the baseline objective) after ``baseline_objective_musd`` and ``soft_targets_missed`` (a
    count) after ``target_penalty_musd``."""
    objective = float(summary.get("objective_musd", math.nan))
    penalty = float(summary.get("target_penalty_musd", 0.0))
    baseline = float(summary.get("baseline_objective_musd", math.nan))
    extra = {
        "baseline_objective_musd": ("cost_over_baseline_musd", objective - penalty - baseline),
        "target_penalty_musd": ("soft_targets_missed", int(len(missed_targets(targets, False)))),
    }
    out = {}
    for key, value in summary.items():
        if key in ("cost_over_baseline_musd", "soft_targets_missed"):
            continue
        out[key] = value
        if key in extra:
            new_key, new_value = extra[key]
            out[new_key] = new_value
    return out


def _m(value) -> str:
    """USD million, no decimals unless small."""
    v = float(value)
    if v != v:
        return "n/a"
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.2f}"


def show_metric(metric: str, value) -> str:
    """A target's value or achievement in its unit: %, HHI or days."""
    v = float(value)
    if v != v:
        return "n/a"
    if metric in ("max_hhi", "hhi"):
        return f"{v:.3f}"
    if metric == "min_stock_days":
        return f"{v:,.0f} days"
    return f"{100 * v:.1f}%"


def _names(rows: pd.DataFrame) -> list[str]:
    """One line per target: its worst achievement against its value (and a soft target's
    penalty)."""
    parts = []
    for r in rows.head(MAX_NAMED).itertuples():
        penalty = float(getattr(r, "penalty_musd", float("nan")))
        paid = f", penalty {_m(penalty)}" if penalty == penalty and not r.hard else ""
        parts.append(
            f"    {r.target}: {show_metric(r.metric, r.achieved)} against "
            f"{show_metric(r.metric, r.value)}{paid}"
        )
    if len(rows) > MAX_NAMED:
        parts.append(f"    and {len(rows) - MAX_NAMED} more (see the Targets sheet)")
    return parts


def _top(ledger: pd.DataFrame, column: str, n: int = 3) -> str:
    rows = (
        ledger[ledger[column].astype(float) > 1e-9]
        .sort_values(column, ascending=False, kind="stable")
        .head(n)
    )
    return ", ".join(f"{r.country.strip('()')} {_m(getattr(r, column))}" for r in rows.itertuples())


def money_lines(s: dict, ledger: pd.DataFrame | None) -> list[str]:
    over = float(s["cost_over_baseline_musd"])
    versus = "less" if over < 0 else "more"
    levy = float(s.get("levy_revenue_musd") or 0.0)
    lines = [
        f"Costs {_m(abs(over))} {versus} than doing nothing (every lever off; "
        "target penalties left out)",
        f"Club spending {_m(s['fiscal_cost_musd'])}: support {_m(s['project_support_musd'])}, "
        f"floors {_m(s['floor_payout_musd'])}, offtake {_m(s['offtake_cost_musd'])}, "
        f"stockpiles {_m(s['stockpile_cost_musd'])}"
        + (f", minus levy revenue {_m(levy)}" if abs(levy) > 1e-9 else ""),
    ]
    if ledger is not None and not ledger.empty:
        received = _top(ledger, "received_musd")
        if received:
            lines.append(f"Largest recipients: {received}")
        members = ledger[ledger["role"] == "member"]
        paid = _top(members, "contribution_musd")
        if paid:
            basis = members["share_basis"].iloc[0] if "share_basis" in members else ""
            lines.append(f"Largest contributors: {paid}" + (f" (by {basis})" if basis else ""))
    lines.append(
        f"Barely changed by any lever: import premium {_m(s['import_premium_musd'])}, "
        f"unmet demand {_m(s['shortfall_musd'])}"
    )
    return lines


def target_lines(s: dict, targets: pd.DataFrame | None) -> list[str]:
    if targets is None or targets.empty:
        return ["Targets: none set"]
    whole = targets[targets["year"].astype(str) == "*"]
    soft, hard = missed_targets(targets, False), missed_targets(targets, True)
    lines = [f"Targets met: {len(whole) - len(soft) - len(hard)} of {len(whole)}"]
    if len(hard):
        lines.append("Hard targets NOT met (the best plan that exists, worst year and scenario):")
        lines += _names(hard)
    if len(soft):
        lines.append(
            f"Soft targets missed (worst year and scenario; "
            f"{_m(s['target_penalty_musd'])} USD million of notional penalties):"
        )
        lines += _names(soft)
    return lines


WIDTH = 92  # characters per headline line (longer ones are wrapped and indented)
NOTES = (
    "All money in USD million: expected over the scenarios, discounted to the base year.",
    "Columns A:B: machine-readable keys. Charts: the Charts sheet. Who pays: the Ledger sheet.",
)


def wrap(lines: list[str], width: int = WIDTH) -> list[str]:
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()))
        out += textwrap.wrap(
            line,
            width,
            initial_indent="",
            subsequent_indent=indent + "    ",
            break_on_hyphens=False,
        ) or [""]
    return out


def headline_lines(tables: dict[str, pd.DataFrame], max_lines: int | None = None) -> list[str]:
    """The block a person reads first on the Summary sheet, one fact per line, wrapped at
    `WIDTH` characters; at most `max_lines` lines (the notes go first, then the tail of the
    target list), so that the block never runs below the key / value rows."""
    summary = tables["Summary"]
    s = dict(zip(summary["key"], summary["value"], strict=True))
    status = str(s.get("status", ""))
    gap = s.get("mip_gap")
    head = f"Status: {status}"
    if isinstance(gap, int | float) and gap == gap:
        head += f" (optimality gap {100 * float(gap):.2f}%)"
    lines = [head]
    if "cost_over_baseline_musd" in s:
        lines += money_lines(s, tables.get("Ledger"))
    lines += target_lines(s, tables.get("Targets"))
    lines = wrap(lines)
    notes = wrap(["", *NOTES])
    limit = max_lines if max_lines is not None else len(lines) + len(notes)
    while notes and len(lines) + len(notes) > limit:
        notes = notes[:-1] if len(notes) > 1 else []
    if len(lines) > limit:
        lines = lines[: max(limit - 1, 0)] + ["    ... (see the Targets sheet)"][:limit]
    return lines + notes
