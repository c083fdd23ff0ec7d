"""A three-stage chain: stage demand and import premiums scale with the product of the later
yields, and the non-member share of an early stage counts the content embedded in imports of
later-stage product."""

from __future__ import annotations

import pytest

from builders import dataset_from
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions


def three_stages() -> dict:
    """mine -> ref (yield 0.5) -> cat (yield 0.8, final). Non-member B has ample capacity at
    every stage (premium 100 USD/t); member A makes 40 t of cathode (full cost 100 + 500 / 0.8
    = 725 <= 1000: viable) from imported refined product. Demand 100 t of cathode."""
    stages = [("mine", 1, 1.0), ("ref", 2, 0.5), ("cat", 3, 0.8)]
    prices = {"mine": 100, "ref": 500, "cat": 1000}
    return {
        "Settings": [{"key": "name", "value": "chain"}],
        "Countries": [
            {"country": "A", "member": True},
            {"country": "B", "import_premium_usd_per_t": 100},
        ],
        "Minerals": [{"mineral": "li"}],
        "Stages": [
            {"mineral": "li", "stage": s, "order": o, "yield": y, "final": s == "cat"}
            for s, o, y in stages
        ],
        "Periods": [{"year": 2026}],
        "Demand": [{"mineral": "li", "year": 2026, "demand_t": 100}],
        "Capacity": [
            {"country": "B", "mineral": "li", "stage": s, "year": 2026, "capacity_t": 1000}
            for s, _o, _y in stages
        ]
        + [
            {
                "country": "A",
                "mineral": "li",
                "stage": "cat",
                "year": 2026,
                "capacity_t": 40,
                "unit_cost_usd_per_t": 100,
            }
        ],
        "Scenarios": [{"scenario": "base", "probability": 1}],
        "Prices": [
            {"mineral": "li", "stage": s, "year": 2026, "scenario": "*", "price_usd_per_t": p}
            for s, p in prices.items()
        ],
    }


def test_three_stage_chain_yields_premiums_and_embedded_content():
    """Refined imports pay 0.99 x 0.8 x 100 = 79.2 USD/t (99 USD per cathode tonne, less than
    importing cathode), so A runs at 40 t on 50 t of imported refined product and the club
    imports 60 t of cathode: 60 x 100 + 50 x 79.2 = 9,960 USD. Stage demand: refined 100 / 0.8
    = 125 t, ore 100 / (0.5 x 0.8) = 250 t. Non-member shares: cathode 60/100; refined (50
    direct + 60 / 0.8 embedded) / 125 = 1; ore (50 / 0.5 + 60 / 0.4) / 250 = 1."""
    r = solve_dataset(dataset_from(three_stages()), SolveOptions())
    assert r.status == OPTIMAL
    assert r.summary["objective_musd"] == pytest.approx(0.00996, rel=1e-9)
    supply = r.tables["Supply"]
    member = supply[supply["source"] == "member"]
    assert member["produced_t"].sum() == pytest.approx(40)
    spot = supply[supply["source"] == "spot_import"].groupby("stage")["used_t"].sum()
    assert spot.to_dict() == pytest.approx({"cat": 60, "ref": 50})
    conc = r.tables["Concentration"].set_index(["stage", "scope", "scenario", "metric"])

    def share(stage, metric="nonmember_share"):
        return conc.loc[(stage, "club", "base", metric), "optimised"]

    assert share("cat") == pytest.approx(0.6)
    assert share("ref") == pytest.approx(1.0)
    assert share("mine") == pytest.approx(1.0)
    assert share("cat", "hhi") == pytest.approx(0.4**2 + 0.6**2)
    assert share("ref", "top_country_share") == pytest.approx(50 / 125)
