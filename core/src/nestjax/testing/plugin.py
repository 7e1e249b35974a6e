"""pytest plugin (entry point ``pytest11``): fixtures ``nest`` and ``parity``, and the report.

``parity.samples(model, quantity, ours, nest_values, category, scenario)`` and
``parity.events(model, ours, nest_events, scenario)`` compare and record the measured error;
the report is written to ``--nestjax-report`` (default ``validation-report.json``) at the end.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from .compare import compare_events, compare_samples
from .nest_runner import fresh_nest
from .report import ValidationReport
from .scenario import run_both

_report = ValidationReport()


def pytest_addoption(parser):
    parser.addoption(
        "--nestjax-report",
        default="validation-report.json",
        help="where the parity tests write the validation report (JSON)",
    )


class Parity:
    """Compares a nestjax result with NEST's and records the error under a model and scenario."""

    def __init__(self, report: ValidationReport):
        self.report = report

    def samples(self, model, quantity, ours, nest_values, category, scenario, unit=None) -> float:
        err = compare_samples(ours, nest_values, category, unit, what=f"{model}.{quantity} [{scenario}]")
        self.report.add(model, quantity, category, scenario, err)
        return err

    def neuron(self, sc, model, record, category, scenario) -> dict:
        """Run a :func:`~nestjax.testing.neuron_scenario` in both simulators; the sample times must
        be identical, each recordable within ``category``, the spikes identical. Returns nestjax's
        recordings."""
        ours, theirs = run_both(sc)
        if not np.array_equal(ours["mm"]["times"], theirs["mm"]["times"]):
            raise AssertionError(f"{model} [{scenario}]: sample times differ")
        for name in record:
            self.samples(model, name, ours["mm"][name], theirs["mm"][name], category, scenario)
        self.events(model, ours["sr"], theirs["sr"], scenario)
        return ours

    def events(self, model, ours, nest_events, scenario, category="A", time_tol=0.0) -> int:
        n = compare_events(ours, nest_events, what=f"{model} events [{scenario}]", time_tol=time_tol)
        self.report.add(model, "spikes", category, scenario, 0.0)
        return n


@pytest.fixture
def nest():
    """Live NEST with a freshly reset kernel at 0.1 ms (set ``nest.resolution`` to change it)."""
    return fresh_nest(0.1)


@pytest.fixture
def parity() -> Parity:
    return Parity(_report)


def pytest_sessionfinish(session, exitstatus):
    if _report.entries and not hasattr(session.config, "workerinput"):
        _report.write(Path(session.config.getoption("--nestjax-report")))
