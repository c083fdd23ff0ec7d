"""``mineralclub explain RESULTS.xlsx``: a one-page, plain-language brief of a solved plan.

Built from the results workbook's tables only (no model, no input workbook): what the plan does
(projects, floors, offtake, stockpiles), what it costs (objective vs baseline, fiscal vs damage),
which targets bind and their marginal price (every binding target is named), and what happens
in the costliest scenario. The brief is markdown.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from mineralclub.report.reader import NotAResultsWorkbook, read_book
from mineralclub.units import HHI_RELATIVE_TOL

__all__ = ["NotAResultsWorkbook", "explain", "explain_to_files", "read_results"]

TOL = 1e-6
MAX_ITEMS = 8  # longest list in one bullet: the brief stays one page
SHEETS = (
    "Summary",
    "Projects",
    "PriceFloors",
    "ReferencePrices",
    "Offtake",
    "Stockpile",
    "Targets",
    "Shortfall",
    "Scenarios",
    "Ledger",
    "RunInfo",
)


def read_results(path: Path) -> dict[str, pd.DataFrame]:
    """The sheets the brief needs (absent ones as empty frames)."""
    book = read_book(path)
    return {name: book.get(name, pd.DataFrame()) for name in SHEETS}


def explain(path: Path) -> str:
    """The brief of the results workbook at `path`, as markdown."""
    t = read_results(path)
    s = dict(zip(t["Summary"]["key"], t["Summary"]["value"], strict=True))
    name = s.get("name") or Path(path).stem
    lines = [
        f"# Brief: {name}",
        "",
        f"*Results of `{Path(path).name}`, status **{s.get('status')}**. Money is in USD "
        "million, expected over the scenarios and discounted to the base year.*",
        "",
    ]
    if s.get("status") == "INFEASIBLE":
        lines += [
            "> **The targets or the budget cannot all be met.** This is the closest "
            "plan the model found; the unmet targets are listed below.",
            "",
        ]
    lines += ["## What the plan does", ""] + plan_lines(t) + [""]
    missed = sum(1 for r in whole_rows(t["Targets"]) if violated(r))
    lines += ["## What it costs", ""] + cost_lines(s, t["Ledger"], missed) + [""]
    lines += ["## Targets", ""] + target_lines(t["Targets"]) + [""]
    lines += ["## The worst scenario", ""] + worst_lines(t, s) + [""]
    return "\n".join(lines)


# --- helpers ------------------------------------------------------------------------------------


def money(v) -> str:
    """USD million: 2 decimals, or 3 significant digits below 1 (small examples stay
    readable)."""
    v = num(v)
    if math.isnan(v):
        return "n/a"
    if v == 0 or abs(v) >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}"


def num(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def tonnes(v) -> str:
    v = num(v)
    return f"{v:,.0f} t" if abs(v) >= 100 or v == int(v) else f"{v:,.1f} t"


def years(values) -> str:
    ys = sorted({int(y) for y in values})
    if not ys:
        return ""
    if len(ys) == 1:
        return str(ys[0])
    if ys == list(range(ys[0], ys[-1] + 1)) or len(ys) > 3:
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(map(str, ys))


def span(values) -> str:
    """'30 t/yr' or '20–30 t/yr'."""
    lo, hi = min(values), max(values)
    if abs(hi - lo) <= TOL * max(1.0, abs(hi)):
        return f"{tonnes(hi)}/yr"
    return f"{tonnes(lo)[:-2]}–{tonnes(hi)}/yr"


def share_text(v, metric: str) -> str:
    v = num(v)
    if math.isnan(v):
        return "n/a"
    if metric == "min_stock_days":
        return f"{v:,.0f} days"
    if metric == "max_hhi":
        return f"{v:.3f}"
    return f"{100 * v:.1f}%"


# --- sections -----------------------------------------------------------------------------------


def plan_lines(t: dict[str, pd.DataFrame]) -> list[str]:
    lines = [
        project_line(t["Projects"]),
        floor_line(t["PriceFloors"]),
        offtake_line(t["Offtake"]),
        stock_line(t["Stockpile"]),
    ]
    zone = reference_line(t.get("ReferencePrices", pd.DataFrame()))
    return lines[:2] + [zone] + lines[2:] if zone else lines


def reference_line(rp: pd.DataFrame) -> str:
    """The trade zone's reference prices (nothing when the workbook offers none)."""
    if rp.empty or "chosen" not in rp.columns:
        return ""
    chosen = rp[rp["chosen"].astype(bool)]
    if chosen.empty:
        return (
            "- **Reference prices:** none is chosen; the floors, offtake and stocks are "
            "cheaper for the club at the weights used."
        )
    items = []
    for (k, s, lvl, ref), g in chosen.groupby(
        ["mineral", "stage", "level", "reference_usd_per_t"], sort=True
    ):
        items.append(
            f"{k} {s} at {lvl} ({num(ref):,.0f} USD/t): levy revenue "
            f"{money(g['levy_revenue_musd'].astype(float).sum())}, consumers pay "
            f"{money(g['consumer_cost_musd'].astype(float).sum())} more, member "
            f"producers gain {money(g['producer_gain_musd'].astype(float).sum())}, "
            f"partners {money(g['partner_rent_musd'].astype(float).sum())}"
        )
    return "- **Reference prices (kept by a variable levy):** " + "; ".join(items) + "."


def project_line(pr: pd.DataFrame) -> str:
    if pr.empty:
        return "- **Projects:** no candidate projects were offered."
    built = pr[(pr["built"].astype(float) > TOL) & ~pr["committed"].astype(bool)]
    if built.empty:
        return "- **Projects:** no candidate project is financed."
    items = []
    ranked = built.sort_values("support_musd", ascending=False, kind="stable")
    for r in ranked.head(MAX_ITEMS).itertuples(index=False):
        part = "" if float(r.built) >= 1 - TOL else f", {100 * float(r.built):.0f}% of its scale"
        items.append(
            f"{r.project} ({r.country}, {r.mineral} {r.stage}{part}, support "
            f"{money(r.support_musd)}, online {int(num(r.online_year))})"
        )
    if len(built) > MAX_ITEMS:
        items.append(f"and {len(built) - MAX_ITEMS} more (see the Projects sheet)")
    total = built["support_musd"].astype(float).sum()
    return (
        f"- **Projects:** finances {len(built)} project(s) with {money(total)} of club "
        f"support (undiscounted); the largest: " + "; ".join(items) + "."
    )


def floor_line(fl: pd.DataFrame) -> str:
    if fl.empty:
        return "- **Price floors:** none are set."
    items = []
    for (k, s, lvl, f), g in fl.groupby(
        ["mineral", "stage", "level", "floor_usd_per_t"], sort=True
    ):
        items.append(
            f"{k} {s} at level {lvl} ({num(f):,.0f} USD/t), covering "
            f"{span(g['covered_t'].astype(float))} in {years(g['year'])}, expected "
            f"payout {money(g['expected_payout_musd'].astype(float).sum())}"
        )
    return "- **Price floors:** " + "; ".join(items) + "."


def offtake_line(of: pd.DataFrame) -> str:
    if of.empty:
        return "- **Offtake:** no contracts are signed."
    items = []
    for (sup, k, s), g in of.groupby(["supplier", "mineral", "stage"], sort=True):
        cost = g["expected_cost_musd"].astype(float).sum()
        note = " (negative: a hedge that pays when prices are high)" if cost < 0 else ""
        items.append(
            f"{sup}, {k} {s}: {span(g['volume_t'].astype(float))} in "
            f"{years(g['year'])}, expected net cost {money(cost)}{note}"
        )
    return "- **Offtake:** " + "; ".join(items) + "."


def stock_line(st: pd.DataFrame) -> str:
    if st.empty:
        return "- **Stockpiles:** none."
    items = []
    for k, g in st.groupby("mineral", sort=True):
        cap = num(g["capacity_t"].iloc[0])
        released = g[g["release_t"].astype(float) > TOL]
        if cap <= TOL and released.empty:
            continue
        text = f"{k}: {tonnes(cap)} of new capacity"
        if not released.empty:
            where = ", ".join(
                f"{tonnes(r.release_t)} in {int(r.year)} of scenario {r.scenario}"
                for r in released.itertuples(index=False)
            )
            text += f"; released {where}"
        items.append(text)
    if not items:
        return "- **Stockpiles:** no new stockpile is built."
    return "- **Stockpiles:** " + "; ".join(items) + "."


def levy_text(s: dict) -> str:
    """ " - levy revenue X" when reference prices raise a levy (it is netted in the fiscal cost)."""
    levy = num(s.get("levy_revenue_musd"))
    return f" − levy revenue {money(levy)}" if abs(levy) > TOL else ""


def cost_lines(s: dict, ledger: pd.DataFrame, missed: int = 0) -> list[str]:
    """The plan's cost against doing nothing: "the price of meeting the targets" only when it
    meets them all (no soft target missed, not INFEASIBLE); target penalties left out."""
    obj, base = num(s.get("objective_musd")), num(s.get("baseline_objective_musd"))
    over = num(s.get("cost_over_baseline_musd"))
    if math.isnan(over):  # a workbook from before cost_over_baseline_musd
        over = obj - num(s.get("target_penalty_musd") or 0.0) - base
    over = 0.0 if abs(over) < 1e-9 else over
    meets_all = s.get("status") != "INFEASIBLE" and missed == 0
    if over < 0:
        versus = "less than doing nothing"
    elif meets_all:
        versus = "more than doing nothing: the price of meeting the targets"
    else:
        versus = (
            "more than doing nothing, and it does **not** meet every target (see "
            "Targets): this is not the price of meeting them"
        )
    out = [
        f"- **Expected total cost:** {money(obj)} (target penalties included), against "
        f"{money(base)} with every lever off (the baseline). Without the notional target "
        f"penalties the plan costs {money(abs(over))} {versus}."
    ]
    out.append(
        f"- **Fiscal cost** (what the club pays out): {money(s.get('fiscal_cost_musd'))} "
        f"= project support {money(s.get('project_support_musd'))} + price floors "
        f"{money(s.get('floor_payout_musd'))} + offtake "
        f"{money(s.get('offtake_cost_musd'))} + stockpiles "
        f"{money(s.get('stockpile_cost_musd'))}{levy_text(s)}."
    )
    if abs(num(s.get("consumer_cost_musd"))) > TOL:
        out.append(
            f"- **Who bears the reference prices:** club buyers pay "
            f"{money(s.get('consumer_cost_musd'))} more, member producers gain "
            f"{money(s.get('producer_gain_musd'))}, the levy raises "
            f"{money(s.get('levy_revenue_musd'))} (in the fiscal cost); weighted in the "
            f"objective they count {money(s.get('weighted_transfers_musd'))}."
        )
    out.append(
        f"- **Damage** (what the economy bears): {money(s.get('damage_musd'))} = import "
        f"premium {money(s.get('import_premium_musd'))} + unmet demand "
        f"{money(s.get('shortfall_musd'))}. Target penalties "
        f"{money(s.get('target_penalty_musd'))}; risk charge {money(s.get('risk_musd'))}."
    )
    if not ledger.empty and "role" in ledger.columns:
        members = ledger[ledger["role"] == "member"]
        if len(members) > 1:
            payer = members.loc[members["net_position_musd"].astype(float).idxmin()]
            gainer = members.loc[members["net_position_musd"].astype(float).idxmax()]
            out.append(
                f"- **Who pays:** the largest net payer is {payer['country']} "
                f"({money(payer['net_position_musd'])}); the largest net receiver is "
                f"{gainer['country']} ({money(gainer['net_position_musd'])}). See the "
                "Ledger sheet."
            )
        elif len(members) == 1:
            out.append(
                f"- **Who pays:** {members['country'].iloc[0]} is the only member and "
                "bears the whole fiscal cost."
            )
    return out


def target_lines(tg: pd.DataFrame) -> list[str]:
    if tg.empty:
        return ["- The run has no targets."]
    is_whole = tg["year"].astype(str) == "*"
    whole, inst = tg[is_whole], tg[~is_whole]
    out = []
    binding = whole[whole["binding"].astype(bool)]
    for r in binding.itertuples(index=False):
        out.append(binding_line(r, inst[inst["target"] == r.target]))
    if binding.empty:
        out.append(
            "- No target binds: the plan meets every target with room to spare, so "
            "tightening one a little costs nothing."
        )
    slack = whole[~whole["binding"].astype(bool)]
    if not slack.empty:
        items = [
            f"{r.target} (achieved {share_text(r.achieved, r.metric)}, limit "
            f"{share_text(r.value, r.metric)})"
            for r in slack.itertuples(index=False)
        ]
        out.append("- Not binding: " + "; ".join(items) + ".")
    unmet = [r for r in whole.itertuples(index=False) if r.hard and violated(r)]
    for r in unmet:
        out.append(
            f"- **Not met:** {r.target}: best achievable "
            f"{share_text(r.achieved, r.metric)} against "
            f"{share_text(r.value, r.metric)}."
        )
    for r in whole.itertuples(index=False):
        if not r.hard and violated(r):
            out.append(missed_line(r))
    return out


def whole_rows(tg: pd.DataFrame) -> list:
    if tg.empty or "year" not in tg.columns:
        return []
    return list(tg[tg["year"].astype(str) == "*"].itertuples(index=False))


def missed_line(r) -> str:
    """A missed soft target with its shortfall (expected t/yr) and its penalty."""
    penalty = num(getattr(r, "penalty_musd", float("nan")))
    paid = "" if math.isnan(penalty) else f"; penalty {money(penalty)}"
    return (
        f"- **Missed (soft):** {r.target}: {share_text(r.achieved, r.metric)} at worst "
        f"against {share_text(r.value, r.metric)}; short by {tonnes(r.violation_t)} a year "
        f"(expected){paid}."
    )


def violated(r) -> bool:
    tol = HHI_RELATIVE_TOL * max(abs(num(r.value)), 1e-3)
    if str(r.metric).startswith("min_"):
        return num(r.achieved) < num(r.value) - tol
    return num(r.achieved) > num(r.value) + tol


def binding_line(r, instances: pd.DataFrame) -> str:
    bound = "at least" if str(r.metric).startswith("min_") else "at most"
    where = ", ".join(x for x in (str(r.mineral), str(r.stage)) if x not in ("*", "nan"))
    hits = instances[instances["binding"].astype(bool)]
    when = ""
    if not hits.empty:
        scen = sorted({str(w) for w in hits["scenario"]})
        when = (
            f" It binds in {years(hits['year'].astype(int))}"
            f" ({'all scenarios' if scen == ['*'] else 'scenario ' + ', '.join(scen)})."
        )
    mc = num(r.marginal_cost_musd_per_pp)
    if math.isnan(mc):
        price = "its marginal price is not available (no dual prices for this run)"
    elif abs(mc) < 1e-9:
        price = "its marginal price is zero: tightening it alone would not raise the cost"
    else:
        step = (
            "asking for one more day of stock"
            if r.metric == "min_stock_days"
            else "tightening it by one percentage point"
            if r.metric != "max_hhi"
            else "lowering it by 0.01"
        )
        price = f"{step} would cost about {money(mc)} USD million"
    unit = "" if r.metric in ("min_stock_days", "max_hhi") else " of supply"
    verb = "**binds**"
    if not bool(r.hard) and violated(r):
        verb = "**binds** and is missed (a soft target: its penalty is paid)"
    return (
        f"- **{r.target}** ({r.metric}, {where}: {bound} "
        f"{share_text(r.value, r.metric)}{unit}) {verb}: achieved "
        f"{share_text(r.achieved, r.metric)}; {price}.{when}"
    )


def worst_lines(t: dict[str, pd.DataFrame], s: dict) -> list[str]:
    sc = t["Scenarios"]
    if sc.empty:
        return ["- No scenario costs were reported."]
    worst = sc.loc[sc["cost_musd"].astype(float).idxmax()]
    w = worst["scenario"]
    out = [
        f"- The costliest scenario is **{w}** (probability "
        f"{100 * num(worst['probability']):.0f}%): it costs {money(worst['cost_musd'])}, "
        f"against {money(expected_cost(sc))} expected{largest_difference(worst, sc)}."
    ]
    sh = t["Shortfall"]
    if not sh.empty:
        here = sh[(sh["scenario"] == w) & (sh["shortfall_t"].astype(float) > TOL)]
        if here.empty:
            out.append("- Demand is met in full there: no shortfall.")
        else:
            items = [
                f"{r.mineral} {tonnes(r.shortfall_t)} in {int(r.year)}"
                for r in here.itertuples(index=False)
            ]
            out.append("- **Shortfall there:** " + "; ".join(items) + ".")
    st = t["Stockpile"]
    if not st.empty:
        rel = st[(st["scenario"] == w) & (st["release_t"].astype(float) > TOL)]
        if not rel.empty:
            items = [
                f"{r.mineral} {tonnes(r.release_t)} in {int(r.year)}"
                for r in rel.itertuples(index=False)
            ]
            out.append("- Stock released there: " + "; ".join(items) + ".")
    return out


PART_NAMES = {
    "project_support": "project support",
    "stockpile_cost": "stockpiles",
    "floor_payout": "price floors",
    "offtake_cost": "offtake",
    "import_premium": "the import premium",
    "shortfall": "unmet demand",
    "target_penalty": "target penalties",
}


def expected_cost(sc: pd.DataFrame) -> float:
    return float((sc["probability"].astype(float) * sc["cost_musd"].astype(float)).sum())


def largest_difference(row: pd.Series, sc: pd.DataFrame) -> str:
    """', mostly unmet demand (+29,292 against its expected 5,858)': the cost category in which
    the scenario differs most from the expectation over all scenarios."""
    prob = sc["probability"].astype(float)
    diffs = {}
    for key, name in PART_NAMES.items():
        col = f"{key}_musd"
        if col in sc.columns:
            mean = float((prob * sc[col].astype(float)).sum())
            diffs[name] = (num(row.get(col)) - mean, mean)
    diffs = {k: v for k, v in diffs.items() if not math.isnan(v[0]) and v[0] > 0}
    if not diffs:
        return largest_part(row)
    name = max(diffs, key=lambda k: diffs[k][0])
    more, mean = diffs[name]
    return f", mostly {name} (+{money(more)} against its expected {money(mean)})"


def largest_part(row: pd.Series) -> str:
    """', mostly offtake (0.30)': the largest cost category of a Scenarios row."""
    parts = {name: num(row.get(f"{key}_musd")) for key, name in PART_NAMES.items()}
    parts["first-stage commitments (support, stock capacity)"] = num(row.get("first_stage_musd"))
    parts = {k: v for k, v in parts.items() if not math.isnan(v) and v > 0}
    if not parts:
        return ""
    name = max(parts, key=lambda k: parts[k])
    return f", mostly {name} ({money(parts[name])})"


def explain_to_files(path: Path, out: Path | None = None) -> tuple[str, Path]:
    """The brief, written to `out` (default `<stem>_brief.md` beside the results)."""
    from mineralclub.io.atomic import write_atomic

    path = Path(path)
    text = explain(path)
    target = Path(out) if out is not None else path.with_name(f"{path.stem}_brief.md")
    write_atomic(target, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return text, target
