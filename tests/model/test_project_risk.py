"""Project delay risk (SPEC §4.14) and prorated offtake, hand-solved.

One final stage 'x', demand 100 t/yr, price 1,000 USD/t in both years and scenarios; non-member B
(600 t, premium 10 USD/t) supplies whatever members do not. Scenarios 'on_time' (0.7) and 'slip'
(0.3). Lumpy member projects of 60 t at 400 USD/t due in 2027; support share 1.
"""

from __future__ import annotations

import pytest

from builders import dataset_from, one_stage_refinery, single_stage
from mineralclub.io.tables import InputError
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions

YEARS = (2026, 2027)


def projects_case(risks=(), targets=(), offtake=(), projects=None):
    sheets = single_stage(
        Periods=[{"year": y} for y in YEARS],
        Demand=[{"mineral": "li", "year": y, "demand_t": 100} for y in YEARS],
        Scenarios=[
            {"scenario": "on_time", "probability": 0.7},
            {"scenario": "slip", "probability": 0.3},
        ],
        Prices=[
            {"mineral": "li", "stage": "x", "year": y, "scenario": "*", "price_usd_per_t": 1000}
            for y in YEARS
        ],
        Projects=projects or [_project("cheap", capex=10), _project("dear", capex=20)],
    )
    sheets["Minerals"][0]["stock_max_t"] = 0  # no stock: keep the arithmetic to the projects
    if risks:
        sheets["ProjectRisks"] = list(risks)
    if targets:
        sheets["Targets"] = list(targets)
    if offtake:
        sheets["OfftakeOptions"] = list(offtake)
    return sheets


def _project(name, capex, **extra):
    return {
        "project": name,
        "country": "A",
        "mineral": "li",
        "stage": "x",
        "capacity_t": 60,
        "capex_musd": capex,
        "support_share": 1.0,
        "unit_cost_usd_per_t": 400,
        "first_year": 2027,
        "lumpy": True,
        **extra,
    }


CAP_B = {
    "target": "cap_B",
    "metric": "max_country_share",
    "mineral": "li",
    "stage": "x",
    "country": "B",
    "year_from": 2027,
    "value": 0.5,
}


def solve(sheets):
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.status == OPTIMAL
    return r


def built(r):
    p = r.tables["Projects"].set_index("project")["built"]
    return {name for name, x in p.items() if x > 0.5}


def test_without_delay_risk_the_cheap_project_meets_the_cap():
    """B may supply at most 50 t in 2027: one 60 t project is needed; the cheap one (10 million)
    wins. Import premium 10 USD/t x (100 + 40) t = 1,400 USD."""
    r = solve(projects_case(targets=[CAP_B]))
    assert built(r) == {"cheap"}
    assert r.summary["project_support_musd"] == pytest.approx(10)
    assert r.summary["import_premium_musd"] == pytest.approx(0.0014)


def test_a_cheap_project_that_slips_past_the_hard_target_loses_to_a_dearer_one_on_time():
    """In 'slip' the cheap project comes online in 2028, after the horizon: in 2027 of 'slip' only
    the dear one can keep B at 50%, so the dear one (20 million) is built and the cheap one (which
    would add 10 million for nothing in 'on_time') is not."""
    risks = [{"scenario": "slip", "project": "cheap", "delay_years": 1}]
    r = solve(projects_case(risks=risks, targets=[CAP_B]))
    assert built(r) == {"dear"}
    assert r.summary["project_support_musd"] == pytest.approx(20)
    projects = r.tables["Projects"].set_index("project")
    assert projects.loc["cheap", "delayed_online"] == "slip 2028"  # planned online_year 2027
    assert projects["delayed_online"].isna()["dear"]
    tree = r.tables["ScenarioTree"]
    assert tree[tree.year == 2026]["scenarios"].tolist() == ["on_time;slip"]  # known in 2027


def test_a_failed_project_delivers_nothing_and_its_contract_pays_nothing_but_support_is_spent():
    """The cheap project (support 0.01 million) with an offtake at 500 USD/t (market 1,000): in
    'on_time' 2027 the club takes 60 t at a 500 USD/t gain and imports 60 t less from B; in
    'slip' the project fails: no delivery, no payment, all 100 t from B. Expected: support
    10,000 - 0.7 x 60 x 500 (hedge) + premium 10 x (100 + 0.7 x 40 + 0.3 x 100)."""
    risks = [{"scenario": "slip", "project": "cheap", "fails": True}]
    offtake = [
        {
            "supplier": "cheap",
            "mineral": "li",
            "stage": "x",
            "contract_price_usd_per_t": 500,
            "max_t_per_yr": 60,
        }
    ]
    r = solve(projects_case(risks=risks, offtake=offtake, projects=[_project("cheap", capex=0.01)]))
    assert built(r) == {"cheap"}
    assert r.summary["project_support_musd"] == pytest.approx(0.01)
    assert r.summary["offtake_cost_musd"] == pytest.approx(-0.7 * 60 * 500 * 1e-6)
    off = r.tables["Offtake"]
    assert off["volume_t"].tolist() == pytest.approx([60])
    assert off["expected_cost_musd"].tolist() == pytest.approx([-0.021])
    supply = r.tables["Supply"]
    member = supply[(supply.source == "member") & (supply.year == 2027)]
    assert member.set_index("scenario")["produced_t"].to_dict() == {"on_time": pytest.approx(60)}
    sc = r.tables["Scenarios"].set_index("scenario")
    assert sc.loc["slip", "offtake_cost_musd"] == pytest.approx(0)
    assert sc.loc["slip", "project_support_musd"] == pytest.approx(0)  # first stage, below
    assert sc.loc["slip", "first_stage_musd"] == pytest.approx(0.01)  # support spent anyway
    premium = 10 * (100 + 0.7 * 40 + 0.3 * 100) * 1e-6
    assert r.summary["import_premium_musd"] == pytest.approx(premium)


def test_known_year_after_first_year_is_rejected_with_its_cell():
    risks = [
        {"scenario": "slip", "project": "cheap", "delay_years": 2, "known_year": 2028},
        {"scenario": "slip", "project": "nowhere", "delay_years": 1},
    ]
    with pytest.raises(InputError) as err:
        dataset_from(projects_case(risks=risks))
    text = str(err.value)
    assert "ProjectRisks!D2: known_year 2028 is after the project's first_year 2027" in text
    assert "ProjectRisks!B3: unknown project" in text


def test_offtake_is_prorated_over_a_multi_year_period():
    """One five-year period 2026-30; an offtake from A at 1,400 USD/t (market 1,500) for
    2026-27 only delivers 2/5 of its 10 t/yr as an annual rate over the period: 4 t/yr."""
    sheets = one_stage_refinery(
        Periods=[{"year": 2026, "duration_years": 5}],
        OfftakeOptions=[
            {
                "supplier": "A",
                "mineral": "li",
                "stage": "ref",
                "contract_price_usd_per_t": 1400,
                "max_t_per_yr": 10,
                "first_year": 2026,
                "last_year": 2027,
            }
        ],
    )
    r = solve(sheets)
    off = r.tables["Offtake"]
    assert off["volume_t"].tolist() == pytest.approx([4.0])
    assert r.summary["offtake_cost_musd"] == pytest.approx(5 * 4 * (1400 - 1500) * 1e-6)
