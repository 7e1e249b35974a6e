"""The parity harness: run a scenario in live NEST and in nestjax, compare by category.

Run-time code never imports this package; only tests do.
"""

from .compare import CATEGORIES, ParityError, compare_events, compare_samples
from .nest_runner import fresh_nest
from .scenario import Scenario, neuron_scenario, run_both, run_nest, run_nestjax

__all__ = [
    "CATEGORIES",
    "ParityError",
    "Scenario",
    "compare_events",
    "compare_samples",
    "fresh_nest",
    "neuron_scenario",
    "run_both",
    "run_nest",
    "run_nestjax",
]
