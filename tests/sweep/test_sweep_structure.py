"""A sweep never reports a plan that a fresh solve of the changed workbook would not.

The reuse key of a persistent model (`model.structure`) is the whole dataset minus its declared
parametric part (`params.PARAMETRIC`) plus the Sets. The property test changes every sweepable
column of every sheet of a small workbook and compares the swept run with a fresh solve.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import project, tables_from
from mineralclub.dataset import build_dataset
from mineralclub.model.build import build_model
from mineralclub.model.hhi import cut_loop as hhi_cut_loop
from mineralclub.model.params import PARAMETRIC, param_values
from mineralclub.model.sets import build_sets
from mineralclub.model.structure import structure
from mineralclub.pipeline import load_tables
from mineralclub.schema import SETTINGS, SHEETS, Column
from mineralclub.solve import (
    INFEASIBLE,
    OPTIMAL,
    SolveOptions,
    SolverFailure,
    make_solver,
    relative_gap,
    run_solver,
    solve_plan,
)
from mineralclub.sweep.address import BadValues, Base
from mineralclub.sweep.rows import plan_row
from mineralclub.sweep.session import BAD_INPUT, FAILED, Session

ROOT = Path(__file__).resolve().parents[2]


# --- the reported wrong answer ----------------------------------------------------------------


def hhi_club(country: str = "Australia") -> dict:
    """One final stage: non-member B (600 t), Canada's existing 35 t, a scalable 100 t project
    S1 in `country`, demand 100 t, HHI of club supply <= 0.34. With S1 in Australia three
    suppliers can share the 100 t (35/35/30 gives 0.335); with S1 in Canada only Canada and B
    remain, and two suppliers give an HHI of at least 0.5: infeasible."""
    return {
        "Settings": [{"key": "name", "value": "repro"}],
        "Countries": [
            {"country": "Australia", "member": True},
            {"country": "Canada", "member": True},
            {"country": "B", "import_premium_usd_per_t": 10},
        ],
        "Minerals": [{"mineral": "li"}],
        "Stages": [{"mineral": "li", "stage": "x", "order": 1, "final": True}],
        "Periods": [{"year": 2026}],
        "Demand": [{"mineral": "li", "year": 2026, "demand_t": 100}],
        "Capacity": [
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 600},
            {
                "country": "Canada",
                "mineral": "li",
                "stage": "x",
                "year": 2026,
                "capacity_t": 35,
                "unit_cost_usd_per_t": 100,
            },
        ],
        "Scenarios": [{"scenario": "base", "probability": 1}],
        "Prices": [
            {"mineral": "li", "stage": "x", "year": 2026, "scenario": "*", "price_usd_per_t": 1000}
        ],
        "Projects": [
            project("S1", 100, 1.0, support=1.0, cost=100, lumpy=False, stage="x", country=country)
        ],
        "Targets": [
            {
                "target": "hhi",
                "metric": "max_hhi",
                "mineral": "li",
                "stage": "x",
                "year_from": 2026,
                "value": 0.34,
            }
        ],
    }


def test_moving_a_project_to_another_country_rebuilds_and_matches_a_fresh_solve():
    """The reproduction of issue 12: the Sets alone did not see a project's host country, so
    the sweep re-solved the Australian model and reported OPTIMAL."""
    change = [("Projects[project=S1].country", "Canada")]
    base = Base(tables_from(hhi_club()))
    fresh = solve_plan(build_dataset(base.apply(change)), SolveOptions())
    assert fresh.status == INFEASIBLE
    session = Session(base)
    assert session.run_row([])["status"] == OPTIMAL
    row = session.run_row(change)
    assert row["rebuilt"] is True
    assert row["status"] == INFEASIBLE


def test_every_dataset_field_not_declared_parametric_is_structural():
    """A field outside PARAMETRIC changes the key (safe by default); a parametric value does
    not; PARAMETRIC names only real fields."""
    ds = build_dataset(tables_from(hhi_club()))
    names = {f.name for f in dataclasses.fields(ds)}
    assert set(PARAMETRIC) <= names
    key = structure(ds)
    assert structure(dataclasses.replace(ds, name="other")) != key
    assert structure(dataclasses.replace(ds, yield_={("li", "x"): 0.5})) != key
    s1 = ds.projects["S1"]
    moved = {"S1": dataclasses.replace(s1, country="Canada")}
    assert structure(dataclasses.replace(ds, projects=moved)) != key
    cheaper = {"S1": dataclasses.replace(s1, capex_musd=0.5)}
    assert structure(dataclasses.replace(ds, projects=cheaper)) == key
    assert structure(dataclasses.replace(ds, demand={("li", 2026): 50.0})) == key


def test_parametric_values_are_all_read_by_params():
    """Each parametric dataset value feeds a mutable Param: changing it changes a Param value
    (so declaring a field parametric cannot hide a structural one that params never reads)."""
    ds = build_dataset(tables_from(hhi_club()))
    sets = build_sets(ds)
    before = param_values(ds, sets)
    s1 = ds.projects["S1"]
    for changed in (
        dataclasses.replace(ds, demand={("li", 2026): 50.0}),
        dataclasses.replace(ds, projects={"S1": dataclasses.replace(s1, capex_musd=0.5)}),
        dataclasses.replace(ds, targets=(dataclasses.replace(ds.targets[0], value=0.4),)),
        dataclasses.replace(ds, prob={"base": 0.5}),
    ):
        assert structure(changed) == structure(ds)
        assert param_values(changed, sets) != before


# --- property: every sweepable column ---------------------------------------------------------


def property_workbook() -> dict:
    """example_ban (two stages, two years, three scenarios, a ban, a stockpile, a floor level, a
    partner offtake) plus a second member with refining capacity, a member offtake on the
    bankable refinery, a soft trusted-share target, an HHI cap, a budget, a project delay, a
    reference price and a stated disruption risk (read only by `mineralclub sample`)."""
    tables = load_tables(ROOT / "inputs" / "example_ban.xlsx")
    sheets = {
        name: [
            {k: v for k, v in r.items() if k not in ("_row", "source")}
            for r in frame.to_dict("records")
        ]
        for name, frame in tables.frames.items()
        if name not in ("Sweeps", "Sources") and not frame.empty
    }  # empty = absent
    sheets["Settings"] = [
        {"key": k, "value": v} for k, v in tables.settings.items() if v is not None
    ] + [{"key": "mip_gap", "value": 0}]
    sheets["Settings"] = [r for r in sheets["Settings"] if r["key"] != "mip_gap" or r["value"] == 0]
    sheets["Countries"].append(
        {
            "country": "Canadia",
            "iso3": "CND",
            "member": True,
            "partner": False,
            "region": "West",
            "gdp_busd": 500.0,
        }
    )
    sheets["Capacity"].append(
        {
            "country": "Canadia",
            "mineral": "lithium",
            "stage": "refine",
            "year": 2026,
            "capacity_t": 10.0,
            "unit_cost_usd_per_t": 2500.0,
        }
    )
    sheets["OfftakeOptions"].append(
        {
            "supplier": "Alliedia Refinery B",
            "mineral": "lithium",
            "stage": "refine",
            "contract_price_usd_per_t": 16000.0,
            "max_t_per_yr": 20.0,
        }
    )
    sheets["Targets"] += [
        {
            "target": "trusted",
            "metric": "min_trusted_share",
            "mineral": "lithium",
            "stage": "refine",
            "year_from": 2027,
            "value": 0.3,
            "hard": False,
            "penalty_usd_per_t": 3000.0,
        },
        {
            "target": "hhi",
            "metric": "max_hhi",
            "mineral": "lithium",
            "stage": "refine",
            "year_from": 2027,
            "value": 0.33,
        },
    ]
    sheets["Budget"] = [
        {"year": 2026, "max_spend_musd": 50.0},
        {"year": 2027, "max_spend_musd": 50.0},
    ]
    # the trade zone (issue 14): a candidate reference price between the low and base prices, so
    # its columns (and the transfer weights) are swept on a model that has the zone's binaries
    sheets["ReferencePrices"] = [
        {"mineral": "lithium", "stage": "refine", "level": "R", "reference_usd_per_t": 12000.0}
    ]
    sheets["ProjectRisks"] = [
        {"scenario": "low", "project": "Alliedia Refinery A", "delay_years": 1, "known_year": 2027}
    ]
    sheets["DisruptionRisks"] = [
        {
            "country": "Bigland",
            "mineral": "lithium",
            "stage": "refine",
            "annual_probability": 0.1,
            "duration_years": 1,
            "export_cut": 1.0,
            "announcement_lead_years": 0,
        }
    ]
    return sheets


@pytest.fixture(scope="module")
def prop_base() -> Base:
    return Base(tables_from(property_workbook()))


@pytest.fixture(scope="module")
def prop_session(prop_base) -> Session:
    return Session(prop_base)


SWEEPABLE = [
    (s.name, c.name)
    for s in SHEETS
    if s.name not in ("Sweeps", "Sources") and not s.key_value
    for c in s.columns
    if c.name != "source" and not c.key
]
SWEEPABLE += [("Settings", c.name) for c in SETTINGS]
TEXT_CHOICES = {  # free-text and reference columns: values a user could write
    ("Targets", "scenarios"): ["*", "ban", "base;low"],
    ("Targets", "country"): ["Bigland", "Partneria", "Canadia"],
    ("Projects", "country"): ["Canadia"],
    ("Projects", "mineral"): ["lithium"],
    ("Projects", "stage"): ["mine", "refine"],
    ("Targets", "mineral"): ["lithium", "*"],
    ("Targets", "stage"): ["mine", "refine", "*"],
}
SETTING_CHOICES = {
    "time_limit_s": [60, 600],
    "mip_gap": [0, 1e-6],
    "name": ["other name"],
    "base_year": [2025, 2026],
}


def value_strategy(sheet: str, col: Column) -> st.SearchStrategy:
    if sheet == "Settings" and col.name in SETTING_CHOICES:
        return st.sampled_from(SETTING_CHOICES[col.name])
    if (sheet, col.name) in TEXT_CHOICES:
        return st.sampled_from(TEXT_CHOICES[(sheet, col.name)])
    if col.kind == "bool":
        return st.booleans()
    if col.kind == "enum":
        return st.sampled_from(list(col.allowed))
    if col.kind == "year":
        return st.sampled_from([2025, 2026, 2027])
    if col.kind == "integer":
        return st.sampled_from([1, 2])
    if col.kind == "number":  # moderate changes: extreme ones mostly test the elastic re-solve
        if col.maximum is not None:
            return st.floats(col.minimum or 0.0, col.maximum).map(lambda v: round(v, 3))
        return st.sampled_from(["x0.7", "x0.9", "x1.2", "x1.5"])
    return st.sampled_from(["a name", "West"])


def address_strategy(base: Base, sheet: str, column: str) -> st.SearchStrategy:
    if sheet == "Settings":
        return st.just(f"Settings[key={column}].value")
    spec = next(s for s in SHEETS if s.name == sheet)
    frame = base.tables[sheet]
    keys = [c.name for c in spec.columns if c.key]
    rows = [", ".join(f"{k}={_text(r[k])}" for k in keys) for r in frame.to_dict("records")]
    return st.sampled_from(rows).map(lambda f: f"{sheet}[{f}].{column}")


def _text(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def fresh_outcome(base: Base, changes) -> tuple[str, dict | None]:
    """A fresh build and solve of the changed workbook (the plan's status without the elastic
    diagnosis of an infeasible one)."""
    try:
        tables = base.apply(changes)
    except BadValues:
        return BAD_INPUT, None
    ds = build_dataset(tables)
    m = build_model(ds)
    try:
        status, _term, obj, bound = hhi_cut_loop(m, make_solver(ds, SolveOptions()), run_solver)
    except SolverFailure:
        return FAILED, None
    if status == INFEASIBLE:
        return INFEASIBLE, None
    return status, plan_row(m, ds, status, relative_gap(obj, bound))


DECISIONS = ("projects", "stock", "floor_levels")
# The workbook has a binding HHI cap: a session keeps the cuts of earlier runs, so its plan and a
# fresh one stop at different points within the cut loop's tolerance (HHI <= H (1 + 1e-4)); the
# objective moves with H at about 30 USD million per unit here, hence 2e-3 relative. A wrong
# reuse shows as a different status or a far larger gap (the reported one: 3.32 against 2.16).
OBJECTIVE_REL = 2e-3


def assert_same(row: dict, status: str, fresh: dict | None) -> None:
    assert row["status"] == status, row.get("message")
    if fresh is None:
        return
    assert row["objective_musd"] == pytest.approx(
        fresh["objective_musd"], rel=OBJECTIVE_REL, abs=1e-6
    )
    for key in DECISIONS:
        assert _amounts(row[key]) == pytest.approx(_amounts(fresh[key]), rel=2e-2, abs=1e-2), key


def _amounts(text: str) -> dict:
    """'A=1; B=0.25' -> {'A': 1.0, 'B': 0.25} (floor levels 'k/s=level' -> nan, compared by
    name)."""
    out = {}
    for part in filter(None, (p.strip() for p in str(text or "").split(";"))):
        name, _, value = part.rpartition("=")
        try:
            out[name] = float(value)
        except ValueError:
            out[part] = 0.0
    return out


@pytest.mark.parametrize(("sheet", "column"), SWEEPABLE, ids=[f"{s}.{c}" for s, c in SWEEPABLE])
def test_swept_column_matches_a_fresh_solve(prop_base, prop_session, sheet, column):
    spec = next(s for s in SHEETS if s.name == sheet)
    col = (
        next(c for c in SETTINGS if c.name == column)
        if sheet == "Settings"
        else spec.column(column)
    )

    @settings(
        max_examples=2,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(address=address_strategy(prop_base, sheet, column), value=value_strategy(sheet, col))
    def check(address, value):
        changes = [(address, value)]
        row = prop_session.run_row(changes)
        status, fresh = fresh_outcome(prop_base, changes)
        assert_same(row, status, fresh)

    check()
