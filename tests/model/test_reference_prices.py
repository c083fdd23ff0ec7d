"""Hand-solved cases for the trade zone's reference prices, the variable levy and who bears the
cost (SPEC §4.12, §4.13, issue 14)."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from builders import cap_target, dataset_from, one_stage_refinery, single_stage
from mineralclub.model.build import build_model
from mineralclub.model.registry import Cost
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions, make_solver, run_solver, solve_plan


def zone_case(cost=1200, floor=1200, weights=(None, None), partner=False, reference=1200):
    """Price 1000, demand 100. Member A: 40 t at `cost` USD/t (not market-viable). Non-member B
    (600 t, premium 10 USD/t) may supply at most 60%, so A's 40 t must run. Levers: a floor at
    `floor` and a reference price at `reference`."""
    settings = [{"key": "name", "value": "zone"}]
    for key, value in zip(("consumer_cost_weight", "producer_gain_weight"), weights, strict=True):
        if value is not None:
            settings.append({"key": key, "value": value})
    sheets = single_stage(
        Settings=settings,
        Capacity=[
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 600},
            {
                "country": "A",
                "mineral": "li",
                "stage": "x",
                "year": 2026,
                "capacity_t": 40,
                "unit_cost_usd_per_t": cost,
            },
        ],
        FloorLevels=[{"mineral": "li", "stage": "x", "level": "F", "floor_usd_per_t": floor}],
        ReferencePrices=[
            {"mineral": "li", "stage": "x", "level": "R", "reference_usd_per_t": reference}
        ],
        Targets=[cap_target(0.6, stage="x", name="cap")],
    )
    if partner:
        sheets["Countries"][2]["partner"] = True
    return sheets


def solve(sheets):
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.status == OPTIMAL
    return r


def reference_chosen(r) -> bool:
    return r.tables["ReferencePrices"]["chosen"].astype(bool).any()


def test_reference_price_chosen_over_a_floor_when_transfers_cancel():
    """At R = 1200 the gap is 200 USD/t: B's 60 t pay a levy of 12,000 USD, club buyers pay
    200 x 100 t = 20,000 USD more, A gains 200 x 40 t = 8,000 USD. With both weights 1 the zone
    costs the club 20,000 - 12,000 - 8,000 = 0, against 200 x 40 = 8,000 USD for the floor."""
    r = solve(zone_case())
    assert reference_chosen(r)
    assert r.tables["PriceFloors"].empty
    s = r.summary
    assert s["levy_revenue_musd"] == pytest.approx(0.012)
    assert s["consumer_cost_musd"] == pytest.approx(0.020)
    assert s["producer_gain_musd"] == pytest.approx(0.008)
    assert s["floor_payout_musd"] == pytest.approx(0.0, abs=1e-12)
    assert s["fiscal_cost_musd"] == pytest.approx(-0.012)
    assert s["weighted_transfers_musd"] == pytest.approx(0.012)
    assert s["objective_musd"] == pytest.approx(0.0006)  # B's premium: 60 t x 10 USD/t
    supply = r.tables["Supply"]
    assert supply.loc[supply["country"] == "A", "used_t"].sum() == pytest.approx(40)


def test_floor_chosen_when_consumers_cost_weighs_more_than_producers_gain():
    """consumer_cost_weight 1.5: the zone costs 1.5 x 20,000 - 12,000 - 8,000 = 10,000 USD,
    more than the floor's 8,000: the floor is chosen."""
    r = solve(zone_case(weights=(1.5, 1.0)))
    assert not reference_chosen(r)
    assert r.summary["floor_payout_musd"] == pytest.approx(0.008)
    assert r.summary["consumer_cost_musd"] == pytest.approx(0.0, abs=1e-12)
    assert r.summary["objective_musd"] == pytest.approx(0.008 + 0.0006)


def test_zone_with_a_partner_pays_the_partner_rent():
    """B a partner: its 60 t enter at R without levy, a rent of 12,000 USD that leaves the club,
    dearer than the floor's 8,000: the floor is chosen."""
    r = solve(zone_case(partner=True))
    assert not reference_chosen(r)
    assert r.summary["floor_payout_musd"] == pytest.approx(0.008)


def test_floor_on_top_of_a_reference_price_pays_from_the_zone_price():
    """A costs 1300: at R = 1200 it is still not viable, so a 1300 floor must cover it; on top of
    the reference it pays 1300 - max(1000, 1200) = 100 USD/t (4,000 USD) instead of 300 (12,000).
    The zone's transfers cancel, so the plan is both: 4,000 USD."""
    r = solve(zone_case(cost=1300, floor=1300))
    assert reference_chosen(r)
    assert r.tables["PriceFloors"]["covered_t"].sum() == pytest.approx(40)
    assert r.summary["floor_payout_musd"] == pytest.approx(0.004)
    assert r.tables["PriceFloors"]["expected_payout_musd"].sum() == pytest.approx(0.004)
    assert r.summary["objective_musd"] == pytest.approx(0.004 + 0.0006)


def test_ledger_adds_up_with_a_reference_price():
    """Members A (cost share 0.25, demand share 0.5) and E (0.75, 0.5). A's consumers pay half
    of the 20,000 USD, its producers gain 8,000, and it receives a quarter of the 12,000 levy; E
    pays the other half of the consumer cost and receives three quarters of the levy. The
    contributions are the shares of the club's spending before levy (0 here)."""
    sheets = zone_case()
    sheets["Countries"][0].update(cost_share=0.25, demand_share=0.5)
    sheets["Countries"][1].update(cost_share=0.75, demand_share=0.5)
    r = solve(sheets)
    ledger = r.tables["Ledger"].set_index("country")
    assert ledger.loc["A", "consumer_cost_musd"] == pytest.approx(0.010)
    assert ledger.loc["E", "consumer_cost_musd"] == pytest.approx(0.010)
    assert ledger.loc["A", "producer_gain_musd"] == pytest.approx(0.008)
    assert ledger.loc["E", "producer_gain_musd"] == pytest.approx(0.0)
    assert ledger.loc["A", "levy_revenue_musd"] == pytest.approx(0.003)
    assert ledger.loc["E", "levy_revenue_musd"] == pytest.approx(0.009)
    assert ledger.loc["A", "net_position_musd"] == pytest.approx(0.008 + 0.003 - 0.010)
    assert ledger.loc["E", "net_position_musd"] == pytest.approx(0.009 - 0.010)
    assert ledger["net_position_musd"].sum() == pytest.approx(0.0, abs=1e-12)
    assert ledger["consumer_cost_musd"].sum() == pytest.approx(r.summary["consumer_cost_musd"])
    assert ledger["producer_gain_musd"].sum() == pytest.approx(r.summary["producer_gain_musd"])
    assert ledger["levy_revenue_musd"].sum() == pytest.approx(r.summary["levy_revenue_musd"])


def test_ledger_partner_row_carries_the_zone_rent():
    """With the floor removed the zone is the only lever; B, a partner, receives 200 x 60 t =
    12,000 USD of rent, and the Ledger still adds up to zero."""
    sheets = zone_case(partner=True)
    del sheets["FloorLevels"]
    r = solve(sheets)
    assert reference_chosen(r)
    ledger = r.tables["Ledger"].set_index("country")
    assert ledger.loc["B", "role"] == "partner"
    assert ledger.loc["B", "producer_gain_musd"] == pytest.approx(0.012)
    assert r.summary["levy_revenue_musd"] == pytest.approx(0.0, abs=1e-12)
    assert r.summary["weighted_transfers_musd"] == pytest.approx(0.012)
    assert ledger["net_position_musd"].sum() == pytest.approx(0.0, abs=1e-12)


def test_feed_bought_at_the_zone_price_makes_a_processor_unviable():
    """Two stages: A refines 20 t at 300 + feed. With a mining reference of 1300 (mine price
    1000) A's full cost is 300 + 1300 = 1600 > 1500: its zone-state viability is 0, while with no
    reference it is viable (1300 <= 1500)."""
    sheets = one_stage_refinery(
        ReferencePrices=[
            {"mineral": "li", "stage": "mine", "level": "R", "reference_usd_per_t": 1300}
        ]
    )
    m = build_model(dataset_from(sheets))
    assert m.p_zone_viable["A", "li", "ref", 2026, "base", "", "R"].value == 0.0
    assert m.p_zone_viable["A", "li", "ref", 2026, "base", "", ""].value == 1.0
    # fixing the mining reference on leaves A's refinery only its supported volume (none)
    m.y_ref["li", "mine", "R"].fix(1)
    ds = dataset_from(sheets)
    assert run_solver(make_solver(ds, SolveOptions()), m)[0] == OPTIMAL
    assert m.fT["A", "li", "ref", 2026, "base"].value == pytest.approx(0.0, abs=1e-9)
    assert m.fU["A", "li", "ref", 2026, "base"].value == pytest.approx(0.0, abs=1e-9)


def _registered(m, category, owner_kind=None) -> float:
    return sum(
        (1.0 if t.scenario is None else pyo.value(m.p_prob[t.scenario])) * pyo.value(t.expr)
        for t in m.reg.terms(category)
        if owner_kind is None or t.owner_kind == owner_kind
    )


def test_zone_transfers_are_registered_costs_tagged_with_their_reference_level():
    """The zone's categories are registry terms (cost sign, item (k, s, j)); the objective and
    the Summary are exactly those terms: consumers pay 200 x 100 t = 20,000 USD, the levy on
    B's 60 t is 12,000 (registered -12,000), A's producers gain 200 x 40 t = 8,000 (-8,000)."""
    plan = solve_plan(dataset_from(zone_case()), SolveOptions())
    m = plan.model
    zone = (Cost.CONSUMER_COST, Cost.LEVY_REVENUE, Cost.PRODUCER_GAIN)
    assert {t.item for c in zone for t in m.reg.terms(c)} == {("li", "x", "R")}
    assert _registered(m, Cost.CONSUMER_COST) == pytest.approx(0.020)
    assert _registered(m, Cost.LEVY_REVENUE) == pytest.approx(-0.012)
    assert _registered(m, Cost.PRODUCER_GAIN) == pytest.approx(-0.008)
    assert pyo.value(m.e_cost) == pytest.approx(
        sum(_registered(m, c) for c in Cost) + pyo.value(m.e_risk), abs=1e-12
    )


def test_partner_rent_is_the_consumer_cost_owned_by_the_partner():
    """B a partner and no floor: the 12,000 USD its 60 t earn above the market price are the part
    of the consumer cost registered as owned by B; no levy is left."""
    sheets = zone_case(partner=True)
    del sheets["FloorLevels"]
    m = solve_plan(dataset_from(sheets), SolveOptions()).model
    assert _registered(m, Cost.CONSUMER_COST, "country") == pytest.approx(0.012)
    assert {t.owner for t in m.reg.terms(Cost.CONSUMER_COST) if t.owner_kind == "country"} == {"B"}
    assert _registered(m, Cost.LEVY_REVENUE) == pytest.approx(0.0, abs=1e-12)
