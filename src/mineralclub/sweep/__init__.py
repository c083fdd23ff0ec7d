"""Sensitivity analysis (SPEC §7): one-at-a-time, grid and frontier sweeps, Morris and Sobol
indices, over input cells addressed as ``Sheet[key=value,...].column``, re-solving one
persistent HiGHS model per worker by changing mutable parameters."""

from mineralclub.model.structure import structure
from mineralclub.sweep.address import BadValues, Base, parse_address
from mineralclub.sweep.session import Session
from mineralclub.sweep.sweep import SweepRequest, frontier

__all__ = ["Base", "BadValues", "Session", "SweepRequest", "frontier", "parse_address", "structure"]
