"""The workbook contract: every sheet and column of the input workbook (SPEC §3).

This module is the single source of truth. The reader, the defaults, the validation, the blank
template workbook (with its README sheet, header comments and drop-downs) and the user docs
(`docs/workbook.md`) are all generated from it, so they cannot drift apart.

A column is described by :class:`Column`; a sheet by :class:`Sheet`. ``REQUIRED`` marks a column
that must be present and filled; ``None`` as default means "blank is allowed and stays blank".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REQUIRED = object()  # sentinel: column must be present and every cell filled

# Sane upper bounds of numeric columns by unit (SPEC §6 Revision 2), so the solver never sees a
# number it cannot handle (no duration of 1e9 years, no price of 1e308). A column's own
# ``maximum`` wins; a number column without a unit gets NUMBER_MAXIMUM.
UNIT_MAXIMUM = {
    "t": 1e10,  # ten billion tonnes: above a year of world iron-ore mining
    "t/yr": 1e10,
    "t/t": 1e3,
    "USD/t": 1e9,  # a billion dollars a tonne: far above any mineral price
    "USD/t/yr": 1e9,
    "USD million": 1e7,  # ten trillion dollars
    "USD million/yr": 1e7,
    "USD billion": 1e6,
    "years": 100,
    "s": 1e7,  # about 115 days
}
NUMBER_MAXIMUM = 1e9


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text", "number", "integer", "year", "bool", "enum"
    description: str
    unit: str = ""
    default: Any = None
    key: bool = False
    allowed: tuple[str, ...] = ()
    ref: str = ""  # foreign key "Sheet.column" (names); "*" allowed where star is True
    star: bool = False  # the wildcard "*" is allowed in this column
    minimum: float | None = None
    maximum: float | None = None
    optional_column: bool = False  # the column may be absent from the sheet altogether

    @property
    def upper(self) -> float | None:
        """The largest value accepted: ``maximum``, else the sane bound of the column's unit."""
        if self.maximum is not None or self.kind not in ("number", "integer"):
            return self.maximum
        return UNIT_MAXIMUM.get(self.unit, NUMBER_MAXIMUM)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def describe(self) -> str:
        parts = [self.description]
        if self.unit:
            parts.append(f"Unit: {self.unit}.")
        if self.allowed:
            parts.append("Allowed: " + ", ".join(self.allowed) + ".")
        if self.required:
            parts.append("Required.")
        elif self.default is not None:
            parts.append(f"Default: {self.default}.")
        return " ".join(parts)


@dataclass(frozen=True)
class Sheet:
    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = True
    key_value: bool = False  # Settings-style key/value sheet
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


BOOL_TRUE = ("true", "yes", "1", "1.0")
BOOL_FALSE = ("false", "no", "0", "0.0")
METRICS = (
    "max_country_share",
    "max_nonmember_share",
    "min_trusted_share",
    "max_hhi",
    "min_stock_days",
)
SCOPES = ("club", "world")
STATUSES = ("candidate", "committed")
SWEEP_MODES = ("one_at_a_time", "grid", "frontier")
CONCENTRATION_METHODS = ("cuts",)
FLOOR_DESIGNS = ("uniform", "per_contract")
PRESOLVE = ("choose", "on", "off")

SOURCE = Column(
    "source",
    "text",
    "Provenance of the figures in this row: publication, table, year. Estimates say so.",
    optional_column=True,
)


def _c(name, kind, description, **kw) -> Column:
    return Column(name, kind, description, **kw)


# --- Settings: a key/value sheet; each key is described like a column -------------------------
SETTINGS = (
    _c("name", "text", "Name of the run, shown in the results.", default="mineralclub run"),
    _c("base_year", "year", "Discounting base year; defaults to the first period.", default=None),
    _c(
        "discount_rate",
        "number",
        "Real discount rate per year.",
        unit="fraction",
        default=0.0,
        minimum=0.0,
        maximum=1.0,
    ),
    _c(
        "objective_risk_weight",
        "number",
        "Weight lambda of CVaR of scenario cost in the objective.",
        default=0.0,
        minimum=0.0,
    ),
    _c(
        "cvar_alpha",
        "number",
        "CVaR confidence level alpha (0.9 = worst 10% of probability).",
        default=0.9,
        minimum=0.0,
        maximum=0.999999,
    ),
    _c(
        "mip_gap",
        "number",
        "Relative MIP gap at which the solver stops.",
        default=0.001,
        minimum=0.0,
        maximum=1.0,
    ),
    _c(
        "time_limit_s",
        "number",
        "Solver time limit in seconds (blank = none).",
        unit="s",
        default=None,
        minimum=0.0,
    ),
    _c(
        "concentration_method",
        "enum",
        "How HHI targets are enforced.",
        default="cuts",
        allowed=CONCENTRATION_METHODS,
    ),
    _c(
        "shortfall_penalty_multiple",
        "number",
        "Default shortfall penalty as a multiple of the final-stage price.",
        default=5.0,
        minimum=0.0,
    ),
    _c(
        "floor_design",
        "enum",
        "Price floors: uniform (one strike per mineral and stage paid to every covered producer) "
        "or per_contract (each covered producer paid at the lowest FloorLevels level eligible for "
        "it).",
        default="uniform",
        allowed=FLOOR_DESIGNS,
    ),
    _c(
        "consumer_cost_weight",
        "number",
        "Weight of club consumers' extra cost under reference prices in the objective.",
        default=1.0,
        minimum=0.0,
        maximum=1000.0,
    ),
    _c(
        "producer_gain_weight",
        "number",
        "Weight of member producers' gain under reference prices in the objective (subtracted).",
        default=1.0,
        minimum=0.0,
        maximum=1000.0,
    ),
    # HiGHS options (benchmarks/README.md has the measurements behind the defaults)
    _c(
        "solver_threads",
        "integer",
        "HiGHS threads (blank = HiGHS' choice; sweep workers use one each).",
        default=None,
        minimum=1,
        maximum=256,
    ),
    _c("solver_presolve", "enum", "HiGHS presolve.", default="choose", allowed=PRESOLVE),
    _c(
        "solver_rins",
        "bool",
        "Run HiGHS' RINS heuristic in the MIP search (off by default: "
        "on the base case the same optimum in 32-71% less HiGHS time).",
        default=False,
    ),
    _c(
        "solver_rens",
        "bool",
        "Run HiGHS' RENS heuristic at the root node, a sub-MIP with its own copy of the model "
        "(blank: on up to 250,000 nonzeros, off above, where its copy costs more memory and "
        "time than its better incumbents are worth; benchmarks/README.md).",
        default=None,
    ),
    _c(
        "solver_root_reduced_cost",
        "bool",
        "Run HiGHS' root reduced-cost heuristic, a sub-MIP with its own copy of the model "
        "(blank: on up to 250,000 nonzeros, off above; benchmarks/README.md).",
        default=None,
    ),
    _c(
        "solver_heuristic_effort",
        "number",
        "Share of MIP search effort HiGHS spends on primal heuristics.",
        unit="fraction",
        default=0.05,
        minimum=0.0,
        maximum=1.0,
    ),
)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Settings",
        "Run options as key/value rows. Keys: " + ", ".join(c.name for c in SETTINGS) + ".",
        (
            _c(
                "key",
                "enum",
                "Setting name.",
                key=True,
                default=REQUIRED,
                allowed=tuple(c.name for c in SETTINGS),
            ),
            _c("value", "text", "Setting value (blank = default).", default=None),
            SOURCE,
        ),
        key_value=True,
    ),
    Sheet(
        "Countries",
        "Every country that produces or could supply the club; members are the club.",
        (
            _c("country", "text", "Country name (unique).", key=True, default=REQUIRED),
            _c("iso3", "text", "ISO 3166-1 alpha-3 code.", default=None),
            _c("member", "bool", "Club member.", default=False),
            _c("partner", "bool", "Non-member that may sign offtake contracts.", default=False),
            _c("region", "text", "Region, for reporting.", default=None),
            _c(
                "bloc",
                "text",
                "Negotiating bloc of a member, for the coalition analysis (mineralclub coalition "
                "--by bloc); blank = the member is a bloc of its own.",
                default=None,
                optional_column=True,
            ),
            _c(
                "import_premium_usd_per_t",
                "number",
                "Freight + tariff cost per tonne imported from this country.",
                unit="USD/t",
                default=0.0,
                minimum=0.0,
            ),
            _c(
                "import_premium_share",
                "number",
                "Freight + tariff on imports from this country as a fraction of the market price "
                "(ad valorem), added to import_premium_usd_per_t.",
                unit="fraction",
                default=0.0,
                minimum=0.0,
                maximum=1.0,
                optional_column=True,
            ),
            _c(
                "gdp_busd",
                "number",
                "GDP, for default burden sharing.",
                unit="USD billion",
                default=None,
                minimum=0.0,
            ),
            _c(
                "demand_share",
                "number",
                "A member's share of club demand (consumers' cost in the Ledger; coalition demand "
                "scaling); blank = its cost share",
                unit="fraction",
                default=None,
                minimum=0.0,
                maximum=1.0,
                optional_column=True,
            ),
            _c(
                "cost_share",
                "number",
                "Member's share of the club's bill (normalised to sum 1; blank everywhere = by "
                "gdp_busd where all members give it, else equal).",
                unit="fraction",
                default=None,
                minimum=0.0,
            ),
            SOURCE,
        ),
    ),
    Sheet(
        "Minerals",
        "Minerals, their mass basis, shortfall penalty and stockpile parameters.",
        (
            _c("mineral", "text", "Mineral name (unique).", key=True, default=REQUIRED),
            _c(
                "basis",
                "text",
                "Mass basis of every tonne of this mineral (e.g. t LCE).",
                default="t",
            ),
            _c(
                "shortfall_penalty_usd_per_t",
                "number",
                "Economic damage per tonne of unmet demand (blank = shortfall_penalty_multiple x "
                "final-stage price).",
                unit="USD/t",
                default=None,
                minimum=0.0,
            ),
            _c(
                "stock_capacity_cost_usd_per_t",
                "number",
                "One-off cost of new stockpile capacity.",
                unit="USD/t",
                default=0.0,
                minimum=0.0,
            ),
            _c(
                "stock_holding_usd_per_t_yr",
                "number",
                "Holding cost of stock.",
                unit="USD/t/yr",
                default=0.0,
                minimum=0.0,
            ),
            _c(
                "stock_max_t",
                "number",
                "Maximum stockpile size (blank = no limit; 0 = no new stockpile).",
                unit="t",
                default=None,
                minimum=0.0,
            ),
            _c(
                "stock_initial_t",
                "number",
                "Stock held at the start.",
                unit="t",
                default=0.0,
                minimum=0.0,
            ),
            SOURCE,
        ),
    ),
    Sheet(
        "Stages",
        "Supply-chain stages per mineral (1 = mining, then processing / refining).",
        (
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage name.", key=True, default=REQUIRED),
            _c(
                "order",
                "integer",
                "Position in the chain: 1, 2, ... without gaps.",
                default=1,
                minimum=1,
            ),
            _c(
                "yield",
                "number",
                "Output tonnes per tonne of input from the previous stage.",
                unit="t/t",
                default=1.0,
                minimum=0.0,
            ),
            _c(
                "final",
                "bool",
                "Final stage (exactly one per mineral, the highest order).",
                default=False,
            ),
            SOURCE,
        ),
    ),
    Sheet(
        "Periods",
        "Model periods; contiguous: year(i+1) = year(i) + duration(i).",
        (
            _c("year", "year", "First year of the period.", key=True, default=REQUIRED),
            _c(
                "duration_years",
                "integer",
                "Length of the period.",
                unit="years",
                default=1,
                minimum=1,
            ),
            SOURCE,
        ),
    ),
    Sheet(
        "Demand",
        "Club consumption of each mineral's final-stage product.",
        (
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("year", "year", "Period year.", key=True, default=REQUIRED, ref="Periods.year"),
            _c("demand_t", "number", "Club demand.", unit="t/yr", default=REQUIRED, minimum=0.0),
            SOURCE,
        ),
    ),
    Sheet(
        "Capacity",
        "Existing capacity by country, mineral, stage; a row holds from its year until the next "
        "row of the same key.",
        (
            _c("country", "text", "Country.", key=True, default=REQUIRED, ref="Countries.country"),
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", key=True, default=REQUIRED, ref="Stages.stage"),
            _c("year", "year", "First year this row applies.", key=True, default=REQUIRED),
            _c(
                "capacity_t",
                "number",
                "Production capacity.",
                unit="t/yr",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c(
                "unit_cost_usd_per_t",
                "number",
                "Cash operating cost (at stages >= 2 the conversion cost, feed excluded).",
                unit="USD/t",
                default=0.0,
                minimum=0.0,
            ),
            _c(
                "utilization",
                "number",
                "Usable fraction of capacity.",
                unit="fraction",
                default=1.0,
                minimum=0.0,
                maximum=1.0,
            ),
            _c(
                "export_share",
                "number",
                "For non-members: the fraction of output the club can buy.",
                unit="fraction",
                default=1.0,
                minimum=0.0,
                maximum=1.0,
            ),
            SOURCE,
        ),
    ),
    Sheet(
        "Projects",
        "Candidate and committed mining / processing projects in member countries.",
        (
            _c(
                "project",
                "text",
                "Project name (unique, not a country name).",
                key=True,
                default=REQUIRED,
            ),
            _c(
                "country",
                "text",
                "Host country (a member).",
                default=REQUIRED,
                ref="Countries.country",
            ),
            _c("mineral", "text", "Mineral.", default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", default=REQUIRED, ref="Stages.stage"),
            _c(
                "capacity_t",
                "number",
                "Nameplate capacity.",
                unit="t/yr",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c(
                "capex_musd",
                "number",
                "Capital cost.",
                unit="USD million",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c(
                "support_share",
                "number",
                "Club's fraction of capex.",
                unit="fraction",
                default=REQUIRED,
                minimum=0.0,
                maximum=1.0,
            ),
            _c(
                "unit_cost_usd_per_t",
                "number",
                "Cash operating cost (conversion cost at stages >= 2).",
                unit="USD/t",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c("first_year", "year", "First year online.", default=REQUIRED),
            _c("lumpy", "bool", "Yes/no decision (TRUE) or scalable 0..1 (FALSE).", default=True),
            _c(
                "status",
                "enum",
                "candidate (the model decides) or committed (already built).",
                default="candidate",
                allowed=STATUSES,
            ),
            _c(
                "min_contracted_share",
                "number",
                "Bankability: share of capacity that must be under offtake or floor.",
                unit="fraction",
                default=0.0,
                minimum=0.0,
                maximum=1.0,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "Scenarios",
        "Scenarios of the second stage with their probabilities (sum to 1).",
        (
            _c("scenario", "text", "Scenario name (unique).", key=True, default=REQUIRED),
            _c(
                "probability",
                "number",
                "Probability.",
                unit="fraction",
                default=REQUIRED,
                minimum=0.0,
                maximum=1.0,
            ),
            _c("description", "text", "What happens in it.", default=None),
            SOURCE,
        ),
    ),
    Sheet(
        "Prices",
        "Market prices per mineral, stage, period and scenario (* = every scenario).",
        (
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", key=True, default=REQUIRED, ref="Stages.stage"),
            _c("year", "year", "Period year.", key=True, default=REQUIRED, ref="Periods.year"),
            _c(
                "scenario",
                "text",
                "Scenario or *.",
                key=True,
                default=REQUIRED,
                ref="Scenarios.scenario",
                star=True,
            ),
            _c(
                "price_usd_per_t",
                "number",
                "Market price.",
                unit="USD/t",
                default=REQUIRED,
                minimum=0.0,
            ),
            SOURCE,
        ),
    ),
    Sheet(
        "Disruptions",
        "Export cuts (bans) by scenario, country, mineral, stage and years.",
        (
            _c(
                "scenario",
                "text",
                "Scenario or *.",
                key=True,
                default=REQUIRED,
                ref="Scenarios.scenario",
                star=True,
            ),
            _c("country", "text", "Country.", key=True, default=REQUIRED, ref="Countries.country"),
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", key=True, default=REQUIRED, ref="Stages.stage"),
            _c("year_from", "year", "First year of the cut.", key=True, default=REQUIRED),
            _c("year_to", "year", "Last year of the cut (default = year_from).", default=None),
            _c(
                "export_cut",
                "number",
                "Fraction of exports (members: capacity) cut.",
                unit="fraction",
                default=0.0,
                minimum=0.0,
                maximum=1.0,
            ),
            _c(
                "announced_year",
                "year",
                "When the club learns of the cut: decisions of the "
                "periods ending before it cannot anticipate it (default = year_from; at most "
                "year_from).",
                default=None,
                optional_column=True,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "DisruptionRisks",
        "Stated disruption risks to sample scenarios from (`mineralclub sample`): each year a "
        "disruption starts with the annual probability, unless one of the same row is under way, "
        "and cuts exports for the duration. Not read by `solve`.",
        (
            _c(
                "country",
                "text",
                "Exporting country.",
                key=True,
                default=REQUIRED,
                ref="Countries.country",
            ),
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", key=True, default=REQUIRED, ref="Stages.stage"),
            _c(
                "annual_probability",
                "number",
                "Probability that a disruption starts in a given year.",
                unit="fraction/yr",
                default=REQUIRED,
                minimum=0.0,
                maximum=1.0,
            ),
            _c(
                "duration_years",
                "integer",
                "How long a disruption lasts.",
                unit="years",
                default=1,
                minimum=1,
                maximum=100,
            ),
            _c(
                "export_cut",
                "number",
                "Fraction of exports (members: capacity) cut.",
                unit="fraction",
                default=1.0,
                minimum=0.0,
                maximum=1.0,
            ),
            _c(
                "announcement_lead_years",
                "integer",
                "Years between the announcement of a "
                "disruption and its start (the sampled row's announced_year).",
                unit="years",
                default=0,
                minimum=0,
                maximum=100,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "FloorLevels",
        "Candidate price-floor strike levels per mineral and stage.",
        (
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", key=True, default=REQUIRED, ref="Stages.stage"),
            _c("level", "text", "Level name.", key=True, default=REQUIRED),
            _c(
                "floor_usd_per_t",
                "number",
                "Strike price.",
                unit="USD/t",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c(
                "upside_share",
                "number",
                "Two-sided contract: share of (price - strike)+ the covered producer pays back per "
                "covered tonne (0 = one-sided floor).",
                unit="fraction",
                default=0.0,
                minimum=0.0,
                maximum=1.0,
                optional_column=True,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "ReferencePrices",
        "Candidate trade-zone reference prices per mineral and stage (at most one chosen per "
        "mineral and stage): where the market price is below it, non-zone imports pay the "
        "difference as a levy and trade inside the zone (members and partners) is at the "
        "reference price.",
        (
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", key=True, default=REQUIRED, ref="Stages.stage"),
            _c("level", "text", "Level name.", key=True, default=REQUIRED),
            _c(
                "reference_usd_per_t",
                "number",
                "Reference price kept inside the zone.",
                unit="USD/t",
                default=REQUIRED,
                minimum=0.0,
                maximum=1e9,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "OfftakeOptions",
        "Take-or-pay offtake contracts the club may sign with a project, a member country's "
        "producers or a partner.",
        (
            _c(
                "supplier",
                "text",
                "Project, member country or partner country.",
                key=True,
                default=REQUIRED,
            ),
            _c("mineral", "text", "Mineral.", key=True, default=REQUIRED, ref="Minerals.mineral"),
            _c("stage", "text", "Stage.", key=True, default=REQUIRED, ref="Stages.stage"),
            _c(
                "contract_price_usd_per_t",
                "number",
                "Fixed contract price.",
                unit="USD/t",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c(
                "max_t_per_yr",
                "number",
                "Maximum contracted volume.",
                unit="t/yr",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c("first_year", "year", "First contract year (blank = from the start).", default=None),
            _c("last_year", "year", "Last contract year (blank = to the end).", default=None),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "Targets",
        "Concentration and security targets.",
        (
            _c("target", "text", "Target name (unique).", key=True, default=REQUIRED),
            _c("metric", "enum", "What is limited.", default=REQUIRED, allowed=METRICS),
            _c(
                "mineral",
                "text",
                "Mineral or * (each).",
                default=REQUIRED,
                ref="Minerals.mineral",
                star=True,
            ),
            _c(
                "stage",
                "text",
                "Stage or * (each that the mineral has).",
                default=REQUIRED,
                ref="Stages.stage",
                star=True,
            ),
            _c(
                "country",
                "text",
                "For max_country_share: the country (blank = each non-member).",
                default=None,
                ref="Countries.country",
            ),
            _c("year_from", "year", "The target holds from this year on.", default=REQUIRED),
            _c(
                "value",
                "number",
                "Limit: a fraction (days for min_stock_days).",
                default=REQUIRED,
                minimum=0.0,
            ),
            _c(
                "scope",
                "enum",
                "club (club supply) or world (world production).",
                default="club",
                allowed=SCOPES,
            ),
            _c("scenarios", "text", "* = all, or a ; list of scenarios.", default="*"),
            _c("hard", "bool", "Hard constraint (TRUE) or penalised (FALSE).", default=True),
            _c(
                "penalty_usd_per_t",
                "number",
                "Penalty per tonne of violation (soft targets).",
                unit="USD/t",
                default=None,
                minimum=0.0,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "Budget",
        "Maximum undiscounted club outlay per period.",
        (
            _c("year", "year", "Period year.", key=True, default=REQUIRED, ref="Periods.year"),
            _c(
                "max_spend_musd",
                "number",
                "Budget.",
                unit="USD million/yr",
                default=REQUIRED,
                minimum=0.0,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "Sweeps",
        "Sensitivity runs over input cells addressed as Sheet[key=value,...].column.",
        (
            _c("sweep", "text", "Sweep name.", key=True, default=REQUIRED),
            _c(
                "parameter",
                "text",
                "Cell address Sheet[key=value,...].column.",
                key=True,
                default=REQUIRED,
            ),
            _c("values", "text", "Comma list of values.", default=None),
            _c("start", "number", "Range start.", default=None),
            _c("stop", "number", "Range stop (inclusive).", default=None),
            _c("step", "number", "Range step.", default=None),
            _c("mode", "enum", "Kind of sweep.", default="one_at_a_time", allowed=SWEEP_MODES),
            SOURCE,
        ),
        required=False,
    ),
)

SHEETS = SHEETS + (
    Sheet(
        "ProjectRisks",
        "Per scenario, a project's delay or failure (SPEC §4.14): a delayed project comes "
        "online delay_years later, a failed one never; its support is paid either way.",
        (
            _c(
                "scenario",
                "text",
                "Scenario.",
                key=True,
                default=REQUIRED,
                ref="Scenarios.scenario",
            ),
            _c("project", "text", "Project.", key=True, default=REQUIRED, ref="Projects.project"),
            _c(
                "delay_years",
                "integer",
                "Years after first_year that the project comes online.",
                unit="years",
                default=0,
                minimum=0,
                maximum=100,
            ),
            _c("fails", "bool", "The project never comes online in this scenario.", default=False),
            _c(
                "known_year",
                "year",
                "When the club learns of the delay or failure (default = "
                "the project's first_year; at most first_year).",
                default=None,
            ),
            SOURCE,
        ),
        required=False,
    ),
    Sheet(
        "Sources",
        "Publications that the source columns cite (documentation only; not read by the model).",
        (
            _c(
                "source_id",
                "text",
                "Short identifier used in source columns.",
                key=True,
                default=REQUIRED,
            ),
            _c("publication", "text", "Publication or dataset.", default=None),
            _c("table", "text", "Table, chapter or page.", default=None),
            _c("year", "integer", "Publication year.", default=None),
            _c("url", "text", "Where to find it.", default=None),
            _c("notes", "text", "Notes (estimates say so).", default=None),
        ),
        required=False,
    ),
)

SHEET_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
SETTING_BY_NAME: dict[str, Column] = {c.name: c for c in SETTINGS}
