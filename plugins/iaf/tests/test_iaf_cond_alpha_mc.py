"""Parity of iaf_cond_alpha_mc with live NEST: category B (<= 1e-6 in NEST units) for every
recordable and identical spikes, with input on every receptor port.

NEST takes the per-compartment parameters as sub-dictionaries (``{"soma": {"C_m": ...}}``);
nestjax as flat names (``"soma.C_m"``): the NEST side of each scenario gets them nested."""

import copy

import numpy as np
import pytest

import nestjax as nj
from nestjax.model import BadProperty
from nestjax.testing import fresh_nest, neuron_scenario, run_nest, run_nestjax

MODEL = "iaf_cond_alpha_mc"
COMPARTMENTS = ("soma", "proximal", "distal")
RECORD = [f"{v}.{c}" for v in ("V_m", "g_ex", "g_in") for c in "spd"] + ["t_ref_remaining"]


def _nested(flat: dict) -> dict:
    out = {}
    for k, v in flat.items():
        comp, _, name = k.partition(".")
        if name:
            out.setdefault(comp, {})[name] = v
        else:
            out[k] = v
    return out


def _run(parity, sc, what):
    """nestjax with flat names, NEST with the neurons' parameters nested; compare everything."""
    theirs_sc = copy.deepcopy(sc)
    theirs_sc.nodes = [(lb, m, n, [_nested(d) for d in p] if m == MODEL else p) for lb, m, n, p in sc.nodes]
    ours, theirs = run_nestjax(sc), run_nest(theirs_sc)
    assert np.array_equal(ours["mm"]["times"], theirs["mm"]["times"])
    for name in RECORD:
        parity.samples(MODEL, name, ours["mm"][name], theirs["mm"][name], "B", what)
    parity.events(MODEL, ours["sr"], theirs["sr"], what, category="B")
    return ours


def _random_neuron(rng):
    v_th = rng.uniform(-58, -50)
    p = {
        "V_th": v_th,
        "V_reset": rng.uniform(-75, v_th - 3),
        "t_ref": float(rng.choice([0.0, 0.13, 1.0, 2.77])),
        "g_sp": rng.uniform(0.5, 10),
        "g_pd": rng.uniform(0.2, 5),
    }
    for c in COMPARTMENTS:
        p.update(
            {
                f"{c}.C_m": rng.uniform(50, 300),
                f"{c}.E_L": rng.uniform(-75, -60),
                f"{c}.E_ex": rng.uniform(-10, 10),
                f"{c}.E_in": rng.uniform(-90, -70),
                f"{c}.g_L": rng.uniform(3, 20),
                f"{c}.tau_syn_ex": rng.uniform(0.2, 3),
                f"{c}.tau_syn_in": rng.uniform(0.5, 5),
                f"{c}.I_e": rng.uniform(-100, 400),
                f"{c}.V_m": rng.uniform(-75, -55),
            }
        )
    p["soma.I_e"] = rng.uniform(150, 600)
    return p


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_random_parameters_and_every_port(parity, dt):
    """Five neurons with seeded random parameters (t_ref 0 and not); spikes with multiplicities on
    each of the six spike ports, a dc current on each of the three current ports and a step current
    on one; three simulate calls; every recordable."""
    rng = np.random.default_rng(31 if dt == 0.1 else 32)
    sc = neuron_scenario(MODEL, dt, [_random_neuron(rng) for _ in range(5)], 5, RECORD)
    sc.node(
        "sg",
        "spike_generator",
        6,
        [
            {
                "spike_times": sorted(float(t) for t in np.round(rng.uniform(0.5, 60.0, 12), 1)),
                "spike_multiplicities": [int(m) for m in rng.integers(1, 4, 12)],
            }
            for _ in range(6)
        ],
    )
    for port in range(1, 7):
        w = rng.uniform(2, 20) * (-0.2 if port == 3 else 1.0)  # NEST does not refuse negative weights
        sc.connect(
            ("sg", slice(port - 1, port)),
            "n",
            syn_spec={"weight": w, "delay": round(rng.uniform(0.1, 2.0), 1), "receptor_type": port},
        )
    sc.node(
        "dc",
        "dc_generator",
        3,
        [{"amplitude": rng.uniform(-200, 400), "start": float(s), "stop": 45.0} for s in (5.0, 12.3, 20.0)],
    )
    for k, port in enumerate((7, 8, 9)):
        sc.connect(
            ("dc", slice(k, k + 1)), "n", syn_spec={"delay": 0.5, "weight": 1.2, "receptor_type": port}
        )
    sc.node(
        "step",
        "step_current_generator",
        1,
        {"amplitude_times": [8.0, 30.3, 50.0], "amplitude_values": [300.0, -200.0, 500.0]},
    )
    sc.connect("step", "n", syn_spec={"delay": 0.3, "receptor_type": 9})
    sc.simulate = [17.3, 0.4, 42.3]
    ours = _run(parity, sc, f"random parameters, all ports, split calls, dt={dt}")
    counts = np.bincount(ours["sr"]["senders"] - 1, minlength=5)
    assert counts.min() >= 1 and counts.sum() > 10, counts
    assert np.ptp(ours["mm"]["g_in.d"]) > 0.1 and np.ptp(ours["mm"]["t_ref_remaining"]) > 0


def test_defaults_receptors_and_recordables_as_nest(nest):
    """NEST's sub-dictionaries, receptor_types and recordables, against the flat tables."""
    theirs = nest.GetDefaults(MODEL)
    cls = nj.registry().model(MODEL)
    ours = {q.name: q.default for q in (*cls.params, *cls.state) if not q.hidden}
    flat = {f"{c}.{k}": v for c in COMPARTMENTS for k, v in theirs[c].items()}
    flat.update({k: theirs[k] for k in ("V_reset", "V_th", "g_sp", "g_pd", "t_ref")})
    assert ours == flat
    assert cls.receptor_types == theirs["receptor_types"]
    assert sorted(cls.recordables) == sorted(theirs["recordables"])


def test_receptor_errors_as_nest():
    """Spikes only on 1-6, currents only on 7-9 (NEST: IncompatibleReceptorType below 10,
    UnknownReceptorType from 10)."""
    nest = fresh_nest(0.1)
    sim = nj.Simulator(dt=0.1)
    for side in (nest, sim):
        create, connect = (nest.Create, nest.Connect) if side is nest else (sim.create, sim.connect)
        n, sg, dc = create(MODEL), create("spike_generator"), create("dc_generator")
        for src, ok, bad in ((sg, range(1, 7), (0, 7, 9, 10)), (dc, (7, 8, 9), (0, 1, 6, 10))):
            for port in ok:
                connect(src, n, syn_spec={"receptor_type": port})
            for port in bad:
                with pytest.raises(Exception, match="eceptor"):
                    connect(src, n, syn_spec={"receptor_type": port})
    with pytest.raises(ValueError, match="soma_exc=1"):
        sim.connect(sg, n, syn_spec={"receptor_type": 0})


def test_parameter_errors():
    sim = nj.Simulator(dt=0.1)
    with pytest.raises(BadProperty, match="Reset potential"):
        sim.create(MODEL, 1, {"V_reset": -50.0})
    with pytest.raises(BadProperty, match="Refractory time"):
        sim.create(MODEL, 1, {"t_ref": -1.0})
    with pytest.raises(BadProperty, match=r"Capacitance \(proximal\)"):
        sim.create(MODEL, 1, {"proximal.C_m": 0.0})
    with pytest.raises(BadProperty, match=r"time constants \(distal\)"):
        sim.create(MODEL, 1, {"distal.tau_syn_in": 0.0})


def test_sub_dictionaries_as_nest(nest):
    """NEST's per-compartment sub-dictionaries in create, set (one dict or one per node) and get."""
    create = {"soma": {"C_m": 120.0, "E_L": -68.0}, "distal": {"g_L": 7.5}, "V_th": -54.0}
    per_node = [{"proximal": {"C_m": 80.0}}, {"proximal": {"C_m": 95.0, "I_e": 12.0}}]
    theirs = nest.Create(MODEL, 2, params=create)
    theirs.set(per_node)
    sim = nj.Simulator(dt=0.1)
    ours = sim.create(MODEL, 2, params=create)
    ours.set(per_node)
    for c in COMPARTMENTS:
        t, o = theirs.get(c), ours.get(c)
        assert set(o) == set(t[0] if isinstance(t, (list, tuple)) else t)
        for k in o:
            want = [d[k] for d in t] if isinstance(t, (list, tuple)) else t[k]
            np.testing.assert_array_equal(np.asarray(o[k].mantissa), np.asarray(want, float), f"{c}.{k}")
    np.testing.assert_array_equal(ours.get("V_th").mantissa, theirs.get("V_th"))
