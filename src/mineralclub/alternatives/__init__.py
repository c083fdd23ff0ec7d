"""Near-optimal alternative plans for negotiators (modelling to generate alternatives).

`find_alternatives(ds, by, slack, count)` solves the least-cost plan, the range of each host
country's (or lever's) money within the slack, and up to `count` plans as different as possible
from each other; `write_alternatives` writes the Alternatives workbook. See
docs/alternatives.md and models/formulation.md (Near-optimal alternatives).
"""

from mineralclub.alternatives.engine import Alternatives, Infeasible
from mineralclub.alternatives.report import paragraph, write_alternatives
from mineralclub.alternatives.search import find_alternatives

__all__ = ["Alternatives", "Infeasible", "find_alternatives", "paragraph", "write_alternatives"]
