"""Hand-solvable coalition games built as raw sheets (see each builder's docstring)."""

from __future__ import annotations

USD = 1e-6  # USD million per USD


def three_bloc_sheets(cost_shares=(0.25, 0.25, 0.25, 0.25)) -> dict:
    """One final stage 'x', one year, one scenario, no discounting, no targets, MIP gap 0.

    Non-member B sells any amount at import premium 100 USD/t. Members and blocs (demand
    shares): Host = A1 (0.2); Big = A2 (0.3) + A2b (0.2); Small = A3 (0.3); club demand 100 t.
    A1 hosts a lumpy project: 100 t, capex 4,000 USD, fully supported, unit cost 400 < price
    1,000 (it runs whenever built). A coalition with demand D pays min(100 D, 4,000) USD with
    Host in it, 100 D without:
        c(H)=2000  c(B)=5000  c(S)=3000  c(HB)=4000  c(HS)=4000  c(BS)=8000  c(HBS)=4000.
    """
    members = [("A1", "Host", 0.2), ("A2", "Big", 0.3), ("A2b", "Big", 0.2), ("A3", "Small", 0.3)]
    countries = [
        {"country": c, "member": True, "bloc": b, "demand_share": d, "cost_share": s}
        for (c, b, d), s in zip(members, cost_shares, strict=True)
    ]
    countries.append({"country": "B", "import_premium_usd_per_t": 100})
    return {
        "Settings": [{"key": "name", "value": "three blocs"}, {"key": "mip_gap", "value": 0}],
        "Countries": countries,
        "Minerals": [{"mineral": "li"}],
        "Stages": [{"mineral": "li", "stage": "x", "order": 1, "final": True}],
        "Periods": [{"year": 2026}],
        "Demand": [{"mineral": "li", "year": 2026, "demand_t": 100}],
        "Capacity": [
            {"country": "B", "mineral": "li", "stage": "x", "year": 2026, "capacity_t": 1000}
        ],
        "Projects": [
            {
                "project": "Mine1",
                "country": "A1",
                "mineral": "li",
                "stage": "x",
                "capacity_t": 100,
                "capex_musd": 4000 * USD,
                "support_share": 1,
                "unit_cost_usd_per_t": 400,
                "first_year": 2026,
                "lumpy": True,
            }
        ],
        "Scenarios": [{"scenario": "base", "probability": 1}],
        "Prices": [
            {"mineral": "li", "stage": "x", "year": 2026, "scenario": "*", "price_usd_per_t": 1000}
        ],
    }


def six_bloc_sheets() -> dict:
    """Six members, each a bloc (demand shares 0.25, 0.1, 0.2, 0.15, 0.2, 0.1); non-member B
    at premium 100 USD/t; lumpy projects in M1 (60 t, 3,000 USD) and M4 (50 t, 2,000 USD)."""
    shares = [0.25, 0.1, 0.2, 0.15, 0.2, 0.1]
    sheets = three_bloc_sheets()
    sheets["Countries"] = [
        {"country": f"M{i + 1}", "member": True, "demand_share": d} for i, d in enumerate(shares)
    ]
    sheets["Countries"].append({"country": "B", "import_premium_usd_per_t": 100})
    sheets["Projects"] = [
        {
            "project": "P1",
            "country": "M1",
            "mineral": "li",
            "stage": "x",
            "capacity_t": 60,
            "capex_musd": 3000 * USD,
            "support_share": 1,
            "unit_cost_usd_per_t": 400,
            "first_year": 2026,
            "lumpy": True,
        },
        {
            "project": "P4",
            "country": "M4",
            "mineral": "li",
            "stage": "x",
            "capacity_t": 50,
            "capex_musd": 2000 * USD,
            "support_share": 1,
            "unit_cost_usd_per_t": 400,
            "first_year": 2026,
            "lumpy": True,
        },
    ]
    return sheets
