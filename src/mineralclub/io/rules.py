"""Cross-sheet rules of the workbook contract (SPEC §3), one function per rule.

Each rule reads the typed records (one dict per row, ``None`` for a blank or invalid cell) and
reports problems with their cell; rules skip values that are already invalid, so one mistake
gives one message. Generic per-column checks (types, ranges, enums, keys, foreign keys) live in
:mod:`mineralclub.io.validate`; only rules that need several cells or sheets are here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mineralclub.io.messages import num, suggest, years_text
from mineralclub.schema import SHEET_BY_NAME

if TYPE_CHECKING:
    from mineralclub.io.validate import Records, Report

ROW = "_row"
TOLERANCE = 1e-6
WORLD_METRICS = ("max_country_share", "max_nonmember_share", "max_hhi")
NON_EMPTY_SHEETS = ("Countries", "Minerals", "Stages", "Periods", "Scenarios")
PARAMETER = re.compile(r"^\s*(\w+)\s*(?:\[([^\]]*)\])?\s*\.\s*(\w+)\s*$")


def check_all(records: Records, report: Report) -> None:
    view = View(records)
    for rule in RULES:
        rule(view, report)


@dataclass
class View:
    """Read-only lookups over the typed records, built once for all rules."""

    records: Records

    def rows(self, sheet: str) -> list[dict[str, Any]]:
        return self.records[sheet]

    @cached_property
    def countries(self) -> dict[str, dict]:
        return {r["country"]: r for r in self.rows("Countries") if r["country"] is not None}

    @cached_property
    def projects(self) -> dict[str, dict]:
        return {r["project"]: r for r in self.rows("Projects") if r["project"] is not None}

    @cached_property
    def periods(self) -> list[int]:
        return [r["year"] for r in self.rows("Periods") if r["year"] is not None]

    @cached_property
    def period_ends(self) -> dict[int, int]:
        """Period start year -> last year of the period."""
        return {
            r["year"]: r["year"] + (r["duration_years"] or 1) - 1
            for r in self.rows("Periods")
            if r["year"] is not None
        }

    @cached_property
    def scenarios(self) -> dict[str, float | None]:
        """scenario -> probability (None when the cell is blank or invalid)."""
        return {r["scenario"]: r["probability"] for r in self.rows("Scenarios") if r["scenario"]}

    @cached_property
    def stages(self) -> dict[str, dict[str, dict]]:
        """mineral -> stage -> Stages record."""
        out: dict[str, dict[str, dict]] = {}
        for r in self.rows("Stages"):
            if r["mineral"] is not None and r["stage"] is not None:
                out.setdefault(r["mineral"], {})[r["stage"]] = r
        return out

    @cached_property
    def prices(self) -> dict[tuple, float | None]:
        """(mineral, stage, year, scenario) -> price, after ``*`` expansion."""
        keys = ("mineral", "stage", "year", "scenario")
        return {tuple(r[k] for k in keys): r["price_usd_per_t"] for r in self.rows("Prices")}

    def typed_settings(self, names: tuple[str, ...]) -> dict[str, Any]:
        """The valid typed values of some Settings keys (blank or invalid ones left out)."""
        from mineralclub.io.validate import type_cell
        from mineralclub.schema import SETTING_BY_NAME

        out = {}
        for r in self.rows("Settings"):
            if r["key"] in names:
                value, message = type_cell(SETTING_BY_NAME[r["key"]], r["value"])
                if message is None and value is not None:
                    out[r["key"]] = value
        return out

    def settings_row(self, name: str) -> int | None:
        return next((r[ROW] for r in self.rows("Settings") if r["key"] == name), None)

    def order(self, mineral: str, stage: str) -> int | None:
        return self.stages.get(mineral, {}).get(stage, {}).get("order")

    def previous_stage(self, mineral: str, stage: str) -> dict | None:
        order = self.order(mineral, stage)
        return next(
            (r for r in self.stages.get(mineral, {}).values() if order and r["order"] == order - 1),
            None,
        )

    def expected_price(self, mineral: str, stage: str, year: int) -> float | None:
        """Probability-weighted market price, or None when a price is missing."""
        if not self.scenarios:
            return None
        total = 0.0
        for s, q in self.scenarios.items():
            p = self.prices.get((mineral, stage, year, s))
            if p is None or q is None:
                return None
            total += p * q
        return total

    def full_cost(self, mineral: str, stage: str, unit_cost: float, year: int) -> float | None:
        """Worst-scenario cash cost: unit cost, plus feed at market price / yield at stages >= 2."""
        previous = self.previous_stage(mineral, stage)
        if self.order(mineral, stage) == 1 or previous is None:
            return unit_cost
        feed = [self.prices.get((mineral, previous["stage"], year, s)) for s in self.scenarios]
        prices = [p for p in feed if p is not None]
        stage_yield = self.stages[mineral][stage]["yield"]
        if not prices or len(prices) < len(feed) or not stage_yield:
            return None
        return unit_cost + max(prices) / stage_yield

    @cached_property
    def capacity_rows(self) -> dict[tuple, list[dict]]:
        """(country, mineral, stage) -> its Capacity rows with a year, sorted by year."""
        out: dict[tuple, list[dict]] = {}
        for r in sorted(self.rows("Capacity"), key=lambda r: r["year"] or 0):
            if r["year"] is not None:
                out.setdefault((r["country"], r["mineral"], r["stage"]), []).append(r)
        return out

    def capacity_cost(self, country: str, mineral: str, stage: str, year: int) -> float | None:
        """Unit cost of the Capacity row in force in ``year`` (latest row with year <= it)."""
        rows = [
            r for r in self.capacity_rows.get((country, mineral, stage), []) if r["year"] <= year
        ]
        return rows[-1]["unit_cost_usd_per_t"] if rows else None

    def has_capacity(self, country: str, mineral: str, stage: str) -> bool:
        return (country, mineral, stage) in self.capacity_rows


# --- sheets that must have rows ------------------------------------------------------------------


def check_non_empty(view: View, report: Report) -> None:
    """Countries, Minerals, Stages, Periods and Scenarios have at least one row."""
    for sheet in NON_EMPTY_SHEETS:
        if not view.rows(sheet):
            report.error(
                sheet,
                f"{sheet} has no rows; at least one is needed",
                column=SHEET_BY_NAME[sheet].columns[0].name,
            )


# --- Countries ----------------------------------------------------------------------------------


def check_countries(view: View, report: Report) -> None:
    """At least one member; a partner is not a member; members give cost_share all or none
    (sum > 0); a non-member's cost_share is ignored (warning).
    """
    rows = view.rows("Countries")
    if rows and not any(r["member"] for r in rows):
        report.error(
            "Countries",
            "no country is a member (member = TRUE); the club needs one",
            column="member",
        )
    for r in rows:
        if r["member"] and r["partner"]:
            report.error(
                "Countries",
                f"{r['country']} is both member and partner; a partner is a "
                "non-member that may sign offtake",
                r[ROW],
                "partner",
            )
        if r["member"] is False and r["cost_share"] is not None:
            report.warn(
                "Countries",
                f"cost_share of non-member {r['country']} is ignored (only members share the bill)",
                r[ROW],
                "cost_share",
            )
    check_cost_shares([r for r in rows if r["member"]], report)
    check_gdp_coverage([r for r in rows if r["member"]], report)


def check_gdp_coverage(members: list[dict], report: Report) -> None:
    """With no cost_share, the bill is shared by gdp_busd only when every member gives it: a
    member without it switches every member to equal shares (warning at each blank cell)."""
    if any(r["cost_share"] is not None for r in members):
        return
    blank = [r for r in members if r.get("gdp_busd") is None]
    if blank and len(blank) < len(members):
        for r in blank:
            report.warn(
                "Countries",
                f"gdp_busd is blank for member {r['country']} while {len(members) - len(blank)}"
                " other members give it: the bill is therefore shared EQUALLY among all "
                "members, not by GDP; fill gdp_busd (or cost_share) for every member",
                r[ROW],
                "gdp_busd",
            )


def check_cost_shares(members: list[dict], report: Report) -> None:
    blank = [r for r in members if r["cost_share"] is None]
    if blank and len(blank) < len(members):
        names = ", ".join(str(r["country"]) for r in blank)
        report.error(
            "Countries",
            f"cost_share is given for some members but blank for {names}; "
            "fill it for every member or for none",
            blank[0][ROW],
            "cost_share",
        )
    elif members and not blank and sum(r["cost_share"] for r in members) <= 0:
        report.error(
            "Countries",
            "members' cost_share values sum to 0; they are normalised to "
            "sum 1, so at least one must be positive",
            column="cost_share",
        )


# --- Minerals, Stages, Periods, Scenarios --------------------------------------------------------


def check_minerals_have_stages(view: View, report: Report) -> None:
    """Every mineral has Stages rows."""
    for r in view.rows("Minerals"):
        if r["mineral"] is not None and r["mineral"] not in view.stages:
            report.error(
                "Minerals", f"mineral {r['mineral']} has no rows in Stages", r[ROW], "mineral"
            )


def check_stages(view: View, report: Report) -> None:
    """Per mineral: orders 1..n without gaps; exactly one final stage, the highest order;
    yield > 0 after the first stage.
    """
    for mineral, stages in view.stages.items():
        rows = sorted(stages.values(), key=lambda r: r[ROW])
        if any(r["order"] is None or r["final"] is None for r in rows):
            continue
        check_stage_orders(mineral, rows, report)
        check_final_stage(mineral, rows, report)
        for r in rows:
            if r["order"] > 1 and r["yield"] == 0:
                report.error(
                    "Stages",
                    f"yield of {mineral} / {r['stage']} must be > 0 (it turns "
                    "the previous stage's output into this one's)",
                    r[ROW],
                    "yield",
                )


def check_stage_orders(mineral: str, rows: list[dict], report: Report) -> None:
    orders = sorted(r["order"] for r in rows)
    if orders != list(range(1, len(rows) + 1)):
        report.error(
            "Stages",
            f"stages of {mineral} must be numbered 1..{len(rows)} without gaps "
            f"or repeats, found {', '.join(map(str, orders))}",
            rows[0][ROW],
            "order",
        )


def check_final_stage(mineral: str, rows: list[dict], report: Report) -> None:
    finals = [r for r in rows if r["final"]]
    if len(finals) != 1:
        where = finals[1] if finals else rows[0]
        report.error(
            "Stages",
            f"{mineral} must have exactly one final stage (final = TRUE), found {len(finals)}",
            where[ROW],
            "final",
        )
    elif finals[0]["order"] != max(r["order"] for r in rows):
        report.error(
            "Stages",
            f"final stage {finals[0]['stage']} of {mineral} must have its "
            f"highest order ({max(r['order'] for r in rows)})",
            finals[0][ROW],
            "final",
        )


def check_periods(view: View, report: Report) -> None:
    """Periods are contiguous: year(i+1) = year(i) + duration(i)."""
    rows = [r for r in view.rows("Periods") if None not in (r["year"], r["duration_years"])]
    for before, after in zip(rows, rows[1:], strict=False):
        follows = before["year"] + before["duration_years"]
        if after["year"] != follows:
            report.error(
                "Periods",
                f"periods must be contiguous: after {before['year']} (duration "
                f"{before['duration_years']}) the next period starts in {follows}, found "
                f"{after['year']}",
                after[ROW],
                "year",
            )


def check_probabilities(view: View, report: Report) -> None:
    """Scenario probabilities sum to 1 within 1e-6."""
    given = list(view.scenarios.values())
    probabilities = [q for q in given if q is not None]
    if not probabilities or len(probabilities) < len(given):
        return
    total = sum(probabilities)
    if abs(total - 1) > TOLERANCE:
        report.error(
            "Scenarios",
            f"probabilities must sum to 1 (within 1e-6), found {total:.6g}",
            column="probability",
        )


# --- Demand and Prices coverage -----------------------------------------------------------------


def check_demand_coverage(view: View, report: Report) -> None:
    """A demand for every (mineral, period)."""
    have = {(r["mineral"], r["year"]) for r in view.rows("Demand")}
    for r in view.rows("Minerals"):
        mineral = r["mineral"]
        missing = [y for y in view.periods if (mineral, y) not in have]
        if mineral is None or not missing:
            continue
        if len(missing) == len(view.periods):
            report.error(
                "Demand",
                f"mineral {mineral} has no Demand rows; its final stage needs a "
                f"demand_t for every period ({years_text(missing)})",
                column="mineral",
            )
        else:
            report.error(
                "Demand",
                f"no demand for {mineral} in {years_text(missing)}; give a "
                "demand_t for every (mineral, period)",
                column="demand_t",
            )


def check_price_coverage(view: View, report: Report) -> None:
    """A price for every (mineral, stage, period, scenario) after * expansion."""
    for mineral, stages in view.stages.items():
        for stage in stages:
            missing = [
                f"{y}/{s}"
                for y in view.periods
                for s in view.scenarios
                if (mineral, stage, y, s) not in view.prices
            ]
            if missing:
                report.error(
                    "Prices",
                    f"no price for {mineral} / {stage} in {years_text(missing)} "
                    "(year/scenario); give one for every period and scenario (scenario "
                    "* covers all)",
                    column="price_usd_per_t",
                )


# --- Projects -----------------------------------------------------------------------------------


def check_projects(view: View, report: Report) -> None:
    """Project names differ from country names; the host country is a member;
    min_contracted_share > 0 needs, in every operating period, a FloorLevels level >= the
    project's full cost (unit cost, plus the worst-scenario feed price / yield after stage
    1) or an offtake option with the project as supplier covering the share; first_year
    after the horizon (warning).
    """
    last = max(view.periods) if view.periods else None
    for r in view.rows("Projects"):
        if r["project"] in view.countries:
            report.error(
                "Projects",
                f"project name {r['project']} is also a country name; "
                "project names must differ from country names",
                r[ROW],
                "project",
            )
        country = view.countries.get(r["country"])
        if country is not None and country["member"] is False:
            report.error(
                "Projects",
                f"project country {r['country']} is not a member (member = "
                "TRUE); projects must be in member countries",
                r[ROW],
                "country",
            )
        if r["first_year"] is not None and last is not None and r["first_year"] > last:
            report.warn(
                "Projects",
                f"first_year {r['first_year']} is after the last period "
                f"({last}); the project never comes online",
                r[ROW],
                "first_year",
            )
        check_bankability(view, r, report)


def check_bankability(view: View, project: dict, report: Report) -> None:
    """min_contracted_share > 0 needs, in every operating year, an eligible floor or offtake."""
    share = project["min_contracted_share"]
    needed = ("mineral", "stage", "unit_cost_usd_per_t", "first_year", "capacity_t")
    if not share or any(project[k] is None for k in needed):
        return
    uncovered = [
        y
        for y in view.periods
        if y >= project["first_year"] and not contract_possible(view, project, share, y)
    ]
    if uncovered:
        report.error(
            "Projects",
            f"min_contracted_share {share:g} of {project['project']} needs "
            f"a contract in {years_text(uncovered)}, but no FloorLevels level for "
            f"{project['mineral']} / {project['stage']} reaches the project's full cost "
            "and no OfftakeOptions row with this project as supplier covers "
            f"{num(share * project['capacity_t'])} t/yr",
            project[ROW],
            "min_contracted_share",
        )


def contract_possible(view: View, project: dict, share: float, year: int) -> bool:
    mineral, stage = project["mineral"], project["stage"]
    cost = view.full_cost(mineral, stage, project["unit_cost_usd_per_t"], year)
    if cost is None:
        return True  # prices missing: reported elsewhere
    for r in view.rows("FloorLevels"):
        if (r["mineral"], r["stage"]) == (mineral, stage) and (r["floor_usd_per_t"] or 0) >= cost:
            return True
    return any(
        (r["supplier"], r["mineral"], r["stage"]) == (project["project"], mineral, stage)
        and r["first_year"] is not None
        and r["first_year"] <= view.period_ends.get(year, year)
        and year <= r["last_year"]  # the contract overlaps the period, as in the model
        and (r["max_t_per_yr"] or 0) >= share * project["capacity_t"] - TOLERANCE
        for r in view.rows("OfftakeOptions")
    )


# --- OfftakeOptions -----------------------------------------------------------------------------


def check_offtake(view: View, report: Report) -> None:
    """The supplier is a project of that mineral and stage, a member with Capacity rows for
    it, or a partner; last_year >= first_year; contract price below the supplier's unit cost
    is an error at stage 1 and a warning later; below the expected market price, a warning.
    """
    for r in view.rows("OfftakeOptions"):
        if (
            None in (r["supplier"], r["mineral"], r["stage"])
            or view.order(r["mineral"], r["stage"]) is None
        ):
            continue
        why = supplier_problem(view, r)
        if why:
            report.error(
                "OfftakeOptions",
                f'supplier "{r["supplier"]}" must be a project, a '
                "member country with Capacity rows for that mineral and stage, or a "
                f"partner country (partner = TRUE): {why}",
                r[ROW],
                "supplier",
            )
            continue
        if None in (r["first_year"], r["last_year"], r["contract_price_usd_per_t"]):
            continue
        if r["first_year"] > r["last_year"]:
            report.error(
                "OfftakeOptions",
                f"last_year {r['last_year']} is before first_year {r['first_year']}",
                r[ROW],
                "last_year",
            )
            continue
        years = [  # periods that overlap the contract years, as in the model
            y
            for y in view.periods
            if r["first_year"] <= view.period_ends.get(y, y) and y <= r["last_year"]
        ]
        if not years:
            report.warn(
                "OfftakeOptions",
                "the contract years cover no period; the option is never used",
                r[ROW],
                "first_year",
            )
        check_contract_price(view, r, years, report)


def supplier_problem(view: View, r: dict) -> str | None:
    """Why the supplier is not eligible, or None when it is."""
    supplier, mineral, stage = r["supplier"], r["mineral"], r["stage"]
    project = view.projects.get(supplier)
    if project is not None:
        if (project["mineral"], project["stage"]) == (mineral, stage):
            return None
        return f"project {supplier} produces {project['mineral']} / {project['stage']}"
    country = view.countries.get(supplier)
    if country is None:
        hint = suggest(supplier, list(view.projects) + list(view.countries))
        return f"it is neither in Projects nor in Countries{hint}"
    if country["partner"]:
        return None
    if not country["member"]:
        return f"{supplier} is a non-member and not a partner"
    if view.has_capacity(supplier, mineral, stage):
        return None
    return f"member {supplier} has no Capacity rows for {mineral} / {stage}"


def supplier_cost(view: View, r: dict, year: int) -> float | None:
    project = view.projects.get(r["supplier"])
    if project is not None:
        return project["unit_cost_usd_per_t"]
    return view.capacity_cost(r["supplier"], r["mineral"], r["stage"], year)


def check_contract_price(view: View, r: dict, years: list[int], report: Report) -> None:
    """Below unit cost: error at stage 1, warning later; below expected market: warning."""
    price, mineral, stage = r["contract_price_usd_per_t"], r["mineral"], r["stage"]
    costs = {y: c for y in years if (c := supplier_cost(view, r, y)) is not None}
    below = [y for y, c in costs.items() if price < c - TOLERANCE]
    if below:
        first_stage = view.order(mineral, stage) == 1
        message = (
            f"contract price {num(price)} USD/t is below the supplier's unit cost "
            f"({num(costs[below[0]])} USD/t) in {years_text(below)}"
        )
        if first_stage:
            report.error("OfftakeOptions", message, r[ROW], "contract_price_usd_per_t")
        else:
            report.warn(
                "OfftakeOptions",
                message + " (conversion cost; feed comes on top)",
                r[ROW],
                "contract_price_usd_per_t",
            )
    expected = {y: e for y in years if (e := view.expected_price(mineral, stage, y)) is not None}
    cheap = [y for y, e in expected.items() if price < e - TOLERANCE]
    if cheap:
        report.warn(
            "OfftakeOptions",
            f"contract price {num(price)} USD/t is below the expected "
            f"market price ({num(expected[cheap[0]])} USD/t) in {years_text(cheap)}; a "
            "supplier would rather sell at market",
            r[ROW],
            "contract_price_usd_per_t",
        )


# --- Targets ------------------------------------------------------------------------------------


def check_targets(view: View, report: Report) -> None:
    """scope world only for max_country_share, max_nonmember_share, max_hhi; max_hhi cannot
    be soft; a soft target needs penalty_usd_per_t; value in 0..1 except min_stock_days; a *
    must match a stage; scenarios is * or a ; list of scenarios; a named country is a
    non-member (max_country_share only).
    """
    last = max(view.periods) if view.periods else None
    for r in view.rows("Targets"):
        check_target_metric(r, report)
        check_target_stars(view, r, report)
        check_target_country(view, r, report)
        check_target_scenarios(view, r, report)
        if r["year_from"] is not None and last is not None and r["year_from"] > last:
            report.warn(
                "Targets",
                f"year_from {r['year_from']} is after the last period "
                f"({last}); the target never applies",
                r[ROW],
                "year_from",
            )


def check_target_metric(r: dict, report: Report) -> None:
    metric, row = r["metric"], r[ROW]
    if metric is None:
        return
    if r["scope"] == "world" and metric not in WORLD_METRICS:
        report.error(
            "Targets",
            f"scope world is allowed only for {', '.join(WORLD_METRICS)}, not {metric}",
            row,
            "scope",
        )
    if metric == "max_hhi" and r["hard"] is False:
        report.error("Targets", "max_hhi cannot be soft; set hard to TRUE", row, "hard")
    elif r["hard"] is False and r["penalty_usd_per_t"] is None:
        report.error(
            "Targets", "penalty_usd_per_t is required when hard is FALSE", row, "penalty_usd_per_t"
        )
    elif r["hard"] and r["penalty_usd_per_t"] is not None:
        report.warn(
            "Targets", "penalty_usd_per_t is ignored for a hard target", row, "penalty_usd_per_t"
        )
    value = r["value"]
    if metric != "min_stock_days" and value is not None and value > 1:
        report.error(
            "Targets",
            f"value of a {metric} target must be a fraction between 0 and 1, found {value:g}",
            row,
            "value",
        )


def check_target_stars(view: View, r: dict, report: Report) -> None:
    if (r["mineral"], r["stage"]) == ("*", "*") and not view.stages:
        report.error("Targets", "mineral * and stage * match no stage", r[ROW], "mineral")


def check_target_country(view: View, r: dict, report: Report) -> None:
    country = view.countries.get(r["country"])
    if country is None or r["metric"] is None:
        return
    if r["metric"] != "max_country_share":
        report.warn(
            "Targets",
            f"country is used only by max_country_share; ignored for {r['metric']}",
            r[ROW],
            "country",
        )
    elif country["member"]:
        report.error(
            "Targets",
            f"{r['country']} is a member; max_country_share limits a non-member's share",
            r[ROW],
            "country",
        )


def check_target_scenarios(view: View, r: dict, report: Report) -> None:
    names = [n for n in (r["scenarios"] or "").split(";") if n]
    if names == ["*"]:
        return
    unknown = [n for n in names if n not in view.scenarios]
    if not names or unknown:
        found = ", ".join(f'"{n}"' for n in unknown) or "nothing"
        report.error(
            "Targets",
            f"scenarios must be * or a ; list of scenarios ("
            f"{', '.join(view.scenarios)}), found {found}",
            r[ROW],
            "scenarios",
        )


# --- Disruptions and Sweeps ---------------------------------------------------------------------


def check_disruptions(view: View, report: Report) -> None:
    """year_to >= year_from; announced_year <= year_from (a cut is known once it starts)."""
    for r in view.rows("Disruptions"):
        if None not in (r["year_from"], r["year_to"]) and r["year_to"] < r["year_from"]:
            report.error(
                "Disruptions",
                f"year_to {r['year_to']} is before year_from {r['year_from']}",
                r[ROW],
                "year_to",
            )
        announced = r.get("announced_year")
        if None not in (r["year_from"], announced) and announced > r["year_from"]:
            report.error(
                "Disruptions",
                f"announced_year {announced} is after year_from {r['year_from']}; a cut is "
                "known at the latest when it starts",
                r[ROW],
                "announced_year",
            )


def check_project_risks(view: View, report: Report) -> None:
    """known_year <= the project's first_year (a delay is known at the latest when the project
    was due online); a failed project with delay_years is contradictory (warning)."""
    for r in view.rows("ProjectRisks"):
        project = view.projects.get(r["project"])
        first = project["first_year"] if project else None
        if None not in (first, r["known_year"]) and r["known_year"] > first:
            report.error(
                "ProjectRisks",
                f"known_year {r['known_year']} is after the project's first_year {first}; a "
                "delay is known at the latest when the project was due online",
                r[ROW],
                "known_year",
            )
        if (
            project is not None
            and project.get("status") == "committed"
            and (r["fails"] or (r["delay_years"] or 0) > 0)
        ):
            report.warn(
                "ProjectRisks",
                f"project {r['project']} is committed; its delay or failure still applies "
                "(capacity counted only where it is online)",
                r[ROW],
                "project",
            )
        if r["fails"] and (r["delay_years"] or 0) > 0:
            report.warn(
                "ProjectRisks",
                "fails is TRUE: delay_years is ignored (a failed project never comes online)",
                r[ROW],
                "delay_years",
            )


def check_sweeps(view: View, report: Report) -> None:
    """parameter reads Sheet[key=value,...].column of a known sheet and column; values, or
    start, stop and step (> 0).
    """
    for r in view.rows("Sweeps"):
        if r["parameter"] is not None:
            why = parameter_problem(r["parameter"])
            if why:
                report.error(
                    "Sweeps",
                    f"parameter must look like Sheet[key=value,...].column: {why}",
                    r[ROW],
                    "parameter",
                )
        ranged = [r[k] for k in ("start", "stop", "step")]
        if r["values"] is None and None in ranged:
            report.error(
                "Sweeps",
                "give values (a comma list) or all of start, stop and step",
                r[ROW],
                "values",
            )
        elif r["values"] is None and ranged[2] <= 0:
            report.error("Sweeps", "step must be > 0", r[ROW], "step")


def parameter_problem(address: str) -> str | None:
    match = PARAMETER.match(address)
    if not match:
        return f'cannot read "{address}"'
    sheet, keys, column = match.groups()
    spec = SHEET_BY_NAME.get(sheet)
    if spec is None:
        return f"unknown sheet {sheet}"
    if column not in {c.name for c in spec.columns}:
        return f"{sheet} has no column {column}"
    for pair in filter(None, (p.strip() for p in (keys or "").split(","))):
        name = pair.split("=")[0].strip()
        if "=" not in pair or name not in {c.name for c in spec.columns}:
            return f'"{pair}" is not column=value of {sheet}'
    return None


# --- discounting --------------------------------------------------------------------------------

DISCOUNT_LIMIT = 1e6  # discount factors must stay within 1/limit .. limit


def check_discounting(view: View, report: Report) -> None:
    """Discount factors (1 + discount_rate)^-(year - base_year) of every period and project
    first_year stay within 1e-6..1e6, so no cost overflows or vanishes."""
    settings = view.typed_settings(("base_year", "discount_rate"))
    rate, base = settings.get("discount_rate") or 0.0, settings.get("base_year")
    if not view.periods or rate <= 0:
        return
    base = min(view.periods) if base is None else base
    limit = math.log(DISCOUNT_LIMIT) / math.log1p(rate)
    far = [y for y in view.periods if abs(y - base) > limit]
    if far:
        cell = "base_year" if settings.get("base_year") is not None else "discount_rate"
        report.error(
            "Settings",
            f"base_year {base} with discount_rate {rate:g} gives period "
            f"{far[0]} a discount factor outside 1e-6..1e6; bring base_year within "
            f"{int(limit)} years of the periods or lower the rate",
            view.settings_row(cell),
            "value",
        )
        return
    for r in view.rows("Projects"):
        if r["first_year"] is not None and abs(r["first_year"] - base) > limit:
            report.error(
                "Projects",
                f"first_year {r['first_year']} is more than {int(limit)} "
                f"years from base_year {base}: at discount_rate {rate:g} its discount "
                "factor is outside 1e-6..1e6",
                r[ROW],
                "first_year",
            )


RULES = (
    check_non_empty,
    check_countries,
    check_minerals_have_stages,
    check_stages,
    check_periods,
    check_probabilities,
    check_demand_coverage,
    check_price_coverage,
    check_projects,
    check_offtake,
    check_targets,
    check_disruptions,
    check_project_risks,
    check_sweeps,
    check_discounting,
)
