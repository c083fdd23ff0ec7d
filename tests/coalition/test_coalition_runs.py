"""The values' arithmetic on a known table, the sampled estimator against the exact values, the
cache (a rerun resumes), and serial, two local workers and an in-process Dask cluster giving
the same table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mineralclub.coalition import values as V
from mineralclub.coalition.run import CoalitionRequest, analyse, coalition_masks

# Players 1, 2, 3 as bits 0, 1, 2: c(1)=c(2)=c(3)=0, c(12)=1, c(13)=2, c(23)=3, c(123)=7.5.
TABLE = {0b001: 0.0, 0b010: 0.0, 0b100: 0.0, 0b011: 1.0, 0b101: 2.0, 0b110: 3.0, 0b111: 7.5}


def test_exact_shapley_of_a_known_table():
    # phi_1 = (1 - 0)/6 + (2 - 0)/6 + (7.5 - 3)/3 = 2; phi_2 = 1/6 + 3/6 + 5.5/3 = 2.5;
    # phi_3 = 2/6 + 3/6 + 6.5/3 = 3
    assert V.shapley_exact(TABLE, 3) == pytest.approx([2.0, 2.5, 3.0])
    assert V.marginal_values(TABLE, 3) == pytest.approx([3 - 7.5, 2 - 7.5, 1 - 7.5])


def test_sampled_shapley_of_all_six_orders_is_exact():
    orders = np.array([[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])
    mean, se = V.shapley_sampled(TABLE, orders)
    assert mean == pytest.approx([2.0, 2.5, 3.0])
    # bloc 0's marginal costs over the six orders: 0, 0, 1, 4.5, 2, 4.5
    assert se[0] == pytest.approx(np.std([0, 0, 1, 4.5, 2, 4.5], ddof=1) / np.sqrt(6))


def test_sampled_coalitions_are_the_prefixes_plus_singletons_and_complements():
    masks, orders = coalition_masks(4, 3, samples=1, seed=0)
    order = orders[0]
    prefixes = {sum(1 << int(i) for i in order[: j + 1]) for j in range(4)}
    singles = {1, 2, 4, 8}
    complements = {15 - b for b in singles}
    assert set(masks) == prefixes | singles | complements


def test_sampled_estimate_within_its_standard_error_of_the_exact_values(six_bloc, tmp_path):
    """The exact run solves all 63 coalitions (cached); the sampled run reuses them."""
    base, blocs = six_bloc
    exact = analyse(base, blocs, CoalitionRequest(cache_dir=tmp_path, input_sha256="six"))
    assert exact.exact and exact.solved == 63
    sampled = analyse(
        base,
        blocs,
        CoalitionRequest(exact_max=5, samples=60, seed=3, cache_dir=tmp_path, input_sha256="six"),
    )
    assert not sampled.exact and sampled.solved == 0 and sampled.least_core is None
    phi = exact.values["shapley_musd"].to_numpy()
    est = sampled.values["shapley_musd"].to_numpy()
    se = sampled.values["shapley_se_musd"].to_numpy()
    assert (se > 0).all()
    assert (np.abs(est - phi) <= se + 1e-12).all()  # every bloc within one standard error
    assert est.sum() == pytest.approx(exact.grand_cost)  # each order adds up to c(N)
    pd.testing.assert_series_equal(exact.values["marginal_musd"], sampled.values["marginal_musd"])


def test_a_rerun_resumes_from_the_cache(three_bloc, tmp_path):
    base, blocs = three_bloc
    req = CoalitionRequest(cache_dir=tmp_path, input_sha256="abc")
    first = analyse(base, blocs, req)
    assert first.solved == 7
    (cache,) = tmp_path.glob("abc-*.jsonl")
    lines = cache.read_text().splitlines()
    assert len(lines) == 7
    # An interruption in the middle of writing the last line: that coalition is solved again.
    cache.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:20])
    again = analyse(base, blocs, req)
    assert again.solved == 1
    assert again.costs == pytest.approx(first.costs)
    assert again.coalitions["cached"].sum() == 6
    other = analyse(base, blocs, CoalitionRequest(cache_dir=tmp_path, input_sha256="abd"))
    assert other.solved == 7  # another input hash never reuses a cost
    assert json.loads(lines[0])["row"]["status"] == "OPTIMAL"


def table(analysis) -> pd.DataFrame:
    return analysis.coalitions.drop(columns=["seconds", "cached"])


def test_workers_and_dask_give_the_serial_table(three_bloc):
    base, blocs = three_bloc
    serial = analyse(base, blocs, CoalitionRequest())
    two = analyse(base, blocs, CoalitionRequest(workers=2))
    pd.testing.assert_frame_equal(table(serial), table(two))
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        dask = analyse(base, blocs, CoalitionRequest(scheduler=cluster.scheduler_address))
    pd.testing.assert_frame_equal(table(serial), table(dask))
    pd.testing.assert_frame_equal(serial.values, dask.values)
