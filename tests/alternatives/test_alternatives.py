"""Near-optimal alternatives on hand-solved knapsacks (issue 19).

The knapsack: one final stage, demand 100 t, all from non-member B (premium 10 USD/t) unless
members build; B may hold at most 60%, so members must add 40 t. Lumpy projects (support = half
the capex): P1 in A (40 t, 10 USD million), P2 and P3 in E (20 t, 5 each), P4 in A (40 t, 15).
{P1} and {P2, P3} are equally cheap: 10 of support plus 60 t x 10 USD of premium = 10.0006 USD
million. Within a 60% slack (cap 16.00096) {P4}, {P1, P2} and {P1, P3} (15.0006) are allowed
too; nothing with 20 or more of support is.
"""

from __future__ import annotations

import pytest

from builders import dataset_from, project, single_stage
from mineralclub.alternatives import Infeasible, find_alternatives, paragraph
from mineralclub.alternatives.report import plans_table, ranges_table
from mineralclub.solve import OPTIMAL

LEAST = 10.0006


def knapsack(**over):
    return single_stage(
        Projects=[
            project("P1", 40, 20, stage="x", country="A"),
            project("P2", 20, 10, stage="x", country="E"),
            project("P3", 20, 10, stage="x", country="E"),
            project("P4", 40, 30, stage="x", country="A"),
        ],
        Targets=[
            {
                "target": "capB",
                "metric": "max_country_share",
                "mineral": "li",
                "stage": "x",
                "country": "B",
                "year_from": 2026,
                "value": 0.6,
            }
        ],
        **over,
    )


def built(plan) -> frozenset:
    return frozenset(p for p, x in plan.points["project"].items() if x > 0.5)


def test_two_equally_cheap_combinations_are_both_returned():
    res = find_alternatives(dataset_from(knapsack()), by="project", slack=0.0, count=5)
    assert {built(p) for p in res.plans} == {frozenset({"P1"}), frozenset({"P2", "P3"})}
    assert len(res.plans) == 2
    assert res.plans[1].distance == pytest.approx(3.0)  # P1, P2 and P3 all change
    assert "no other plan" in res.stop_reason


@pytest.mark.parametrize("by", ["project", "country", "lever"])
def test_slack_zero_returns_only_optimal_plans(by):
    res = find_alternatives(dataset_from(knapsack()), by=by, slack=0.0, count=5)
    assert res.optimum_cost == pytest.approx(LEAST)
    for plan in res.plans:
        assert plan.status == OPTIMAL
        assert plan.cost == pytest.approx(LEAST, abs=1e-6)
        assert built(plan) in ({"P1"}, {"P2", "P3"})
    table = plans_table(res)
    assert table["cost_over_optimum_musd"].abs().max() == pytest.approx(0, abs=1e-6)


def test_country_ranges_equal_their_hand_values():
    """Slack 0: A hosts 10 ({P1}) or 0 ({P2, P3}), E 0 or 10. Slack 60%: A up to 15 ({P4});
    E still at most 10 (P2 + P3; P2 + P3 + P1 would cost 20)."""
    ds = dataset_from(knapsack())
    tight = {b.item: (b.low, b.high) for b in find_alternatives(ds, "country", 0.0, 0).ranges}
    assert tight == {"A": pytest.approx((0, 10), abs=1e-6), "E": pytest.approx((0, 10), abs=1e-6)}
    res = find_alternatives(ds, "project", 0.6, 0)
    wide = {b.item: (b.low, b.high) for b in res.ranges}
    assert wide == {"A": pytest.approx((0, 15), abs=1e-6), "E": pytest.approx((0, 10), abs=1e-6)}
    assert res.cap == pytest.approx(1.6 * LEAST)
    assert res.plans == res.plans[:1]  # count 0: the least-cost plan only
    table = ranges_table(res)
    assert table["width"].tolist() == pytest.approx([15, 10], abs=1e-6)


def test_lever_range_of_support_is_ten_to_fifteen():
    """Within 60% the club must still spend 10 on support (40 t are needed) and can spend at
    most 15 ({P4} or {P1, P2})."""
    res = find_alternatives(dataset_from(knapsack()), by="lever", slack=0.6, count=0)
    support = next(b for b in res.ranges if b.item == "support")
    assert (support.low, support.high) == pytest.approx((10, 15), abs=1e-6)
    assert support.optimum == pytest.approx(10, abs=1e-6)
    assert {b.item for b in res.ranges} >= {"support", "floors", "offtake", "stocks"}


def test_alternatives_within_slack_are_distinct_and_capped():
    res = find_alternatives(dataset_from(knapsack()), by="project", slack=0.6, count=10)
    combos = [built(p) for p in res.plans]
    assert len(set(combos)) == len(combos)
    assert set(combos) == {
        frozenset(s) for s in ({"P1"}, {"P2", "P3"}, {"P4"}, {"P1", "P2"}, {"P1", "P3"})
    }
    for plan in res.plans:
        assert plan.cost <= res.cap * (1 + 1e-7)
    # the first alternative is the farthest from {P1}: {P2, P3} (distance 3)
    assert combos[1] == {"P2", "P3"}


def test_paragraph_names_the_ranges_in_plain_language():
    res = find_alternatives(dataset_from(knapsack()), by="country", slack=0.6, count=1)
    text = paragraph(res)
    assert text.startswith("Within 60% of the least cost (10 million USD")
    assert "A can host between 0 and 15 million USD of supported capacity" in text
    assert "E can host between 0 and 10 million USD" in text
    assert "plan 1 (+" in text
    ranges_only = paragraph(find_alternatives(dataset_from(knapsack()), "country", 0.6, 0))
    assert ranges_only.endswith("(least-cost plan: 0).")  # no word on plans not searched for
    tight = paragraph(find_alternatives(dataset_from(knapsack()), "lever", 0.0, 2))
    assert tight.endswith("No other plan within the slack differs from the least-cost one.")


def test_infeasible_targets_raise():
    """B at most 10% needs 90 t from members; with P1 alone (40 t) B keeps 60%."""
    sheets = knapsack()
    sheets["Targets"][0]["value"] = 0.1
    sheets["Projects"] = sheets["Projects"][:1]
    with pytest.raises(Infeasible):
        find_alternatives(dataset_from(sheets), "project", 0.05, 2)


def test_alternatives_constraints_are_documented():
    """alt_cap, alt_hold (rules with their math) and alt_far (a ConstraintList documented in
    Engine._far_from) have a section in models/formulation.md."""
    from pathlib import Path

    import pyomo.environ as pyo

    from mineralclub.alternatives.engine import Engine

    formulation = (Path(__file__).resolve().parents[2] / "models" / "formulation.md").read_text()
    engine = Engine(dataset_from(knapsack()))
    best = engine.optimum()
    engine.add_cap(best.cost, best.penalty, 0.1)
    engine.alternatives("project", 1, [best], {p: (0.0, 1.0) for p in ("P1", "P2", "P3", "P4")})
    names = {
        c.name: c for c in engine.m.component_objects(pyo.Constraint) if c.name.startswith("alt_")
    }
    assert set(names) == {"alt_cap", "alt_hold", "alt_far"}
    for name, con in names.items():
        assert f"texttt{{{name.replace('_', chr(92) + '_')}}}" in formulation
        if name != "alt_far":
            assert "\\le" in con.rule._fcn.__doc__
    assert "\\le" in Engine._far_from.__doc__


def test_alternatives_keep_hhi_targets_exact():
    """HHI <= 0.5 on club supply, two scalable projects (A, E): every plan, the least-cost one and
    those found within a 20% slack, meets the HHI target to the cutting planes' 1e-4 (the loop
    runs at every solve of the persistent model), and the plans differ."""
    from builders import hhi_target

    sheets = single_stage(
        Projects=[
            project("PA", 100, 20, stage="x", country="A", lumpy=False),
            project("PE", 100, 20, stage="x", country="E", lumpy=False),
        ],
        Targets=[hhi_target(0.5)],
    )
    res = find_alternatives(dataset_from(sheets), "country", 0.2, 3)
    assert len(res.plans) == 4
    for plan in res.plans:
        assert plan.row["hhi[li,2026]"] <= 0.5 * (1 + 1e-4) + 1e-9
        assert plan.cost <= res.cap * (1 + 1e-7)
    assert min(p.distance for p in res.plans[1:]) > 0.1


def test_parallel_ranges_equal_serial_ranges():
    """workers=2: the ranges come from two worker processes with their own models and the same
    cap; they equal the serial ones and the hand values of the knapsack."""
    ds = dataset_from(knapsack())

    def table(res):
        return [(b.item, round(b.low, 6) + 0, round(b.high, 6), b.low_status) for b in res.ranges]

    serial = find_alternatives(ds, "country", 0.6, 0)
    parallel = find_alternatives(ds, "country", 0.6, 0, workers=2)
    assert table(parallel) == table(serial) == [("A", 0, 15, "OPTIMAL"), ("E", 0, 10, "OPTIMAL")]
    assert parallel.solves == serial.solves == 5  # 1 optimum + 2 items x 2 range solves
