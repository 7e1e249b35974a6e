"""``nestjax demo``: the first-steps program and a small network, with a summary and a figure."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import brainunit as u
import numpy as np


def single_neuron():
    """One iaf_psc_alpha driven by I_e = 376 pA, as in NEST's first example."""
    import nestjax as nj

    sim = nj.Simulator(dt=0.1 * u.ms)
    neuron = sim.create(nj.iaf_psc_alpha, 1, I_e=376.0 * u.pA)
    vm = sim.create(nj.voltmeter)
    sr = sim.create(nj.spike_recorder)
    sim.connect(vm, neuron)
    sim.connect(neuron, sr)
    res = sim.simulate(1000.0 * u.ms)
    more = sim.simulate(500.0 * u.ms)
    return res, more, vm, sr


def small_network(n_ex: int = 400, n_in: int = 100, seed: int = 1):
    """An excitatory-inhibitory network of iaf_psc_alpha neurons with heterogeneous drive."""
    import nestjax as nj

    rng = np.random.default_rng(seed)
    sim = nj.Simulator(dt=0.1 * u.ms, seed=seed)
    n = n_ex + n_in
    pop = sim.create(nj.iaf_psc_alpha, n, I_e=rng.uniform(330.0, 420.0, n) * u.pA,
                     V_m=rng.uniform(-70.0, -56.0, n) * u.mV)
    ex, inh = pop[:n_ex], pop[n_ex:]
    w_ex = np.where(rng.random((n, n_ex)) < 0.1, 40.0, 0.0)
    w_in = np.where(rng.random((n, n_in)) < 0.1, -160.0, 0.0)
    sim.connect(ex, pop, syn_spec={"weight": w_ex, "delay": 1.5})
    sim.connect(inh, pop, syn_spec={"weight": w_in, "delay": 0.8})
    sr = sim.create(nj.spike_recorder)
    vm = sim.create(nj.voltmeter)
    sim.connect(pop, sr)
    sim.connect(vm, pop[:3])
    res = sim.simulate(500.0 * u.ms)
    return res, sr, vm, n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="nestjax", description="nestjax command line")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the default network, print a summary, write a figure")
    demo.add_argument("--out", default="demo-output", help="folder for the figure (default: demo-output)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    res, more, vm, sr = single_neuron()
    t1 = time.perf_counter()
    v = res.trace(vm, "V_m").to_decimal(u.mV)[:, 0]
    spikes = res.events(sr)["times"].to_decimal(u.ms)
    print("single iaf_psc_alpha, I_e = 376 pA, 1000 ms + 500 ms at dt = 0.1 ms")
    print(f"  V_m samples: {v.size} (every 1 ms), range {v.min():.3f} .. {v.max():.3f} mV")
    print(f"  spikes in the first 1000 ms: {spikes.size} ({spikes[0]:.1f} ... {spikes[-1]:.1f} ms)")
    print(f"  spikes in the next 500 ms: {more.events(sr)['times'].size}; wall time {t1 - t0:.2f} s")

    net, nsr, nvm, n = small_network()
    t2 = time.perf_counter()
    ev = net.events(nsr)
    rate = ev["senders"].size / n / 0.5
    print(f"network of {n} iaf_psc_alpha (80% excitatory), 500 ms: {ev['senders'].size} spikes, "
          f"mean rate {rate:.1f} spikes/s; wall time {t2 - t1:.2f} s")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "demo.png"
    _figure(res, vm, sr, net, nsr, nvm, path)
    print(f"figure: {path}")
    return 0


def _figure(res, vm, sr, net, nsr, nvm, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 1, figsize=(8, 8), constrained_layout=True)
    t = res.times(vm).to_decimal(u.ms)
    axes[0].plot(t, res.trace(vm, "V_m").to_decimal(u.mV)[:, 0], lw=0.8)
    for s in res.events(sr)["times"].to_decimal(u.ms):
        axes[0].axvline(s, color="r", lw=0.4, alpha=0.5)
    axes[0].set(title="iaf_psc_alpha, I_e = 376 pA", xlabel="time (ms)", ylabel="V_m (mV)")
    axes[1].plot(net.times(nvm).to_decimal(u.ms), net.trace(nvm, "V_m").to_decimal(u.mV), lw=0.7)
    axes[1].set(title="network: V_m of three neurons", xlabel="time (ms)", ylabel="V_m (mV)")
    ev = net.events(nsr)
    axes[2].plot(ev["times"].to_decimal(u.ms), ev["senders"], ".", ms=1.5)
    axes[2].set(title="network: spike raster", xlabel="time (ms)", ylabel="neuron id")
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
