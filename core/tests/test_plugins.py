"""The plugin system: entry points, registry, errors, and a third-party plugin."""

import os
import subprocess
import sys
import types

import brainunit as u
import jax.numpy as jnp
import numpy as np
import pytest

import nestjax as nj
from nestjax.hookspecs import hookimpl
from nestjax.model import SPIKE, Node
from nestjax.units import Param


class counting_neuron(Node):
    """A third party's neuron: integrates I_e, spikes and resets at threshold; spikes add to V."""

    name = "counting_neuron"
    params = (Param("I_e", 0.0, u.pA), Param("V_th", 1.0, u.mV))
    state = (Param("V_m", 0.0, u.mV),)
    recordables = ("V_m",)
    channels = ("spikes",)

    @classmethod
    def route(cls, event, receptor, weight):
        cls.check_receptors(receptor, [0])
        if event != SPIKE:
            return super().route(event, receptor, weight)
        return np.zeros(weight.shape, int), weight

    @staticmethod
    def update(p, c, s, x, ctx):
        v = s["V_m"] + p["I_e"] * ctx.dt + x["spikes"]
        spike = v >= p["V_th"]
        return {"V_m": jnp.where(spike, 0.0, v)}, spike.astype(float)


def _plugin(*models):
    mod = types.SimpleNamespace()
    mod.nestjax_models = hookimpl(lambda: list(models))
    return mod


@pytest.fixture
def third_party():
    reg = nj.registry()
    reg.register(_plugin(counting_neuron), name="thirdparty", distribution="nestjax-thirdparty")
    yield reg
    reg.unregister("thirdparty")


def test_inventory_lists_installed_models_with_family_and_distribution():
    inv = {name: (kind, family, dist) for name, kind, family, dist in nj.models()}
    assert inv["static_synapse"] == ("synapse", "core", "nestjax")
    assert inv["iaf_psc_alpha"] == ("neuron", "iaf", "nestjax-iaf")
    assert inv["spike_recorder"] == ("recorder", "devices", "nestjax-devices")


def test_third_party_neuron_runs_through_the_simulator_without_core_changes(third_party):
    assert ("counting_neuron", "neuron", "thirdparty", "nestjax-thirdparty") in nj.models()
    sim = nj.Simulator(dt=0.1)
    a = sim.create("counting_neuron", 2, I_e=[1.25, 2.5])
    b = sim.create(nj.counting_neuron, 1)
    sr = sim.create("spike_recorder")
    sim.connect(a, b, syn_spec={"weight": 0.5, "delay": 1.0})
    sim.connect(a + b, sr)
    ev = sim.simulate(10.0).events(sr)
    # neuron 1 fires every 8 steps (0.8 ms), neuron 2 every 4 steps (0.4 ms)
    t1 = ev["times"][ev["senders"] == 1].to_decimal(u.ms)
    t2 = ev["times"][ev["senders"] == 2].to_decimal(u.ms)
    np.testing.assert_allclose(t1, np.arange(1, 13) * 0.8, atol=1e-9)
    np.testing.assert_allclose(t2, np.arange(1, 26) * 0.4, atol=1e-9)
    # b receives 0.5 mV per spike one delay later and fires on every second arrival
    assert (ev["senders"] == 3).sum() > 0


def test_duplicate_model_names_an_error_naming_both_distributions():
    reg = nj.registry()
    clash = type("clash", (counting_neuron,), {"name": "iaf_psc_alpha"})
    with pytest.raises(ValueError, match="nestjax-iaf.*nestjax-other"):
        reg.register(_plugin(clash), name="other", distribution="nestjax-other")
    assert nj.registry().model("iaf_psc_alpha").__module__.startswith("nestjax_iaf")


def test_unknown_model_suggests_close_names():
    with pytest.raises(nj.UnknownModel, match="iaf_psc_alpha"):
        nj.Simulator().create("iaf_psc_alpah")
    with pytest.raises(AttributeError):
        nj.no_such_model_at_all  # noqa: B018


def test_model_not_installed_names_its_distribution():
    """Without its plugin loaded, a model's error names the distribution that provides it."""
    code = (
        "import nestjax as nj\n"
        "try:\n    nj.Simulator().create('aeif_cond_alpha')\nexcept nj.UnknownModel as e:\n    print(e)\n"
    )
    env = {**os.environ, "NESTJAX_DISABLE_PLUGIN_AUTOLOAD": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "pip install nestjax-adex" in out.stdout


def test_autoload_can_be_disabled_by_environment_variable():
    code = (
        "import nestjax as nj\n"
        "print(sorted(m[0] for m in nj.models()))\n"
        "try:\n    nj.iaf_psc_alpha\nexcept nj.UnknownModel as e:\n    print(e)\n"
    )
    env = {**os.environ, "NESTJAX_DISABLE_PLUGIN_AUTOLOAD": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "['static_synapse']"
    assert "pip install nestjax-iaf" in lines[1]
