"""A frozen, typed dataset with the sparse index sets the model is built from.

Everything the model needs is computed here once from the validated `Tables`: periods and
discount weights, the stage chain of every mineral, prices, demand, the existing capacity of
every (country, mineral, stage) held forward to each period, disruption cuts per period and
scenario, member producers (existing capacity and projects), non-member export availability and
the export mix, producer cash costs and viability. Model rules look values up in these dicts;
none of them scans a table.

Key convention: every dict here, in the sets and in the model is keyed by a **flat** tuple in
the order (owner or country, mineral, stage, level / option, period, scenario), e.g.
``producer_cap[(o, k, s, t)]``, ``price[(k, s, t, w)]``, ``m.p_cap[o, k, s, t]``. A member
producer alone is a `Producer` (a NamedTuple, so it compares equal to the plain tuple
``(o, k, s)``); a key that adds a period or a scenario to it is spelled flat, ``(*r, t)``.
No key nests a tuple.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from mineralclub.io.tables import Tables

Key = tuple  # readability alias for tuple keys


class Producer(NamedTuple):
    """A member producer r = (owner, mineral, stage): a member country's existing capacity for
    one (mineral, stage), or a project (owner = the project name; `Dataset.country_of`)."""

    owner: str
    mineral: str
    stage: str


@dataclass(frozen=True)
class Project:
    name: str
    country: str
    mineral: str
    stage: str
    capacity_t: float
    capex_musd: float
    support_share: float
    unit_cost: float
    first_year: int
    lumpy: bool
    committed: bool
    min_contracted_share: float

    @property
    def support_musd(self) -> float:
        return self.support_share * self.capex_musd


@dataclass(frozen=True)
class TargetRow:
    """One Targets row, blanks resolved: ``scenarios`` lists the scenarios it applies to."""

    target: str
    metric: str
    mineral: str  # a mineral or "*"
    stage: str  # a stage or "*"
    country: str | None
    year_from: int
    value: float
    scope: str  # "club" or "world"
    scenarios: tuple[str, ...]
    hard: bool
    penalty_usd_per_t: float  # 0 when blank


@dataclass(frozen=True)
class FloorLevel:
    mineral: str
    stage: str
    level: str
    floor_usd_per_t: float
    upside_share: float = 0.0  # two-sided contract: share of (P - F)^+ paid back (SPEC §4.11)

    @property
    def key(self) -> Key:
        return (self.mineral, self.stage, self.level)


@dataclass(frozen=True)
class OfftakeOption:
    supplier: str
    mineral: str
    stage: str
    contract_price_usd_per_t: float
    max_t_per_yr: float
    first_year: int | None
    last_year: int | None

    @property
    def key(self) -> Key:
        return (self.supplier, self.mineral, self.stage)


@dataclass(frozen=True)
class Country:
    """A Countries row; ``gdp_busd`` and ``cost_share`` are None when blank (burden sharing)."""

    country: str
    member: bool
    partner: bool
    import_premium_usd_per_t: float
    gdp_busd: float | None
    cost_share: float | None
    import_premium_share: float = 0.0  # ad-valorem import premium, fraction of the price
    demand_share: float | None = None  # share of club demand; None = its cost share


@dataclass(frozen=True)
class ReferencePrice:
    """A ReferencePrices row: a candidate reference price of (mineral, stage) (SPEC §4.12)."""

    mineral: str
    stage: str
    level: str
    reference_usd_per_t: float

    @property
    def key(self) -> Key:
        return (self.mineral, self.stage, self.level)


@dataclass(frozen=True)
class Disruption:
    """A Disruptions row (after ``*`` expansion); ``year_to`` (filled by validation) and
    ``announced_year`` default to year_from."""

    scenario: str
    country: str
    mineral: str
    stage: str
    year_from: int
    year_to: int
    export_cut: float
    announced_year: int


@dataclass(frozen=True)
class PriceRow:
    """A Prices row (after ``*`` expansion of the scenario)."""

    mineral: str
    stage: str
    year: int
    scenario: str
    price_usd_per_t: float

    @property
    def key(self) -> Key:
        return (self.mineral, self.stage, self.year, self.scenario)


@dataclass(frozen=True)
class CapacityRow:
    """A Capacity row (blank unit cost, utilization, export share: the schema defaults, which
    validation fills)."""

    country: str
    mineral: str
    stage: str
    year: int
    capacity_t: float
    unit_cost_usd_per_t: float
    utilization: float
    export_share: float


@dataclass(frozen=True)
class Stock:
    """A mineral's stockpile terms (Minerals); ``max_t`` None = no limit (SPEC §4.10)."""

    initial_t: float
    max_t: float | None
    capacity_cost_usd_per_t: float
    holding_usd_per_t_yr: float


@dataclass(frozen=True)
class ProjectRisk:
    """A ProjectRisks row (SPEC §4.14); ``known_year`` defaults to the project's first_year."""

    scenario: str
    project: str
    delay_years: int
    fails: bool
    known_year: int


@dataclass(frozen=True)
class Dataset:
    name: str
    settings: dict
    # time
    periods: tuple[int, ...]
    duration: dict[int, int]
    weight: dict[int, float]  # w_t = d_t * delta(t)
    base_year: int
    # scenarios
    scenarios: tuple[str, ...]
    prob: dict[str, float]
    # minerals and stages
    minerals: tuple[str, ...]
    stages: dict[str, tuple[str, ...]]  # mineral -> stages in order
    yield_: dict[Key, float]  # (k, s) -> yield
    final_stage: dict[str, str]
    # countries
    members: tuple[str, ...]
    nonmembers: tuple[str, ...]
    partners: tuple[str, ...]
    premium: dict[str, float]
    # market
    price: dict[Key, float]  # (k, s, t, w)
    demand: dict[Key, float]  # (k, t)
    shortfall_penalty: dict[Key, float]  # (k, t, w) USD/t
    # existing capacity, held forward: (c, k, s, t) -> value
    capacity: dict[Key, float]
    utilization: dict[Key, float]
    cut: dict[Key, float]  # (c, k, s, t, w) -> export / capacity cut fraction (absent = 0)
    # producers
    projects: dict[str, Project]
    producer_cap: dict[Key, float]  # (o, k, s, t) undisrupted usable capacity (project: if built)
    producer_cost: dict[Key, float]  # (o, k, s, t, w) full cash cost
    viable: dict[Key, int]  # (o, k, s, t, w) 1 if cost <= price
    # non-member availability and export mix
    available: dict[Key, float]  # (c, k, s, t, w) exports the club can buy
    mix: dict[Key, float]  # (c, k, s, t, w) share of club spot imports
    stock: dict[str, Stock]  # mineral -> its stockpile terms
    disrupted: frozenset  # (k, t, w) with a cut on any country / stage of mineral k
    producers_of_stage: dict  # (k, s) -> countries with Capacity rows (members and non-members)
    # typed rows of the lever, target and budget sheets
    country_rows: tuple[Country, ...]
    floor_levels: tuple[FloorLevel, ...]
    reference_prices: tuple[ReferencePrice, ...]
    offtake_options: tuple[OfftakeOption, ...]
    targets: tuple[TargetRow, ...]
    budget: dict[int, float]  # year -> max_spend_musd
    # what each scenario reveals when (the scenario tree, SPEC §4.9) and project delay risk
    disruptions: tuple[Disruption, ...]
    risks: tuple[ProjectRisk, ...]
    offline: frozenset  # (project, t, w): due online in t but delayed or failed in w (§4.14)

    # --- helpers --------------------------------------------------------------------------
    def country_of(self, owner: str) -> str:
        """Host country of a producer owner (a member country or a project)."""
        return self.projects[owner].country if owner in self.projects else owner

    def stage_keys(self) -> list[Key]:
        return [(k, s) for k in self.minerals for s in self.stages[k]]

    def order(self, k: str, s: str) -> int:
        return self.stages[k].index(s) + 1

    def next_stage(self, k: str, s: str) -> str | None:
        chain = self.stages[k]
        i = chain.index(s)
        return chain[i + 1] if i + 1 < len(chain) else None

    def prev_stage(self, k: str, s: str) -> str | None:
        chain = self.stages[k]
        i = chain.index(s)
        return chain[i - 1] if i > 0 else None

    def later_yield(self, k: str, s: str) -> float:
        """Product of the yields of the stages after s: final-stage tonnes per stage-s tonne."""
        chain = self.stages[k]
        i = chain.index(s)
        return math.prod(self.yield_[(k, j)] for j in chain[i + 1 :])

    def stage_demand(self, k: str, s: str, t: int) -> float:
        """D_s = D / prod_{j>s} yield_j: stage-s tonnes embodied in club demand."""
        ly = self.later_yield(k, s)
        return self.demand[(k, t)] / ly if ly > 0 else 0.0

    def period_of(self, year: int) -> int:
        """The period containing `year` (clipped to the horizon)."""
        best = self.periods[0]
        for t in self.periods:
            if t <= year:
                best = t
        return best

    def period_end(self, t: int) -> int:
        return t + self.duration[t] - 1


# --- construction --------------------------------------------------------------------------


def build_dataset(tables: Tables) -> Dataset:
    st = dict(tables.settings)
    periods, duration = _periods(tables)
    base_year = int(st.get("base_year") or periods[0])
    rate = float(st.get("discount_rate") or 0.0)
    discount = {t: (1 + rate) ** -(t - base_year) for t in periods}
    weight = {t: duration[t] * discount[t] for t in periods}
    scen = tables["Scenarios"]
    scenarios = tuple(scen["scenario"])
    prob = dict(zip(scen["scenario"], scen["probability"].astype(float), strict=True))
    minerals, stages, yield_, final_stage = _stages(tables)
    countries = tables["Countries"]
    members = tuple(countries.loc[countries["member"].astype(bool), "country"])
    nonmembers = tuple(countries.loc[~countries["member"].astype(bool), "country"])
    partners = tuple(
        countries.loc[
            ~countries["member"].astype(bool) & countries["partner"].astype(bool), "country"
        ]
    )
    premium = dict(
        zip(countries["country"], countries["import_premium_usd_per_t"].fillna(0.0), strict=True)
    )
    price = {r.key: r.price_usd_per_t for r in _price_rows(tables)}
    demand = {
        (r.mineral, int(r.year)): float(r.demand_t)
        for r in tables["Demand"].itertuples(index=False)
    }
    cap, cost, util, exp = _capacity(_capacity_rows(tables), periods)
    disruptions = _disruptions(tables)
    cut = _cuts(disruptions, periods, duration)
    projects = _projects(tables)
    risks = _risks(tables, projects)
    shortfall_penalty = _shortfall_penalty(tables, st, final_stage, periods, scenarios, price)
    producer_cap, producer_cost, viable = _producer_params(
        set(members), projects, cap, cost, util, periods, scenarios, price, yield_, stages
    )
    available, mix = _availability(
        nonmembers, cap, util, exp, cut, minerals, stages, periods, scenarios
    )
    return Dataset(
        name=str(st.get("name") or "mineralclub run"),
        settings=st,
        periods=periods,
        duration=duration,
        weight=weight,
        base_year=base_year,
        scenarios=scenarios,
        prob=prob,
        minerals=minerals,
        stages=stages,
        yield_=yield_,
        final_stage=final_stage,
        members=members,
        nonmembers=nonmembers,
        partners=partners,
        premium=premium,
        price=price,
        demand=demand,
        shortfall_penalty=shortfall_penalty,
        capacity=cap,
        utilization=util,
        cut=cut,
        projects=projects,
        producer_cap=producer_cap,
        producer_cost=producer_cost,
        viable=viable,
        available=available,
        mix=mix,
        stock=_stock(tables),
        disrupted=frozenset((k, t, w) for (_c, k, _s, t, w), v in cut.items() if v > 0),
        producers_of_stage=_countries_by_stage(cap),
        country_rows=country_rows(tables),
        floor_levels=tuple(
            FloorLevel(
                r["mineral"],
                r["stage"],
                r["level"],
                float(r["floor_usd_per_t"]),
                _number(r.get("upside_share")) or 0.0,
            )
            for r in tables["FloorLevels"].to_dict("records")
        ),
        reference_prices=_reference_prices(tables),
        offtake_options=tuple(
            OfftakeOption(
                r["supplier"],
                r["mineral"],
                r["stage"],
                float(r["contract_price_usd_per_t"]),
                float(r["max_t_per_yr"]),
                _year(r.get("first_year")),
                _year(r.get("last_year")),
            )
            for r in tables["OfftakeOptions"].to_dict("records")
        ),
        targets=_target_rows(tables, scenarios),
        budget={
            int(r["year"]): float(r["max_spend_musd"]) for r in tables["Budget"].to_dict("records")
        },
        disruptions=disruptions,
        risks=risks,
        offline=_offline(risks, projects, periods),
    )


def _disruptions(tables: Tables) -> tuple[Disruption, ...]:
    out = []
    for r in tables["Disruptions"].to_dict("records"):
        announced = r.get("announced_year")
        out.append(
            Disruption(
                r["scenario"],
                r["country"],
                r["mineral"],
                r["stage"],
                int(r["year_from"]),
                int(r["year_to"]),
                float(r["export_cut"]),
                int(r["year_from"]) if _blank(announced) else int(announced),
            )
        )
    return tuple(out)


def _risks(tables: Tables, projects: dict) -> tuple[ProjectRisk, ...]:
    return tuple(
        ProjectRisk(
            r["scenario"],
            r["project"],
            int(r["delay_years"] or 0),
            bool(r["fails"]),
            projects[r["project"]].first_year if _blank(r["known_year"]) else int(r["known_year"]),
        )
        for r in tables["ProjectRisks"].to_dict("records")
    )


def _offline(risks, projects: dict, periods) -> frozenset:
    """(project, t, w) where the project would be online (t >= first_year) but is delayed
    (t < first_year + delay_years) or has failed, in scenario w (SPEC §4.14)."""
    out: set[tuple[str, int, str]] = set()
    for r in risks:
        p = projects[r.project]
        until = math.inf if r.fails else p.first_year + r.delay_years
        out.update((p.name, t, r.scenario) for t in periods if p.first_year <= t < until)
    return frozenset(out)


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _year(v) -> int | None:
    return None if _blank(v) else int(v)


def _number(v) -> float | None:
    return None if _blank(v) else float(v)


def _text(v) -> str | None:
    return None if _blank(v) or v == "" else str(v)


def country_rows(tables: Tables) -> tuple[Country, ...]:
    """The typed Countries rows of validated tables (also used by the coalition blocs)."""
    return tuple(
        Country(
            r["country"],
            bool(r["member"]),
            bool(r.get("partner") or False),
            _number(r.get("import_premium_usd_per_t")) or 0.0,
            _number(r.get("gdp_busd")),
            _number(r.get("cost_share")),
            _number(r.get("import_premium_share")) or 0.0,
            _number(r.get("demand_share")),
        )
        for r in tables["Countries"].to_dict("records")
    )


def _reference_prices(tables: Tables) -> tuple[ReferencePrice, ...]:
    frame = tables.frames.get("ReferencePrices")
    if frame is None or frame.empty:
        return ()
    return tuple(
        ReferencePrice(r["mineral"], r["stage"], r["level"], float(r["reference_usd_per_t"]))
        for r in frame.to_dict("records")
    )


def _target_rows(tables: Tables, scenarios: tuple[str, ...]) -> tuple[TargetRow, ...]:
    out = []
    for r in tables["Targets"].to_dict("records"):
        scen = str(_text(r.get("scenarios")) or "*").strip()
        chosen = (
            scenarios if scen == "*" else tuple(x.strip() for x in scen.split(";") if x.strip())
        )
        hard = r.get("hard")
        out.append(
            TargetRow(
                target=r["target"],
                metric=r["metric"],
                mineral=r["mineral"],
                stage=r["stage"],
                country=_text(r.get("country")),
                year_from=int(r["year_from"]),
                value=float(r["value"]),
                scope=_text(r.get("scope")) or "club",
                scenarios=chosen,
                hard=True if _blank(hard) else bool(hard),
                penalty_usd_per_t=_number(r.get("penalty_usd_per_t")) or 0.0,
            )
        )
    return tuple(out)


def _stock(tables: Tables) -> dict[str, Stock]:
    return {
        r["mineral"]: Stock(
            initial_t=_number(r.get("stock_initial_t")) or 0.0,
            max_t=_number(r.get("stock_max_t")),
            capacity_cost_usd_per_t=_number(r.get("stock_capacity_cost_usd_per_t")) or 0.0,
            holding_usd_per_t_yr=_number(r.get("stock_holding_usd_per_t_yr")) or 0.0,
        )
        for r in tables["Minerals"].to_dict("records")
    }


def _price_rows(tables: Tables) -> tuple[PriceRow, ...]:
    return tuple(
        PriceRow(r.mineral, r.stage, int(r.year), r.scenario, float(r.price_usd_per_t))
        for r in tables["Prices"].itertuples(index=False)
    )


def _capacity_rows(tables: Tables) -> tuple[CapacityRow, ...]:
    return tuple(
        CapacityRow(
            r["country"],
            r["mineral"],
            r["stage"],
            int(r["year"]),
            float(r["capacity_t"]),
            float(r["unit_cost_usd_per_t"]),
            float(r["utilization"]),
            float(r["export_share"]),
        )
        for r in tables["Capacity"].to_dict("records")
    )


def _countries_by_stage(cap) -> dict:
    out = defaultdict(set)
    for c, k, s, _t in cap:
        out[(k, s)].add(c)
    return {key: frozenset(v) for key, v in out.items()}


def _periods(tables: Tables) -> tuple[tuple[int, ...], dict[int, int]]:
    df = tables["Periods"].sort_values("year")
    years = tuple(int(y) for y in df["year"])
    duration = {int(r.year): int(r.duration_years) for r in df.itertuples(index=False)}
    return years, duration


def _stages(tables: Tables):
    df = tables["Stages"].sort_values(["mineral", "order"])
    minerals = tuple(tables["Minerals"]["mineral"])
    stages: dict[str, list[str]] = {k: [] for k in minerals}
    yield_: dict[Key, float] = {}
    final_stage: dict[str, str] = {}
    for rec in df.to_dict("records"):  # "yield" is a keyword: records, not itertuples
        k, s = rec["mineral"], rec["stage"]
        stages[k].append(s)
        yield_[(k, s)] = float(rec["yield"])
        if bool(rec["final"]):
            final_stage[k] = s
    return minerals, {k: tuple(v) for k, v in stages.items()}, yield_, final_stage


def _capacity(rows: tuple[CapacityRow, ...], periods: tuple[int, ...]):
    """Hold each Capacity row forward: a row applies to periods with year >= its year until the
    next row of the same (country, mineral, stage)."""
    cap: dict[Key, float] = {}
    cost: dict[Key, float] = {}
    util: dict[Key, float] = {}
    exp: dict[Key, float] = {}
    groups: dict[Key, list[CapacityRow]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.country, r.mineral, r.stage, r.year)):
        groups[(row.country, row.mineral, row.stage)].append(row)
    for (c, k, s), recs in groups.items():
        i = -1
        for t in periods:
            while i + 1 < len(recs) and recs[i + 1].year <= t:
                i += 1
            if i < 0:
                continue
            rec = recs[i]
            key = (c, k, s, t)
            cap[key] = rec.capacity_t
            cost[key] = rec.unit_cost_usd_per_t
            util[key] = rec.utilization
            exp[key] = rec.export_share
    return cap, cost, util, exp


def _cuts(disruptions: tuple[Disruption, ...], periods, duration) -> dict[Key, float]:
    """Cut per (country, mineral, stage, period, scenario): export_cut x overlapping years / d_t,
    summed over rows and capped at 1."""
    cut: dict[Key, float] = defaultdict(float)
    for r in disruptions:
        for t in periods:
            overlap = min(r.year_to, t + duration[t] - 1) - max(r.year_from, t) + 1
            if overlap > 0:
                key = (r.country, r.mineral, r.stage, t, r.scenario)
                cut[key] = min(1.0, cut[key] + r.export_cut * overlap / duration[t])
    return dict(cut)


def _projects(tables: Tables) -> dict[str, Project]:
    out = {}
    for r in tables["Projects"].to_dict("records"):
        out[r["project"]] = Project(
            name=r["project"],
            country=r["country"],
            mineral=r["mineral"],
            stage=r["stage"],
            capacity_t=float(r["capacity_t"]),
            capex_musd=float(r["capex_musd"]),
            support_share=float(r["support_share"]),
            unit_cost=float(r["unit_cost_usd_per_t"]),
            first_year=int(r["first_year"]),
            lumpy=bool(r["lumpy"]),
            committed=str(r["status"]) == "committed",
            min_contracted_share=float(r["min_contracted_share"] or 0.0),
        )
    return out


def _producer_units(
    cap, cost, util, projects: dict[str, Project], members: set[str], periods
) -> dict[Key, tuple[float, float]]:
    """{(o, k, s, t): (unit cost, undisrupted usable capacity)} of every member producer in the
    periods it exists: existing capacity > 0, or a project from its first year (SPEC §3)."""
    out = {key: (cost[key], v * util[key]) for key, v in cap.items() if key[0] in members and v > 0}
    for p in projects.values():
        for t in periods:
            if t >= p.first_year:
                out[(p.name, p.mineral, p.stage, t)] = (p.unit_cost, p.capacity_t)
    return out


def _producer_params(members, projects, cap, cost, util, periods, scenarios, price, yield_, stages):
    """cap_{r,t} (undisrupted usable; projects per unit of x), full cash cost and viability,
    keyed (o, k, s, t) and (o, k, s, t, w)."""
    producer_cap: dict[Key, float] = {}
    producer_cost: dict[Key, float] = {}
    viable: dict[Key, int] = {}
    for (o, k, s, t), (c_unit, capacity) in _producer_units(
        cap, cost, util, projects, members, periods
    ).items():
        prev = _previous(stages[k], s)
        producer_cap[(o, k, s, t)] = capacity
        for w in scenarios:
            full = c_unit
            if prev is not None:
                full += price[(k, prev, t, w)] / yield_[(k, s)]
            producer_cost[(o, k, s, t, w)] = full
            viable[(o, k, s, t, w)] = int(full <= price[(k, s, t, w)] + 1e-9)
    return producer_cap, producer_cost, viable


def _previous(chain: tuple[str, ...], s: str) -> str | None:
    i = chain.index(s)
    return chain[i - 1] if i > 0 else None


def _shortfall_penalty(tables, st, final_stage, periods, scenarios, price):
    given = st.get("shortfall_penalty_multiple")
    multiple = 5.0 if given is None else float(given)  # 0 is a valid choice
    out: dict[Key, float] = {}
    for r in tables["Minerals"].to_dict("records"):
        k = r["mineral"]
        fixed = _number(r.get("shortfall_penalty_usd_per_t"))
        for t in periods:
            for w in scenarios:
                if fixed is not None:
                    out[(k, t, w)] = fixed
                else:
                    out[(k, t, w)] = multiple * price[(k, final_stage[k], t, w)]
    return out


def _availability(nonmembers, cap, util, exp, cut, minerals, stages, periods, scenarios):
    """A_c = capacity x utilization x export_share x (1 - cut); mix_c = A_c / sum_c' A_c'."""
    nonmember = set(nonmembers)
    by_stage: dict[Key, list[str]] = defaultdict(list)
    for (c, k, s, t), v in cap.items():
        if c in nonmember and v > 0:
            by_stage[(k, s, t)].append(c)
    available, mix = {}, {}
    for (k, s, t), suppliers in by_stage.items():
        for w in scenarios:
            a = {
                c: cap[(c, k, s, t)]
                * util[(c, k, s, t)]
                * exp[(c, k, s, t)]
                * (1 - cut.get((c, k, s, t, w), 0.0))
                for c in suppliers
            }
            total = sum(a.values())
            for c, v in a.items():
                available[(c, k, s, t, w)] = v
                mix[(c, k, s, t, w)] = v / total if total > 0 else 0.0
    return available, mix
