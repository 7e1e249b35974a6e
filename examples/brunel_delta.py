"""Random balanced network with delta synapses: NEST's ``pynest/examples/brunel_delta_nest.py``
in nestjax, with the same parameters (Brunel 2000, asynchronous irregular regime by default).

Run it: ``python examples/brunel_delta.py`` (add ``--order 500`` for a smaller network).
"""

from __future__ import annotations

import argparse
import time

import brainunit as u

import nestjax as nj


def parameters(
    order: int = 2500, g: float = 5.0, eta: float = 2.0, CE: int | None = None, CI: int | None = None
):
    """The example's parameters; ``CE``/``CI`` override the in-degrees (kept fixed at scale)."""
    epsilon, J, tau_m, theta = 0.1, 0.1, 20.0, 20.0
    NE, NI = 4 * order, order
    CE = int(epsilon * NE) if CE is None else CE
    CI = int(epsilon * NI) if CI is None else CI
    nu_th = theta / (J * CE * tau_m)
    return {
        "NE": NE, "NI": NI, "CE": CE, "CI": CI, "J_ex": J, "J_in": -g * J, "delay": 1.5,
        "p_rate": 1000.0 * eta * nu_th * CE,
        "neuron": {
            "C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta
        },
    }


def build(sim, p: dict, n_rec: int = 50):
    """Create and connect the network in ``sim``; returns (excitatory, inhibitory, ex rec, in rec)."""
    nodes_ex = sim.create("iaf_psc_delta", p["NE"], p["neuron"])
    nodes_in = sim.create("iaf_psc_delta", p["NI"], p["neuron"])
    noise = sim.create("poisson_generator", rate=p["p_rate"])
    espikes, ispikes = sim.create("spike_recorder"), sim.create("spike_recorder")
    excitatory = {"weight": p["J_ex"], "delay": p["delay"]}
    inhibitory = {"weight": p["J_in"], "delay": p["delay"]}
    sim.connect(noise, nodes_ex, syn_spec=excitatory)
    sim.connect(noise, nodes_in, syn_spec=excitatory)
    sim.connect(nodes_ex[:n_rec], espikes)
    sim.connect(nodes_in[:n_rec], ispikes)
    sim.connect(nodes_ex, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": p["CE"]}, excitatory)
    sim.connect(nodes_in, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": p["CI"]}, inhibitory)
    return nodes_ex, nodes_in, espikes, ispikes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, default=2500)
    parser.add_argument("--simtime", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    sim = nj.Simulator(dt=0.1 * u.ms, seed=args.seed)
    p = parameters(args.order)
    _, _, espikes, ispikes = build(sim, p)
    t1 = time.perf_counter()
    res = sim.simulate(args.simtime * u.ms)
    t2 = time.perf_counter()
    n_rec = 50
    rate_ex = res.events(espikes)["senders"].size / args.simtime * 1000.0 / n_rec
    rate_in = res.events(ispikes)["senders"].size / args.simtime * 1000.0 / n_rec
    print(f"Number of neurons : {p['NE'] + p['NI']}")
    print(f"Excitatory rate   : {rate_ex:.2f} spks/s")
    print(f"Inhibitory rate   : {rate_in:.2f} spks/s")
    print(f"Building time     : {t1 - t0:.2f} s")
    print(f"Simulation time   : {t2 - t1:.2f} s (compilation included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
