"""The Ledger: who pays the club's bill and who receives its money (SPEC §5).

Every amount is an expected present value in USD million, discounted to the base year exactly
as the Summary sheet (weights w_t = d_t·δ(t); project support at δ(first_year)), so the columns
add up to Summary figures:

* Σ contribution_musd = fiscal_cost_musd + levy_revenue_musd (each member pays its share of the
  club's spending before levy revenue);
* Σ received_musd = the same spending (support of hosted projects + floor payouts + offtake
  payments to members and partners + stockpile costs, row ``(stockpile)``) + the levy revenue
  (members, by cost share) + producer_gain_musd (member producers and partners' rent at
  reference prices, SPEC §4.13);
* Σ consumer_cost_musd = consumer_cost_musd of the Summary (members, by demand share), which is
  levy revenue + producer gain + partners' rent;
* hence Σ net_position_musd = Σ (received − contribution − consumer cost) = 0.

Burden-sharing rule (Countries.cost_share, SPEC §3): members' cost_share normalised to sum 1;
blank for every member = by gdp_busd when every member gives it (and they sum to > 0), else
equal shares. The validation rejects a cost_share filled for some members and blank for others;
tables that skip validation (a scripted edit) count such blanks as 0 with a warning, so the
shares still sum to 1 and the contributions still add up to the bill.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable

import pandas as pd
import pyomo.core as pyo

from mineralclub.dataset import Country, Dataset
from mineralclub.model.registry import FISCAL, Cost
from mineralclub.report.extract import TOL
from mineralclub.report.zone import producer_gain_by_country

LEDGER_COLUMNS = [
    "country",
    "role",
    "share_of_bill",
    "share_basis",
    "share_basis_reason",
    "contribution_musd",
    "hosted_support_musd",
    "floor_payments_musd",
    "offtake_payments_musd",
    "stockpile_payments_musd",
    "producer_gain_musd",
    "levy_revenue_musd",
    "received_musd",
    "share_of_demand",
    "consumer_cost_musd",
    "net_position_musd",
]


def cost_shares(countries: Iterable[Country]) -> tuple[dict[str, float], str]:
    """Members' shares of the club's bill (summing to 1) and the basis used: ``cost_share``,
    ``gdp_busd`` or ``equal``."""
    rows = [c for c in countries if c.member]
    names = [c.country for c in rows]
    given = [c.cost_share for c in rows]
    if any(v is not None for v in given):
        if any(v is None for v in given):
            blank = ", ".join(n for n, v in zip(names, given, strict=True) if v is None)
            warnings.warn(f"cost_share is blank for {blank}; counted as 0", stacklevel=2)
        shares = [v or 0.0 for v in given]  # blanks count as 0
        if sum(shares) > 0:
            return _normalised(names, shares), "cost_share"
        warnings.warn(
            "members' cost_share sum to 0; the bill is shared by GDP or equally", stacklevel=2
        )
    gdp = [c.gdp_busd for c in rows]
    known = [v for v in gdp if v is not None]
    if names and len(known) == len(gdp) and sum(known) > 0:
        return _normalised(names, known), "gdp_busd"
    return {n: 1.0 / len(names) for n in names}, "equal"


def basis_reason(countries: Iterable[Country], basis: str) -> str:
    """Why the bill is shared on `basis` (the Ledger's ``share_basis_reason``)."""
    if basis == "cost_share":
        return "Countries.cost_share given for the members (normalised to sum 1)"
    if basis == "gdp_busd":
        return "no cost_share given; every member gives gdp_busd"
    rows = [c for c in countries if c.member]
    missing = [c.country for c in rows if c.gdp_busd is None]
    if missing and len(missing) < len(rows):
        return (
            f"no cost_share given; gdp_busd blank for {', '.join(missing[:5])}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            + ", so equal shares instead of GDP"
        )
    return "no cost_share or gdp_busd given: equal shares"


def _normalised(names: list[str], weights: list[float]) -> dict[str, float]:
    total = sum(weights)
    return {n: w / total for n, w in zip(names, weights, strict=True)}


# the Ledger column of each fiscal cost category (a new category must say who receives it)
PAYMENT_COLUMN = {
    Cost.PROJECT_SUPPORT: "hosted_support_musd",
    Cost.FLOOR_PAYOUT: "floor_payments_musd",
    Cost.OFFTAKE_COST: "offtake_payments_musd",
    Cost.STOCKPILE_COST: "stockpile_payments_musd",
    Cost.LEVY_REVENUE: "levy_revenue_musd",
}
RECEIPTS = (Cost.LEVY_REVENUE,)  # fiscal receipts, registered negative: the members receive them
STOCKPILE = "(stockpile)"


def received_by_country(m, ds: Dataset) -> dict[str, dict[str, float]]:
    """{payment kind: {payee: expected discounted USD million}}: every registered fiscal term,
    by its owner's host country (support of candidate projects by host, floor payouts and
    offtake payments by producer's host country, partners for partner offtake) or
    ``(stockpile)``; the levy revenue (registered negative, owned by no country) is received by
    the members in their cost shares."""
    out: dict[str, dict[str, float]] = {col: defaultdict(float) for col in PAYMENT_COLUMN.values()}
    shares, _basis = cost_shares(ds.country_rows)
    for category in FISCAL:
        column = PAYMENT_COLUMN[category]
        for term in m.reg.terms(category):
            prob = 1.0 if term.scenario is None else pyo.value(m.p_prob[term.scenario])
            amount = prob * pyo.value(term.expr)
            if category in RECEIPTS:
                for c, share in shares.items():
                    out[column][c] -= share * amount
                continue
            payee = STOCKPILE if term.owner_kind == "stockpile" else term.country
            out[column][payee] += amount
    return out


def demand_shares(countries: Iterable[Country], cost: dict[str, float]) -> dict[str, float]:
    """Members' shares of club demand: Countries.demand_share, blank = the member's cost share;
    normalised to sum 1 (SPEC §4.13; also the coalition's demand scaling)."""
    given = {c.country: c.demand_share for c in countries if c.member}
    raw = {c: cost[c] if (share := given.get(c)) is None else share for c in cost}
    total = sum(raw.values())
    return {c: v / total for c, v in raw.items()} if total > 0 else dict(cost)


def ledger_table(m, ds: Dataset, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per member (its share of the bill, what its producers receive, its consumers'
    cost under reference prices), one per partner that is paid (offtake, zone rent), and a
    ``(stockpile)`` row for stockpile costs.

    Members pay their cost share of the club's spending before levy revenue (fiscal_cost_musd +
    levy_revenue_musd) and receive the same share of the levy; their consumers pay the zone's
    consumer cost by demand share; producers receive floors, offtake and the zone's gain.
    Payments and receipts both add up, so the net positions sum to zero."""
    summary = dict(zip(tables["Summary"]["key"], tables["Summary"]["value"], strict=True))
    levy = float(summary.get("levy_revenue_musd", 0.0))
    spending = float(summary["fiscal_cost_musd"]) + levy
    consumer = float(summary.get("consumer_cost_musd", 0.0))
    shares, basis = cost_shares(ds.country_rows)
    demand = demand_shares(ds.country_rows, shares)
    reason = basis_reason(ds.country_rows, basis)
    got = received_by_country(m, ds)
    got["producer_gain_musd"] = producer_gain_by_country(m, ds)
    kinds = [k for k in got if k != "stockpile_payments_musd"]
    rows = []
    for c in ds.members:
        rows.append(
            dict(
                country=c,
                role="member",
                share_of_bill=shares[c],
                share_basis=basis,
                share_basis_reason=reason,
                contribution_musd=shares[c] * spending,
                share_of_demand=demand[c],
                consumer_cost_musd=demand[c] * consumer,
                **{kind: got[kind].get(c, 0.0) for kind in kinds},
            )
        )
    for c in ds.partners:
        if any(abs(got[kind].get(c, 0.0)) > TOL * 1e-3 for kind in kinds):
            rows.append(
                dict(
                    country=c,
                    role="partner",
                    share_of_bill=0.0,
                    share_basis=None,
                    contribution_musd=0.0,
                    **{kind: got[kind].get(c, 0.0) for kind in kinds},
                )
            )
    rows.append(
        dict(
            country=STOCKPILE,
            role="stockpile",
            share_of_bill=0.0,
            share_basis=None,
            contribution_musd=0.0,
            stockpile_payments_musd=got["stockpile_payments_musd"].get(STOCKPILE, 0.0),
        )
    )
    df = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    paid = kinds + ["stockpile_payments_musd"]
    df[paid + ["consumer_cost_musd"]] = df[paid + ["consumer_cost_musd"]].fillna(0.0)
    df["received_musd"] = df[paid].sum(axis=1)
    df["net_position_musd"] = (
        df["received_musd"] - df["contribution_musd"] - df["consumer_cost_musd"]
    )
    return df
