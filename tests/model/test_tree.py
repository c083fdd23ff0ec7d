"""Decisions without foresight (SPEC §4.9): the scenario tree, hand-solved.

The ban case of test_stockpiles: non-member B supplies all 100 t/yr of 'li'; two one-year
periods; in 'ban' (probability 0.2) B cuts its exports completely in 2027. Book price 1,000 USD/t,
stock capacity 200 USD/t, holding 100 USD/t/yr, no discounting.
"""

from __future__ import annotations

import pytest

from builders import dataset_from
from mineralclub.model.build import build_model
from mineralclub.model.tree import build_tree
from mineralclub.pipeline import solve_dataset
from mineralclub.solve import OPTIMAL, SolveOptions
from model.test_stockpiles import ban_case, shortfall, stock_capacity


def solve(sheets):
    r = solve_dataset(dataset_from(sheets), SolveOptions())
    assert r.status == OPTIMAL
    return r


def announced(year, **case):
    sheets = ban_case(**case)
    sheets["Disruptions"][0]["announced_year"] = year
    return sheets


def stock(r):
    return r.tables["Stockpile"].set_index(["scenario", "year"])


def test_a_stock_whose_cost_is_borne_in_every_sharing_scenario_is_not_held():
    """Penalty 1,500 USD/t: the ban costs 0.2 x 100 x 1,500 = 30,000 USD expected without stock.
    Announced only when it starts (2027), a 2026 purchase is made in base too: the stock costs
    20,000 (capacity) + 0.8 x 20,000 (base: purchase, two years of holding, end credit) +
    0.2 x 10,000 (ban: purchase, one year of holding, release) = 38,000 > 30,000: no stock."""
    r = solve(announced(2027, penalty=1500))
    assert stock_capacity(r) == pytest.approx(0)
    assert shortfall(r, "ban") == pytest.approx(100)
    assert r.summary["objective_musd"] == pytest.approx(0.03)
    tree = r.tables["ScenarioTree"]
    assert tree[tree.year == 2026]["scenarios"].tolist() == ["base;ban"]
    assert sorted(tree[tree.year == 2027]["scenarios"]) == ["ban", "base"]


def test_the_answer_flips_when_the_ban_is_announced_in_time_to_buy_only_on_its_branch():
    """Announced in 2026, the ban branch is known when buying: only 'ban' buys. Stock cost
    20,000 + 0.2 x 10,000 = 22,000 < 30,000, so 100 t are held; base buys nothing."""
    r = solve(announced(2026, penalty=1500))
    assert stock_capacity(r) == pytest.approx(100)
    assert shortfall(r, "ban") == pytest.approx(0)
    st = stock(r)
    assert st.loc[("ban", 2026), "purchase_t"] == pytest.approx(100)
    assert st.loc[("base", 2026), "purchase_t"] == pytest.approx(0)
    assert st.loc[("ban", 2027), "release_t"] == pytest.approx(100)
    assert r.summary["objective_musd"] == pytest.approx(0.022)
    assert r.summary["stockpile_cost_musd"] == pytest.approx(0.022)
    tree = r.tables["ScenarioTree"]
    assert sorted(tree[tree.year == 2026]["scenarios"]) == ["ban", "base"]


def test_shared_purchases_are_equal_in_every_scenario_of_the_node():
    r = solve(ban_case())
    st = stock(r)
    for col in ("purchase_t", "level_t"):
        assert st.loc[("base", 2026), col] == pytest.approx(st.loc[("ban", 2026), col])
    assert st.loc[("base", 2026), "node"] == st.loc[("ban", 2026), "node"] == "2026:base"
    assert st.loc[("ban", 2027), "node"] == "2027:ban"


def test_no_release_without_a_disruption_in_effect():
    """A stock held for a min_stock_days target cannot be sold off in an undisrupted node, even
    in the last period (the release trigger, SPEC §4.9)."""
    sheets = ban_case(penalty=100)
    sheets["Targets"] = [
        {
            "target": "days",
            "metric": "min_stock_days",
            "mineral": "li",
            "stage": "*",
            "year_from": 2026,
            "value": 73,
        }
    ]
    r = solve(sheets)
    st = stock(r)
    assert st.loc[("base", 2027), "release_t"] == pytest.approx(0)
    assert st.loc[("base", 2027), "level_t"] == pytest.approx(20)


def three_level_case():
    """Scenarios a, b, c, d over 2026-2028: prices equal in 2026; in 2027 {a, b} see 1,000 and
    {c, d} 1,200; in 2028 a sees 900 and b 1,100, c and d 1,200 again. A ban on B in 2028 for c
    announced in 2028 only."""
    price = {
        2026: dict(a=1000, b=1000, c=1000, d=1000),
        2027: dict(a=1000, b=1000, c=1200, d=1200),
        2028: dict(a=900, b=1100, c=1200, d=1200),
    }
    sheets = ban_case()
    sheets["Periods"] = [{"year": y} for y in (2026, 2027, 2028)]
    sheets["Demand"] = [{"mineral": "li", "year": y, "demand_t": 100} for y in (2026, 2027, 2028)]
    sheets["Scenarios"] = [{"scenario": w, "probability": 0.25} for w in "abcd"]
    sheets["Prices"] = [
        {"mineral": "li", "stage": "x", "year": y, "scenario": w, "price_usd_per_t": p}
        for y, ps in price.items()
        for w, p in ps.items()
    ]
    sheets["Disruptions"] = [
        {
            "scenario": "c",
            "country": "B",
            "mineral": "li",
            "stage": "x",
            "year_from": 2028,
            "export_cut": 1.0,
        }
    ]
    return sheets


def test_a_three_level_tree_is_built_from_prices_and_announcements():
    ds = dataset_from(three_level_case())
    tree = build_tree(ds)
    assert [(t, ws) for t, _r, ws in tree.nodes] == [
        (2026, ("a", "b", "c", "d")),
        (2027, ("a", "b")),
        (2027, ("c", "d")),
        (2028, ("a",)),
        (2028, ("b",)),
        (2028, ("c",)),
        (2028, ("d",)),
    ]
    assert tree.parent[(2027, "c")] == "a"
    assert tree.parent[(2028, "b")] == "a"
    assert tree.parent[(2028, "d")] == "c"
    assert tree.branch_periods() == (2027, 2028)
    m = build_model(ds)
    assert len(m.u) == 7  # one shortfall variable per node, not 3 periods x 4 scenarios = 12
    assert len(m.L) == 7


def test_a_three_level_tree_is_reported():
    r = solve(three_level_case())
    tree = r.tables["ScenarioTree"]
    assert tree["node"].tolist() == [
        "2026:a",
        "2027:a",
        "2027:c",
        "2028:a",
        "2028:b",
        "2028:c",
        "2028:d",
    ]
    assert tree["parent"].fillna("").tolist() == [
        "",
        "2026:a",
        "2026:a",
        "2027:a",
        "2027:a",
        "2027:c",
        "2027:c",
    ]
    assert tree["probability"].tolist() == pytest.approx([1, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25])
    info = r.tables["RunInfo"].set_index("key")["value"]
    assert info["scenario_tree_nodes"] == "7"
    assert info["scenario_tree_branch_years"] == "2027, 2028"
    assert info["scenario_tree"] == "2026: a+b+c+d; 2027: a+b | c+d; 2028: a | b | c | d"
    # c's ban is announced in 2028 only: the stock for it is bought in 2026 or 2027 in the
    # whole {c, d} branch (d holds it to the end), and released only in c.
    st = stock(r)
    assert st.loc[("c", 2027), "level_t"] == pytest.approx(st.loc[("d", 2027), "level_t"])
    assert st.loc[("d", 2028), "release_t"] == pytest.approx(0)


def test_announced_after_the_start_is_rejected():
    from mineralclub.io.tables import InputError

    with pytest.raises(InputError, match=r"Disruptions!\w+2: announced_year 2028 is after"):
        dataset_from(announced(2028))


def test_shares_count_stock_purchases_in_numerator_and_denominator():
    """In 2026 the club imports 100 t for demand and 100 t for the stock, all from B: B's share is
    200 / (100 + 100) = 100%, not 200% of demand."""
    r = solve(ban_case())
    c = r.tables["Concentration"]
    row = c[(c.mineral == "li") & (c.year == 2026) & (c.scenario == "base") & (c.scope == "club")]
    shares = row.set_index("metric")["optimised"]
    assert shares["top_country_share"] == pytest.approx(1.0)
    assert shares["nonmember_share"] == pytest.approx(1.0)
    assert (c[c.metric != "hhi"]["optimised"].dropna() <= 1 + 1e-9).all()


def test_a_first_period_price_that_splits_the_tree_changes_the_structure():
    """A sweep re-solves on the same model only when the Sets are equal: a 2026 price that tells
    the ban apart from base changes the tree, hence the Sets (a rebuild); a 2027 price does not."""
    from mineralclub.model.sets import build_sets

    def sets_with(year, price):
        sheets = ban_case()
        sheets["Prices"] = [p for p in sheets["Prices"] if p["year"] != year] + [
            {"mineral": "li", "stage": "x", "year": year, "scenario": w, "price_usd_per_t": v}
            for w, v in (("base", 1000), ("ban", price))
        ]
        return build_sets(dataset_from(sheets))

    same = build_sets(dataset_from(ban_case()))
    assert sets_with(2027, 1500) == same  # 2027 already splits: no structural change
    split = sets_with(2026, 1500)
    assert split != same
    assert [ws for _t, _r, ws in split.tree.nodes][:2] == [("base",), ("ban",)]
