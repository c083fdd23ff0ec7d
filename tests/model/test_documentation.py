"""The math cannot drift from the code: every constraint family of a model that uses every
feature carries its equation in its rule's docstring and has a section in
models/formulation.md."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
from test_floor_designs import two_producers
from test_stockpiles import ban_case

from builders import dataset_from, one_stage_refinery, project
from mineralclub.model.build import BuildOptions, build_model

FORMULATION = (Path(__file__).resolve().parents[2] / "models" / "formulation.md").read_text()
LISTS = {"c_hhi_cuts", "c_hhi_static"}  # ConstraintLists: their math is in add_hhi's docstring


def every_feature_model():
    sheets = one_stage_refinery(
        Projects=[project("P1", 60, 30, min_contracted_share=0.5)],
        FloorLevels=[{"mineral": "li", "stage": "ref", "level": "F", "floor_usd_per_t": 2000}],
        OfftakeOptions=[
            {
                "supplier": "A",
                "mineral": "li",
                "stage": "ref",
                "contract_price_usd_per_t": 1500,
                "max_t_per_yr": 10,
            }
        ],
        Targets=[
            {
                "target": "h",
                "metric": "max_hhi",
                "mineral": "li",
                "stage": "ref",
                "year_from": 2026,
                "value": 0.9,
            }
        ],
        Budget=[{"year": 2026, "max_spend_musd": 100}],
        Settings=[{"key": "objective_risk_weight", "value": 0.5}],
    )
    sheets["Minerals"][0]["stock_max_t"] = 50
    return build_model(dataset_from(sheets), BuildOptions(elastic=True))


def zone_model():
    """Reference prices at both stages, a floor on top, a partner with offtake."""
    sheets = one_stage_refinery(
        FloorLevels=[{"mineral": "li", "stage": "ref", "level": "F", "floor_usd_per_t": 2000}],
        ReferencePrices=[
            {"mineral": "li", "stage": s, "level": "R", "reference_usd_per_t": p}
            for s, p in (("mine", 1100), ("ref", 1700))
        ],
        OfftakeOptions=[
            {
                "supplier": "B",
                "mineral": "li",
                "stage": "ref",
                "contract_price_usd_per_t": 1500,
                "max_t_per_yr": 10,
            }
        ],
    )
    sheets["Countries"][1]["partner"] = True
    return build_model(dataset_from(sheets))


def constraint_families():
    models = [
        every_feature_model(),
        build_model(dataset_from(ban_case(risk_weight=1.0))),
        build_model(dataset_from(two_producers("per_contract"))),
        zone_model(),
    ]
    out = {}
    for m in models:
        for c in m.component_objects(pyo.Constraint):
            out[c.name] = c
    return out


def test_every_constraint_family_documents_its_math():
    families = constraint_families()
    assert len(families) >= 20
    for name, con in families.items():
        assert (
            f"`{name}`" in FORMULATION
            or f"texttt{{{name.replace('_', chr(92) + '_')}}}" in FORMULATION
        ), f"{name} is not in models/formulation.md"
        if name in LISTS:
            continue
        rule = con.rule._fcn
        assert rule.__doc__ and any(ch in rule.__doc__ for ch in "\\=<>"), (
            f"{name}: the rule has no equation in its docstring"
        )
