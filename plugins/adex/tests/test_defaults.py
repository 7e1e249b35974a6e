"""Parameter and state tables of the aeif models against NEST's ``GetDefaults``; the plugin works
without nestjax-iaf (issue 6, item 3)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import nestjax as nj

MODELS = sorted(name for name, _, _, dist in nj.models() if dist == "nestjax-adex")

SKIP = {
    # ArchivingNode / StructuralPlasticityNode: spike history, calcium, synaptic elements
    "Ca", "beta_Ca", "tau_Ca", "tau_minus", "tau_minus_triplet", "post_trace", "archiver_length",
    "synaptic_elements", "t_spike",
    # ArchivingNode's IgnoreAndSpikeMechanism (NEST 3.10; no aeif model consults it)
    "ignore_and_spike", "ignore_and_spike_interval", "ignore_and_spike_offset",
    # node bookkeeping
    "global_id", "frozen", "model", "model_id", "type_id", "element_type", "elementsize", "thread",
    "thread_local_id", "vp", "local", "instantiations", "available", "capacity", "node_uses_wfr",
    # compared on its own below
    "recordables",
}  # fmt: skip


def _numeric(v):
    return isinstance(v, (bool, int, float, np.bool_, np.integer, np.floating))


def test_every_model_of_the_family():
    assert MODELS == sorted(
        "aeif_cond_alpha aeif_cond_alpha_astro aeif_cond_alpha_multisynapse aeif_cond_beta_multisynapse "
        "aeif_cond_exp aeif_psc_alpha aeif_psc_delta aeif_psc_delta_clopath aeif_psc_exp".split()
    )


@pytest.mark.parametrize("model", MODELS)
def test_tables_match_nest_defaults(nest, model):
    theirs = nest.GetDefaults(model)
    cls = nj.registry().model(model)
    ours = {q.name: q for q in (*cls.params, *cls.state) if not q.hidden}
    nest_keys = {k for k, v in theirs.items() if k not in SKIP and _numeric(v)}
    assert nest_keys, "nothing compared"
    assert nest_keys <= set(ours), f"missing in nestjax: {sorted(nest_keys - set(ours))}"
    for k in nest_keys:
        assert ours[k].default == theirs[k], (k, ours[k].default, theirs[k])
        assert (ours[k].kind is bool) == isinstance(theirs[k], bool), k
    vectors = {k for k, v in theirs.items() if k not in SKIP and isinstance(v, np.ndarray)}  # E_rev, g, ...
    assert vectors <= {k for k, q in ours.items() if q.vector}, sorted(vectors)
    for k in vectors:
        np.testing.assert_array_equal(np.asarray(ours[k].default, float), theirs[k], err_msg=k)
    assert set(ours) <= set(theirs), f"not in NEST: {sorted(set(ours) - set(theirs))}"
    assert set(cls.recordables) == set(theirs["recordables"])


def test_works_with_core_and_devices_only():
    """With entry-point autoload off and only nestjax_adex and nestjax_devices registered, an aeif
    network runs; nestjax_adex imports nothing from nestjax_iaf."""
    code = """
import sys
import nestjax as nj
import nestjax_adex, nestjax_devices
nj.registry().register(nestjax_adex, "adex", "nestjax-adex")
nj.registry().register(nestjax_devices, "devices", "nestjax-devices")
assert not any(m.startswith("nestjax_iaf") for m in sys.modules), sorted(sys.modules)
assert "iaf_psc_alpha" not in [m[0] for m in nj.models()]
sim = nj.Simulator(dt=0.1)
n = sim.create("aeif_cond_alpha", 2, params={"I_e": [700.0, 0.0]})
sr = sim.create("spike_recorder")
sim.connect(n, sr)
sim.connect(sim.create("dc_generator", params={"amplitude": 800.0}), n[1])
assert len(sim.simulate(50.0).events(sr)["times"]) > 2
"""
    env = {**os.environ, "NESTJAX_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
