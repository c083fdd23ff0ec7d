"""What a built model depends on besides its mutable parameters: the sweep's reuse key.

`structure(ds)` is the dataset minus exactly its parametric part (`params.PARAMETRIC`, the
values that `params.param_values` turns into mutable Params), together with the model's `Sets`.
Two datasets with equal structure build models that differ only in Param values, so a persistent
model can be re-solved after `params.update_params`; any other difference rebuilds. A dataset
field that `PARAMETRIC` does not name is structural, so a field added later is safe by default.
The Sets are part of the key because a parametric value can also decide structure (a capacity
that becomes 0 removes a supplier, a risk weight that becomes positive adds the CVaR rows).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mineralclub.dataset import Dataset
from mineralclub.model.params import PARAMETRIC, VALUES, WHOLE
from mineralclub.model.sets import Sets, build_sets

MASKED = "<param>"


@dataclasses.dataclass(frozen=True)
class Structure:
    """Equal structures give models with the same variables, constraints and coefficients
    other than mutable parameters."""

    sets: Sets
    fields: tuple[tuple[str, Any], ...]


def structure(ds: Dataset) -> Structure:
    fields = tuple(
        (f.name, _mask(getattr(ds, f.name), PARAMETRIC.get(f.name))) for f in dataclasses.fields(ds)
    )
    return Structure(build_sets(ds), fields)


def _mask(value: Any, part: str | tuple[str, ...] | None) -> Any:
    if part is None:
        return value
    if part == WHOLE:
        return MASKED
    if part == VALUES:
        return frozenset(value)
    assert isinstance(part, tuple)
    if isinstance(value, dict):
        if any(_is_record(v) for v in value.values()):  # projects, stock
            return {key: _mask_record(v, part) for key, v in value.items()}
        return _mask_record(value, part)  # settings
    return tuple(_mask_record(v, part) for v in value)


def _is_record(value: Any) -> bool:
    return isinstance(value, dict) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    )


def _mask_record(record: Any, names: tuple[str, ...]) -> Any:
    """A record (dataclass) or, for `settings` and `stock`, a dict, with `names` masked."""
    if isinstance(record, dict):
        return {k: (MASKED if k in names else v) for k, v in record.items()}
    return dataclasses.replace(record, **{name: MASKED for name in names})
