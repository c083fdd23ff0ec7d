"""Who needs whom (SPEC §8 ``mineralclub coalition``): the cooperative cost game of the club's
blocs, their marginal and Shapley values, the least core, and whether any group of blocs pays
more under the Ledger than it would pay on its own.

blocs.py      members grouped into blocs, with their demand and cost shares
game.py       the coalition workbook of a group of blocs and its cost c(S) (one solve)
values.py     marginal values, exact and sampled Shapley values, the least core (one HiGHS LP)
stability.py  the Ledger's allocation against c(S): who would rather leave
cache.py      solved coalitions kept on disk, keyed by the coalition and the input's SHA-256
run.py        which coalitions to solve, solved through the sweep engine, and the analysis
report.py     the coalition workbook (tables, charts, a plain-language paragraph)
"""
