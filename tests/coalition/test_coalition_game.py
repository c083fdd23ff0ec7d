"""The coalition game on hand-solved models: every c(S) of a three-bloc club, its Shapley
values, marginal values and least core; the coalition workbook of a group of blocs; a
coalition priced because it cannot meet a hard target alone; an unfair Ledger."""

from __future__ import annotations

import math

import pytest

from builders import tables_from
from coalition_games import USD, three_bloc_sheets
from mineralclub.coalition.blocs import read_blocs
from mineralclub.coalition.game import coalition_tables, shortfall_price
from mineralclub.coalition.run import CoalitionRequest, analyse, make_run
from mineralclub.dataset import build_dataset
from mineralclub.sweep.address import Base

# c(S) in USD, worked out in three_bloc_sheets' docstring.
HAND = {
    ("Host",): 2000,
    ("Big",): 5000,
    ("Small",): 3000,
    ("Host", "Big"): 4000,
    ("Host", "Small"): 4000,
    ("Big", "Small"): 8000,
    ("Host", "Big", "Small"): 4000,
}


def cost(analysis, blocs) -> float:
    mask = sum(1 << analysis.blocs.names.index(b) for b in blocs)
    return analysis.costs[mask]


def test_blocs_and_shares(three_bloc):
    _base, blocs = three_bloc
    assert blocs.names == ("Host", "Big", "Small")
    assert blocs.members["Big"] == ("A2", "A2b")
    assert blocs.demand_share == pytest.approx({"Host": 0.2, "Big": 0.5, "Small": 0.3})
    assert blocs.cost_share == pytest.approx({"Host": 0.25, "Big": 0.5, "Small": 0.25})
    assert blocs.basis == "cost_share"


def test_demand_share_blank_is_the_cost_share():
    sheets = three_bloc_sheets()
    for row in sheets["Countries"]:
        row.pop("demand_share", None)
    blocs = read_blocs(tables_from(sheets), "bloc")
    assert blocs.demand_share == pytest.approx(blocs.cost_share)


def test_one_bloc_per_member_by_country(three_bloc):
    base, _ = three_bloc
    assert read_blocs(base.tables, "country").names == ("A1", "A2", "A2b", "A3")


def test_coalition_workbook_of_a_group(three_bloc):
    base, blocs = three_bloc
    sheets = three_bloc_sheets()
    sheets["Budget"] = [{"year": 2026, "max_spend_musd": 1.0}]
    sheets["OfftakeOptions"] = [
        {
            "supplier": "Mine1",
            "mineral": "li",
            "stage": "x",
            "contract_price_usd_per_t": 900,
            "max_t_per_yr": 10,
        }
    ]
    base = Base(tables_from(sheets))
    tables = coalition_tables(base, make_run(blocs, 0b110))  # Big + Small
    countries = tables["Countries"].set_index("country")["member"]
    assert countries.to_dict() == {"A1": False, "A2": True, "A2b": True, "A3": True, "B": False}
    # A1 left the preferential zone: its premium is B's (the lowest non-member premium), 100.
    premium = tables["Countries"].set_index("country")["import_premium_usd_per_t"]
    assert premium.to_dict() == {"A1": 100, "A2": 0, "A2b": 0, "A3": 0, "B": 100}
    assert tables["Projects"].empty and tables["OfftakeOptions"].empty  # Host's project gone
    assert tables["Demand"]["demand_t"].tolist() == pytest.approx([80.0])  # 100 x 0.8
    assert tables["Budget"]["max_spend_musd"].tolist() == pytest.approx([0.75])  # 1 x 0.75
    whole = coalition_tables(base, make_run(blocs, 0b111))
    assert whole["Demand"]["demand_t"].tolist() == pytest.approx([100.0])
    assert len(whole["Projects"]) == 1 and len(whole["OfftakeOptions"]) == 1


def test_three_bloc_game_by_hand(three_bloc):
    base, blocs = three_bloc
    a = analyse(base, blocs, CoalitionRequest())
    assert a.exact and len(a.coalitions) == 7
    assert set(a.coalitions["status"]) == {"OPTIMAL"}
    for group, usd in HAND.items():
        assert cost(a, group) == pytest.approx(usd * USD, abs=1e-9), group
    v = a.values.set_index("bloc")
    # marginal c(N \ b) - c(N): 8000 - 4000, 4000 - 4000, 4000 - 4000
    assert v["marginal_musd"].to_dict() == pytest.approx(
        {"Host": 4000 * USD, "Big": 0.0, "Small": 0.0}, abs=1e-9
    )
    # Shapley (weights 1/3, 1/6, 1/6, 1/3):
    # Host = 2000/3 + (4000-5000)/6 + (4000-3000)/6 + (4000-8000)/3 = -2000/3
    # Big = 5000/3 + (4000-2000)/6 + (8000-3000)/6 + (4000-4000)/3 = 8500/3
    # Small = 3000/3 + (4000-2000)/6 + (8000-5000)/6 + 0 = 5500/3
    assert v["shapley_musd"].to_dict() == pytest.approx(
        {"Host": -2000 / 3 * USD, "Big": 8500 / 3 * USD, "Small": 5500 / 3 * USD}, abs=1e-9
    )
    assert v["shapley_musd"].sum() == pytest.approx(a.grand_cost)
    assert (v["shapley_se_musd"] == 0).all()
    # synergy c(b) + c(N \ b) - c(N): Host 2000 + 8000 - 4000
    assert v.loc["Host", "synergy_musd"] == pytest.approx(6000 * USD, abs=1e-9)


def test_least_core_by_hand(three_bloc):
    r"""min e: x_H + x_B + x_S = 4000, x(S) <= c(S) + e. Small's bounds -e <= x_S <= 3000 + e
    (from x_H + x_B <= 4000 + e) give e >= -1500, and e = -1500 is feasible: x_S = 1500,
    x_H + x_B = 2500 with x_H in [-2500, 500]."""
    base, blocs = three_bloc
    a = analyse(base, blocs, CoalitionRequest())
    assert a.least_core.epsilon == pytest.approx(-1500 * USD, abs=1e-9)
    x = dict(zip(blocs.names, a.least_core.allocation, strict=True))
    assert x["Small"] == pytest.approx(1500 * USD, abs=1e-9)
    assert sum(x.values()) == pytest.approx(4000 * USD, abs=1e-9)
    for group, usd in HAND.items():
        if len(group) < 3:
            assert sum(x[b] for b in group) <= (usd - 1500) * USD + 1e-9
    assert a.values["least_core_musd"].tolist() == pytest.approx(list(x.values()))


def test_fair_ledger_keeps_everyone(three_bloc):
    base, blocs = three_bloc
    a = analyse(base, blocs, CoalitionRequest())
    # Ledger x = (1000, 2000, 1000) USD: below c(S) for every S.
    assert a.stability.empty


def test_unfair_ledger_host_would_rather_leave(unfair):
    """Host pays 70% of 4000 = 2800 USD in the Ledger, 2000 alone: it would rather leave, by
    800. Host + Big pays 3200 (<= 4000), Host + Small 3200 (<= 4000): they stay."""
    base, blocs = unfair
    a = analyse(base, blocs, CoalitionRequest())
    assert a.stability["coalition"].tolist() == ["Host"]
    row = a.stability.iloc[0]
    assert row["ledger_musd"] == pytest.approx(2800 * USD, abs=1e-9)
    assert row["cost_alone_musd"] == pytest.approx(2000 * USD, abs=1e-9)
    assert row["excess_musd"] == pytest.approx(800 * USD, abs=1e-9)
    v = a.values.set_index("bloc")
    assert v.loc["Host", "ledger_minus_shapley_musd"] == pytest.approx(
        (2800 + 2000 / 3) * USD, abs=1e-9
    )


def test_a_coalition_that_cannot_meet_a_hard_target_is_priced():
    """A hard cap of 50% on non-member supply: Big (50 t, no project) imports 50 t against a
    cap of 25 t. Priced at the shortfall penalty (5 x 1000 USD/t): c(Big) = 5000 premium +
    25 t x 5000 = 130,000 USD. Host (20 t) builds its project and meets the cap: 4000 USD."""
    sheets = three_bloc_sheets()
    sheets["Targets"] = [
        {
            "target": "half",
            "metric": "max_nonmember_share",
            "mineral": "li",
            "stage": "x",
            "year_from": 2026,
            "value": 0.5,
        }
    ]
    base = Base(tables_from(sheets))
    blocs = read_blocs(base.tables, "bloc")
    assert shortfall_price(build_dataset(base.tables), "li") == pytest.approx(5000)
    a = analyse(base, blocs, CoalitionRequest())
    rows = a.coalitions.set_index("coalition")
    assert rows.loc["Big", "cost_musd"] == pytest.approx(130_000 * USD, abs=1e-9)
    assert rows.loc["Big", "priced_targets"] == 1
    assert rows.loc["Big", "priced_violation_musd"] == pytest.approx(125_000 * USD, abs=1e-9)
    assert rows.loc["Host", "cost_musd"] == pytest.approx(4000 * USD, abs=1e-9)
    assert rows.loc["Host", "priced_targets"] == 0
    assert rows.loc["Host + Big + Small", "cost_musd"] == pytest.approx(4000 * USD, abs=1e-9)
    assert all(math.isfinite(c) for c in a.costs.values())
    # every cost part of the sweep's rows, the trade zone's included (no reference price here)
    assert rows.loc["Big", "import_premium_musd"] == pytest.approx(5000 * USD, abs=1e-9)
    assert (
        (rows[["levy_revenue_musd", "consumer_cost_musd", "producer_gain_musd"]] == 0).all().all()
    )
