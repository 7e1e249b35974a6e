"""Brunel network (NEST's brunel_delta_nest.py parameters): nestjax and NEST side by side.

Each case runs in a subprocess of its own, so its peak memory is its own: build (create and
connect), first simulate of 1 s of biological time (for nestjax: tables, compilation and run),
steady simulate (a second 1 s). Up to 10k neurons the in-degrees are the example's (10% of each
population); above, CE=800 and CI=200. Prints a table with nestjax/NEST ratios and writes JSON.

    python bench/brunel.py --sizes 1000,10000,50000 --out bench/results.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cases import report_case, run_case, summarize

HERE = Path(__file__).resolve().parent
SIMTIME = 1000.0


def _fan_in(n: int) -> tuple[int, int]:
    order = n // 5
    return (int(0.1 * 4 * order), int(0.1 * order)) if n <= 10000 else (800, 200)


def run_nestjax(n: int, threads: int) -> dict:
    sys.path.insert(0, str(HERE.parent / "examples"))
    from brunel_delta import build, parameters

    import nestjax as nj

    CE, CI = _fan_in(n)
    t0 = time.perf_counter()
    sim = nj.Simulator(dt=0.1, seed=1)
    p = parameters(n // 5, CE=CE, CI=CI)
    _, _, espikes, _ = build(sim, p)
    t1 = time.perf_counter()
    sim.simulate(SIMTIME)
    t2 = time.perf_counter()
    res = sim.simulate(SIMTIME)
    t3 = time.perf_counter()
    rate = res.events(espikes)["senders"].size / 50 / (SIMTIME / 1000.0)
    return {"build": t1 - t0, "first": t2 - t1, "steady": t3 - t2, "rate": rate}


def run_nest(n: int, threads: int) -> dict:
    from nestjax.testing import fresh_nest

    sys.path.insert(0, str(HERE.parent / "examples"))
    from brunel_delta import parameters

    CE, CI = _fan_in(n)
    p = parameters(n // 5, CE=CE, CI=CI)
    nest = fresh_nest(0.1, threads=threads)
    t0 = time.perf_counter()
    ex = nest.Create("iaf_psc_delta", p["NE"], params=p["neuron"])
    inh = nest.Create("iaf_psc_delta", p["NI"], params=p["neuron"])
    noise = nest.Create("poisson_generator", params={"rate": p["p_rate"]})
    espikes = nest.Create("spike_recorder")
    exc = {"weight": p["J_ex"], "delay": p["delay"]}
    nest.Connect(noise, ex + inh, syn_spec=exc)
    nest.Connect(ex[:50], espikes)
    nest.Connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": p["CE"]}, exc)
    nest.Connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": p["CI"]},
                 {"weight": p["J_in"], "delay": p["delay"]})
    t1 = time.perf_counter()
    nest.Simulate(SIMTIME)
    t2 = time.perf_counter()
    espikes.n_events = 0
    nest.Simulate(SIMTIME)
    t3 = time.perf_counter()
    rate = espikes.n_events / 50 / (SIMTIME / 1000.0)
    return {"build": t1 - t0, "first": t2 - t1, "steady": t3 - t2, "rate": rate}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of neurons, comma separated")
    parser.add_argument("--threads", default="1,2", help="NEST thread counts, comma separated (0: no NEST)")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--case", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        framework, n, threads = args.case[0], int(args.case[1]), int(args.case[2])
        report_case((run_nestjax if framework == "nestjax" else run_nest)(n, threads))
        return 0

    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        ours = run_case(__file__, "nestjax", n, 1)
        rows.append({"neurons": n, "framework": "nestjax", "threads": 0, **ours})
        for th in (int(x) for x in args.threads.split(",") if int(x) > 0):
            nest = run_case(__file__, "nest", n, th)
            rows.append({"neurons": n, "framework": "nest", "threads": th, **nest})
    summarize("Brunel delta network, 1 s of biological time at dt 0.1 ms", rows, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
