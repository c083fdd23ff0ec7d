"""Named units and tolerances, each defined once and used everywhere it applies."""

from __future__ import annotations

USD_TO_MUSD = 1e-6  # USD -> USD million: every money coefficient of the model and the reports
BINDING_TOL = 1e-6  # a target instance binds when g_i >= -BINDING_TOL * max(1, |den_i|)
HHI_BINDING_TOL = 1e-3  # an HHI instance binds when HHI >= H (1 - HHI_BINDING_TOL)
HHI_RELATIVE_TOL = 1e-4  # the HHI cutting planes stop when every HHI <= H (1 + HHI_RELATIVE_TOL)
