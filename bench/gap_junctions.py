"""Gap junctions (NEST's gap_junctions_inhibitory_network.py): nestjax and NEST side by side.

hh_psc_alpha_gap neurons at dt 0.05 ms with random initial V_m, a 500 Hz poisson_generator (300 pA),
inhibitory fixed_indegree 50 (-50 pA, 1 ms), and on average 60 gap junctions of ``--gap-weight`` nS
per neuron between random pairs; waveform relaxation with the example's settings (NEST's defaults).
The example connects each pair with its own ``Connect``; here nestjax connects all pairs in one call
(one_to_one, make_symmetric) and NEST from arrays of node ids with both directions given. Each case
runs in a subprocess: build, first simulate of ``--simtime`` ms (for nestjax: compilation and run),
steady simulate (another ``--simtime``). With ``--gap-weight 0`` no gap junctions are made (no
relaxation: the cost of the neurons alone).

    python bench/gap_junctions.py --sizes 500 --threads 1,2
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from cases import report_case, run_case, summarize

DT = 0.05


def _network(n: int, seed: int = 1):
    """Initial V_m, inhibitory sources per target, gap-junction pairs: drawn once, used by both."""
    rng = np.random.default_rng(seed)
    v_m = rng.uniform(-80.0, -40.0, n)
    pairs = rng.integers(0, n, (n * 60 // 2, 2)) + 1
    return v_m, pairs


def run_nestjax(n: int, threads: int, simtime: float, gap_weight: float) -> dict:
    import nestjax as nj

    v_m, pairs = _network(n)
    t0 = time.perf_counter()
    sim = nj.Simulator(dt=DT, seed=1)
    neurons = sim.create("hh_psc_alpha_gap", n, V_m=v_m)
    pg = sim.create("poisson_generator", rate=500.0)
    sr = sim.create("spike_recorder")
    sim.connect(neurons, neurons, {"rule": "fixed_indegree", "indegree": 50, "allow_autapses": False},
                {"weight": -50.0, "delay": 1.0})
    sim.connect(pg, neurons, "all_to_all", {"weight": 300.0, "delay": 1.0})
    sim.connect(neurons, sr)
    if gap_weight:
        sim.connect(pairs[:, 0], pairs[:, 1], {"rule": "one_to_one", "make_symmetric": True},
                    {"synapse_model": "gap_junction", "weight": gap_weight})
    t1 = time.perf_counter()
    sim.simulate(simtime)
    t2 = time.perf_counter()
    res = sim.simulate(simtime)
    t3 = time.perf_counter()
    rate = res.events(sr)["senders"].size / n / (simtime / 1000.0)
    return {"build": t1 - t0, "first": t2 - t1, "steady": t3 - t2, "rate": rate}


def run_nest(n: int, threads: int, simtime: float, gap_weight: float) -> dict:
    from nestjax.testing import fresh_nest

    v_m, pairs = _network(n)
    nest = fresh_nest(DT, threads=threads)
    t0 = time.perf_counter()
    neurons = nest.Create("hh_psc_alpha_gap", n)
    neurons.V_m = v_m
    pg = nest.Create("poisson_generator", params={"rate": 500.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, neurons, {"rule": "fixed_indegree", "indegree": 50, "allow_autapses": False},
                 {"weight": -50.0, "delay": 1.0})
    nest.Connect(pg, neurons, "all_to_all", {"weight": 300.0, "delay": 1.0})
    nest.Connect(neurons, sr)
    if gap_weight:
        pre, post = np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]])
        nest.Connect(pre, post, "one_to_one",
                     {"synapse_model": "gap_junction", "weight": np.full(pre.size, gap_weight)})
    t1 = time.perf_counter()
    nest.Simulate(simtime)
    t2 = time.perf_counter()
    sr.n_events = 0
    nest.Simulate(simtime)
    t3 = time.perf_counter()
    rate = sr.n_events / n / (simtime / 1000.0)
    return {"build": t1 - t0, "first": t2 - t1, "steady": t3 - t2, "rate": rate}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500", help="numbers of neurons, comma separated")
    parser.add_argument("--threads", default="1,2", help="NEST thread counts, comma separated (0: no NEST)")
    parser.add_argument("--simtime", type=float, default=100.0, help="ms per simulate call")
    parser.add_argument("--gap-weight", type=float, default=0.3, help="nS (the example's 0.3; 0: none)")
    parser.add_argument("--out", default="gap_junctions.json")
    parser.add_argument("--case", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        framework, n, threads, simtime, weight = args.case
        run = run_nestjax if framework == "nestjax" else run_nest
        report_case(run(int(n), int(threads), float(simtime), float(weight)))
        return 0

    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        ours = run_case(__file__, "nestjax", n, 1, args.simtime, args.gap_weight)
        rows.append({"neurons": n, "framework": "nestjax", "threads": 0, **ours})
        for th in (int(x) for x in args.threads.split(",") if int(x) > 0):
            nest = run_case(__file__, "nest", n, th, args.simtime, args.gap_weight)
            rows.append({"neurons": n, "framework": "nest", "threads": th, **nest})
    title = f"gap_junctions_inhibitory_network, gap weight {args.gap_weight} nS, {args.simtime:g} ms per call"
    summarize(title, rows, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
