"""The Ledger: members' contributions by cost_share / GDP / equal shares, and what each country
receives (issue 9)."""

from __future__ import annotations

import pytest

from builders import cap_target, dataset_from, one_stage_refinery, project
from mineralclub.dataset import Country
from mineralclub.pipeline import solve_dataset
from mineralclub.report.ledger import cost_shares, demand_shares
from mineralclub.solve import OPTIMAL, SolveOptions


def countries(cost_share=(None,) * 3, gdp_busd=(None,) * 3) -> list[Country]:
    """Members A, C and non-member B, with the given columns (lists in that order)."""
    return [
        Country(c, member, False, 0.0, gdp, share)
        for c, member, gdp, share in zip(
            "ABC", (True, False, True), gdp_busd, cost_share, strict=True
        )
    ]


def test_explicit_cost_share_is_normalised():
    shares, basis = cost_shares(countries(cost_share=[1.0, None, 3.0], gdp_busd=[5, 5, 5]))
    assert basis == "cost_share" and shares == {"A": 0.25, "C": 0.75}


def test_blank_cost_share_falls_back_to_gdp_when_every_member_gives_it():
    shares, basis = cost_shares(countries(cost_share=[None] * 3, gdp_busd=[300.0, None, 100.0]))
    assert basis == "gdp_busd" and shares == {"A": 0.75, "C": 0.25}


def test_missing_gdp_for_one_member_means_equal_shares():
    shares, basis = cost_shares(countries(cost_share=[None] * 3, gdp_busd=[300.0, 9.0, None]))
    assert basis == "equal" and shares == {"A": 0.5, "C": 0.5}


def test_blank_demand_share_takes_the_cost_share_before_normalising():
    """A gives demand_share 0.5; C's is blank, so C counts its cost share 0.25: raw shares
    0.5 + 0.25 normalise to 2/3 and 1/3 (a blank is never summed as a number)."""
    rows = [
        Country("A", True, False, 0.0, None, None, demand_share=0.5),
        Country("B", False, False, 0.0, None, None, demand_share=0.9),  # not a member
        Country("C", True, False, 0.0, None, None),
    ]
    shares = demand_shares(rows, {"A": 0.75, "C": 0.25})
    assert shares == pytest.approx({"A": 2 / 3, "C": 1 / 3})


def test_partly_blank_cost_share_counts_blanks_as_zero_and_warns():
    """Validation rejects this; tables that bypass it still get shares that sum to 1."""
    with pytest.warns(UserWarning, match="blank for C"):
        shares, basis = cost_shares(countries(cost_share=[2.0, None, None]))
    assert basis == "cost_share" and shares == {"A": 1.0, "C": 0.0}


def two_member_club(**country_columns) -> dict:
    """Members A (refines 20 t) and C (no capacity, hosts a 30 t refinery with 5 USD million of
    support); Bigland-like B may supply at most 70 of the 100 t, so the club builds C's
    refinery: the fiscal cost is the 5 USD million of support, all received by C."""
    sheets = one_stage_refinery(
        Projects=[project("C-ref", 30, 10, support=0.5, country="C")],
        Targets=[cap_target(0.7)],
    )
    rows = [
        {"country": "A", "member": True},
        {"country": "B", "member": False},
        {"country": "C", "member": True},
    ]
    for col, values in country_columns.items():
        for row, v in zip(rows, values, strict=True):
            row[col] = v
    rows[1]["import_premium_usd_per_t"] = 100
    sheets["Countries"] = rows
    return sheets


@pytest.mark.parametrize(
    ("columns", "basis", "share_a"),
    [
        ({"cost_share": [1, None, 3]}, "cost_share", 0.25),
        ({"gdp_busd": [300, None, 100]}, "gdp_busd", 0.75),
        ({"gdp_busd": [300, None, None]}, "equal", 0.5),
    ],
)
def test_contributions_sum_to_the_fiscal_cost(columns, basis, share_a):
    r = solve_dataset(dataset_from(two_member_club(**columns)), SolveOptions())
    assert r.status == OPTIMAL
    led = r.tables["Ledger"].set_index("country")
    fiscal = r.summary["fiscal_cost_musd"]
    assert fiscal == pytest.approx(5.0)
    assert led["contribution_musd"].sum() == pytest.approx(fiscal)
    assert led.loc["A", "share_basis"] == basis
    assert led.loc["A", "contribution_musd"] == pytest.approx(share_a * fiscal)
    assert led.loc["C", "contribution_musd"] == pytest.approx((1 - share_a) * fiscal)
    assert led.loc["C", "hosted_support_musd"] == pytest.approx(5.0)
    assert led.loc["C", "net_position_musd"] == pytest.approx(5.0 - (1 - share_a) * 5.0)
    assert led["net_position_musd"].sum() == pytest.approx(0.0, abs=1e-12)


def test_example_ban_ledger_balances(ban_run):
    """One member pays the whole (negative) fiscal cost; the partner receives the offtake
    payments; the stockpile row carries the stockpile cost; received adds up to the bill."""
    led = ban_run.tables["Ledger"].set_index("country")
    s = ban_run.summary
    assert led["contribution_musd"].sum() == pytest.approx(s["fiscal_cost_musd"])
    assert led["received_musd"].sum() == pytest.approx(s["fiscal_cost_musd"])
    assert led.loc["Partneria", "role"] == "partner"
    assert led.loc["Partneria", "offtake_payments_musd"] == pytest.approx(s["offtake_cost_musd"])
    assert led.loc["(stockpile)", "stockpile_payments_musd"] == pytest.approx(
        s["stockpile_cost_musd"]
    )
    assert led.loc["Alliedia", "share_of_bill"] == 1.0


def test_floor_and_member_offtake_payments_go_to_the_host_country():
    """A's 20 t refinery costs 700 + 1000 feed = 1700 > 1500: only a floor makes it run. With
    B <= 80% the club covers A's 20 t at 1800: (1800 - 1500) x 20 = 0.006 USD million, paid
    to A."""
    sheets = one_stage_refinery(
        Targets=[cap_target(0.8)],
        FloorLevels=[{"mineral": "li", "stage": "ref", "level": "F1800", "floor_usd_per_t": 1800}],
    )
    sheets["Capacity"][1]["unit_cost_usd_per_t"] = 700
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    led = r.tables["Ledger"].set_index("country")
    assert led.loc["A", "floor_payments_musd"] == pytest.approx(0.006)
    assert led.loc["A", "contribution_musd"] == pytest.approx(0.006)
    assert led.loc["A", "net_position_musd"] == pytest.approx(0.0, abs=1e-12)
