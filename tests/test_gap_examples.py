"""``examples/gap_junctions_two_neurons.py`` (NEST's ``gap_junctions_two_neurons.py``) against live
NEST: category B for both membrane potentials over the example's 351 ms, and the synchronisation it
shows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "gap_junctions_two_neurons.py"


def _example():
    spec = importlib.util.spec_from_file_location("gap_junctions_two_neurons_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nest_example(nest, T):
    """NEST's example as it is written (its plotting left out)."""
    nest.resolution = 0.05
    neuron = nest.Create("hh_psc_alpha_gap", 2)
    vm = nest.Create("voltmeter", params={"interval": 0.1})
    neuron.I_e = 100.0
    neuron[0].V_m = -10.0
    nest.Connect(vm, neuron, "all_to_all")
    nest.Connect(
        neuron,
        neuron,
        {"rule": "all_to_all", "allow_autapses": False},
        {"synapse_model": "gap_junction", "weight": 0.5},
    )
    nest.Simulate(T)
    nest.Simulate(nest.min_delay)  # NEST hands over the last slice's samples with the next call
    ev = vm.events
    keep = ev["times"] <= T + 1e-9
    times, senders, v = ev["times"][keep], ev["senders"][keep], ev["V_m"][keep]
    return times[senders == 1], np.stack([v[senders == 1], v[senders == 2]], axis=1)


def test_two_neurons_example_as_nest(nest, parity):
    times, v = _example().run(351.0)
    nest_times, nest_v = _nest_example(nest, 351.0)
    np.testing.assert_array_equal(times, nest_times)
    parity.samples("gap_junction", "V_m", v, nest_v, "B", "examples/gap_junctions_two_neurons.py")
    assert np.abs(v[0, 0] - v[0, 1]) > 50 and np.abs(v[-1, 0] - v[-1, 1]) < 1.0
