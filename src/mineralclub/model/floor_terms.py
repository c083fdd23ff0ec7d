"""Terms of the price-floor contracts (SPEC §4.11), shared by the floor and trade-zone params."""

from __future__ import annotations

from mineralclub.dataset import Dataset


def floor_pay(strike: float, upside: float, price: float) -> float:
    """Club payout per covered tonne of a (two-sided) floor: (F - P)^+ - s (P - F)^+ (USD/t)."""
    return max(0.0, strike - price) - upside * max(0.0, price - strike)


def floor_terms(ds: Dataset) -> dict[tuple[str, str, str], tuple[float, float]]:
    """{(k, s, level): (strike F, upside share s)} from FloorLevels."""
    return {r.key: (r.floor_usd_per_t, r.upside_share) for r in ds.floor_levels}
