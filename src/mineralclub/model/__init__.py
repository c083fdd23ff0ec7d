"""The optimisation model: one module per concern, each with ``add_<concern>(m, ds)``.

`build.build_model` calls them in order; every module declares its variables and constraints
and registers its contributions to the balances (``m.reg``) and its cost terms; `balance.py` and
`objective.py` only sum what was registered. The math of every family is in its docstring and in
``models/formulation.md`` (same order, same symbols).
"""
