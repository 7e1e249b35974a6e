"""Recording backends against live NEST (category D: identical events and files).

``record_to="ascii"``: the same files, byte for byte, after each ``simulate`` call (NEST opens them
anew in each call), named from data_path, data_prefix, label or model name and node id;
``"screen"``: the same lines; ``"memory"``: ``get("events")``, ``n_events`` and clearing as NEST's,
also when the backend changes between calls; NEST's errors.
"""

import os

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import fresh_nest

MODEL = "spike_recorder"


def _files(path):
    return {f: open(os.path.join(path, f)).read() for f in sorted(os.listdir(path))}


def _network(side, dt, path, rng_seed):
    """Neurons and parrots recorded by every kind of recorder writing to ascii files."""
    rng = np.random.default_rng(rng_seed)
    if side == "nest":
        nest = fresh_nest(dt)
        nest.data_path, nest.data_prefix, nest.overwrite_files = str(path), "run_", True
        create, connect, copy = nest.Create, nest.Connect, nest.CopyModel
    else:
        sim = nj.Simulator(dt=dt)
        sim.data_path, sim.data_prefix, sim.overwrite_files = str(path), "run_", True
        create, connect, copy = sim.create, sim.connect, sim.copy_model
    times = sorted({round(float(t), 9) for t in rng.integers(1, round(18.0 / dt), 12) * dt})
    sg = create("spike_generator", 1, {"spike_times": times})
    p = create("parrot_neuron", 2)
    n = create("iaf_psc_alpha", 6)
    n.set(
        [
            {"I_e": float(x), "tau_syn_ex": float(t)}
            for x, t in zip(rng.uniform(300, 600, 6), rng.uniform(0.5, 3, 6))
        ]
    )
    recs = [
        create("spike_recorder", 1, {"record_to": "ascii"}),
        create(
            "spike_recorder", 1, {"record_to": "ascii", "label": "steps", "time_in_steps": True, "start": 3.0}
        ),
        create("multimeter", 1, {"record_to": "ascii", "record_from": ["V_m", "I_syn_ex"], "interval": 0.5}),
        create("voltmeter", 1, {"time_in_steps": True, "precision": 6, "record_to": "ascii"}),
        create("weight_recorder", 1, {"record_to": "ascii", "precision": 2}),
        create("spike_recorder", 1, {"origin": 2.0, "stop": 12.0}),
    ]
    recs[-1].set(record_to="ascii", label="late")  # enrolled in ascii now: the width of the node count
    copy("spike_recorder", "my_recorder", {"record_to": "ascii", "start": 1.0, "precision": 1})
    recs.append(create("my_recorder"))  # a copied model: its name in the file name
    copy("static_synapse", "wsyn", {"weight_recorder": recs[4], "weight": 350.0})
    connect(sg, p, syn_spec={"delay": 0.5})
    connect(p, n, syn_spec={"synapse_model": "wsyn", "delay": 1.2})
    connect(n[:3], n[3:], syn_spec={"synapse_model": "wsyn", "weight": -120.0})
    connect(p + n, recs[0])
    connect(n, recs[1])
    connect(recs[2], n[::2])
    connect(recs[3], n[1:3])
    connect(p + n[4:], recs[5])
    connect(n[1:4], recs[6])
    return (nest.Simulate if side == "nest" else sim.simulate), recs


@pytest.mark.parametrize("dt,calls", [(0.1, [7.3, 12.7]), (0.01, [10.0, 5.55])])
def test_ascii_files_as_nest(tmp_path, dt, calls):
    runs = {}
    for side in ("nest", "nj"):
        path = tmp_path / side
        path.mkdir()
        simulate, recs = _network(side, dt, path, 5)
        runs[side] = []
        for t in calls:
            simulate(t)
            runs[side].append((_files(path), [os.path.basename(r.get("filenames")[0]) for r in recs]))
    for (theirs, names_nest), (ours, names) in zip(runs["nest"], runs["nj"], strict=True):
        assert names == names_nest
        assert sorted(ours) == sorted(theirs)
        for f in theirs:
            assert ours[f] == theirs[f], f
    assert sum(text.count("\n") for text in theirs.values()) > 100


def test_existing_file_and_file_names_as_nest(tmp_path):
    """Nodes 9-11 created together with record_to ascii: 11 nodes, so 2 digits in each name; a
    second call must not replace a file unless overwrite_files (NEST logs the message and raises an
    IOError without one)."""
    for side in ("nest", "nj"):
        kernel = fresh_nest(0.1) if side == "nest" else nj.Simulator(dt=0.1)
        kernel.data_path, kernel.data_prefix = str(tmp_path), side
        create = kernel.Create if side == "nest" else kernel.create
        simulate = kernel.Simulate if side == "nest" else kernel.simulate
        n = create("iaf_psc_alpha", 8)
        sr = create(MODEL, 3, {"record_to": "ascii"})
        names = [os.path.basename(sr[i].get("filenames")[0]) for i in range(3)]
        assert names == [f"{side}spike_recorder-{i:02d}-0.dat" for i in (9, 10, 11)]
        (kernel.Connect if side == "nest" else kernel.connect)(n, sr)
        simulate(5.0)
        sr[0].set(label="other")  # a new file, but the other two exist
        error, text = (
            (Exception, None) if side == "nest" else (FileExistsError, "already exists and overwriting")
        )
        with pytest.raises(error, match=text):
            simulate(5.0)
    sim = nj.Simulator()
    with pytest.raises(ValueError, match="does not exist"):
        sim.data_path = str(tmp_path / "missing")
    with pytest.raises(ValueError, match="must not contain path elements"):
        sim.data_prefix = "a/b"


def test_screen_lines_as_nest(capfd):
    out = []
    for side in ("nest", "nj"):
        kernel = fresh_nest(0.1) if side == "nest" else nj.Simulator(dt=0.1)
        create = kernel.Create if side == "nest" else kernel.create
        n = create("iaf_psc_alpha", 2, {"I_e": 500.0})
        sr = create(MODEL, 1, {"record_to": "screen", "precision": 4})
        mm = create("multimeter", 1, {"record_to": "screen", "record_from": ["V_m"], "interval": 5.0})
        (kernel.Connect if side == "nest" else kernel.connect)(n, sr)
        (kernel.Connect if side == "nest" else kernel.connect)(mm, n)
        capfd.readouterr()
        (kernel.Simulate if side == "nest" else kernel.simulate)(40.0)
        lines = [x for x in capfd.readouterr().out.splitlines() if x[:1].isdigit()]
        out.append(sorted(lines))
    assert out[0] == out[1] and len(out[0]) > 10


def _memory_session(side):
    """The memory backend over calls, with clearing and a change of backend between calls."""
    kernel = fresh_nest(0.1) if side == "nest" else nj.Simulator(dt=0.1)
    create, connect = (kernel.Create, kernel.Connect) if side == "nest" else (kernel.create, kernel.connect)
    simulate = kernel.Simulate if side == "nest" else kernel.simulate
    n = create("iaf_psc_alpha", 3, {"I_e": 600.0})
    sr = create(MODEL, 1, {"start": 1.0})
    mm = create("multimeter", 1, {"record_from": ["V_m"], "interval": 0.7, "time_in_steps": True})
    connect(n, sr)
    connect(mm, n[1:])
    seen = []

    def look():
        for dev in (sr, mm):
            ev = dev.get("events")
            seen.append(
                {k: np.asarray(getattr(v, "mantissa", v)) for k, v in ev.items()} | {"n": dev.get("n_events")}
            )

    simulate(23.0)
    look()
    sr.set(n_events=0, stop=70.0)
    simulate(11.5)
    look()
    mm.set(n_events=0)
    sr.set(record_to="screen")
    simulate(12.0)
    sr.set(record_to="memory")
    simulate(15.1)
    look()
    errors = []
    for dev, values in (
        (sr, {"n_events": 3}),
        (sr, {"time_in_steps": False}),
        (sr, {"record_to": "nowhere"}),
    ):
        with pytest.raises(Exception) as e:
            dev.set(values)
        errors.append(str(e.value))
    return seen, errors


def test_memory_events_n_events_and_clearing_as_nest(parity):
    theirs, nest_errors = _memory_session("nest")
    ours, errors = _memory_session("nj")
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a.pop("n") == b.pop("n"), i
        if b["senders"].size == 0:
            assert a["senders"].size == 0, i
            continue
        assert sorted(a) == sorted(b), i
        for k in b:
            if k == "V_m":
                parity.samples("multimeter", "V_m of iaf targets", a[k], b[k], "A", "memory backend, calls")
            else:
                np.testing.assert_array_equal(a[k], b[k], err_msg=f"{i}: {k}")
    assert theirs[-2]["times"].size > 2 and theirs[-1]["times"].size > 30
    for ours_msg, nest_msg in zip(errors, nest_errors, strict=True):
        assert ours_msg in nest_msg, (ours_msg, nest_msg)


def test_events_as_dataframes():
    sim = nj.Simulator(dt=0.1)
    n = sim.create("iaf_psc_alpha", 2, I_e=500.0)
    sr, mm = sim.create(MODEL), sim.create("multimeter", record_from=["V_m", "I_syn_ex"], time_in_steps=True)
    sim.connect(n, sr)
    sim.connect(mm, n)
    res = sim.simulate(30.0)
    df = res.events(sr, output="pandas")
    assert list(df.columns) == ["senders", "times"] and len(df) == res.events(sr)["senders"].size > 2
    df = sr.get("events", output="pandas")
    np.testing.assert_array_equal(df["times"], res.events(sr)["times"].mantissa)
    df = res.events(mm, output="pandas")
    assert list(df.columns) == ["senders", "times", "offsets", "V_m", "I_syn_ex"] and len(df) == 60
    assert df["times"].dtype.kind == "i"
