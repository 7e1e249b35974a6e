"""Two Hodgkin-Huxley neurons joined by a gap junction: NEST's
``pynest/examples/gap_junctions_two_neurons.py`` in nestjax, with the same parameters.

Both neurons receive 100 pA; one starts at -10 mV. The gap junction (0.5 nS, made in both
directions by all_to_all without autapses) synchronises them within about 100 ms.

Run it: ``python examples/gap_junctions_two_neurons.py`` (writes ``gap_junctions_two_neurons.png``
if matplotlib is installed).
"""

from __future__ import annotations

import numpy as np

import nestjax as nj


def run(T: float = 351.0):
    """The example's network; returns (sample times in ms, V_m of both neurons (samples, 2) in mV)."""
    sim = nj.Simulator(dt=0.05)
    neuron = sim.create("hh_psc_alpha_gap", 2, I_e=100.0)
    neuron[0].set(V_m=-10.0)
    vm = sim.create("voltmeter", interval=0.1)
    sim.connect(vm, neuron)
    sim.connect(
        neuron,
        neuron,
        {"rule": "all_to_all", "allow_autapses": False},
        {"synapse_model": "gap_junction", "weight": 0.5},
    )
    res = sim.simulate(T)
    return np.asarray(res.times(vm).mantissa), np.asarray(res.trace(vm, "V_m").mantissa)


def main() -> None:
    times, v = run()
    print(
        f"|V_1 - V_2|: {abs(v[0, 0] - v[0, 1]):.1f} mV at {times[0]:.1f} ms, "
        f"{abs(v[-1, 0] - v[-1, 1]):.2e} mV at {times[-1]:.1f} ms"
    )
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return
    plt.plot(times, v[:, 0], "r-", times, v[:, 1], "g-")
    plt.xlabel("time (ms)")
    plt.ylabel("membrane potential (mV)")
    plt.savefig("gap_junctions_two_neurons.png")


if __name__ == "__main__":
    main()
