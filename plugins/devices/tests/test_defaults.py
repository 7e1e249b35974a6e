"""Every model of nestjax-devices has NEST's parameters, with NEST's defaults and recordables.

Compared with ``nest.GetDefaults(model)``: the model's own parameters and visible state (names and
default values) and ``recordables``. Skipped, as NEST bookkeeping rather than model parameters:
"""

import numpy as np
import pytest

import nestjax as nj
from nestjax.testing import fresh_nest

BOOKKEEPING = {
    # every node: identity, threading, memory, model registry
    "available",
    "capacity",
    "element_type",
    "elementsize",
    "frozen",
    "global_id",
    "instantiations",
    "local",
    "model",
    "model_id",
    "node_uses_wfr",
    "thread",
    "thread_local_id",
    "type_id",
    "vp",
    # devices: label, stimulation/recording backends and their buffers
    "label",
    "stimulus_source",
    "record_to",
    "events",
    "n_events",
    # compared separately below
    "recordables",
}
ARCHIVING = {
    # parrot_neuron: ArchivingNode (spike history for plasticity, structural plasticity's calcium),
    # the ignore-and-spike mechanism of all archiving nodes, e-prop's flush events
    "Ca",
    "beta_Ca",
    "tau_Ca",
    "archiver_length",
    "post_trace",
    "synaptic_elements",
    "t_spike",
    "tau_minus",
    "tau_minus_triplet",
    "ignore_and_spike",
    "ignore_and_spike_interval",
    "ignore_and_spike_offset",
    "flush_event_send_interval",
}
__doc__ += "\n".join(f"    {k}" for k in sorted(BOOKKEEPING | ARCHIVING))

DBL_MAX = np.finfo(float).max
MODELS = sorted(name for name, _, _, dist in nj.models() if dist == "nestjax-devices")


def _same(ours, theirs) -> bool:
    if isinstance(theirs, (list, tuple, np.ndarray)):
        return (
            np.asarray(ours, dtype=object).size == 0
            and np.asarray(theirs).size == 0
            or (list(np.asarray(ours).ravel()) == list(np.asarray(theirs).ravel()))
        )
    if isinstance(theirs, float) and theirs == DBL_MAX:  # NEST shows an infinite time as DBL_MAX
        return ours == np.inf
    return (
        ours == theirs
        and type(ours) is type(theirs)
        or (
            isinstance(theirs, (int, float)) and not isinstance(theirs, bool) and float(ours) == float(theirs)
        )
    )


def test_the_devices_plugin_provides_the_models_of_its_issue():
    assert set(MODELS) >= {
        "dc_generator",
        "multimeter",
        "parrot_neuron",
        "poisson_generator",
        "spike_generator",
        "spike_recorder",
        "step_current_generator",
        "voltmeter",
    }


@pytest.mark.parametrize("model", MODELS)
def test_parameters_and_defaults_match_nest(model):
    theirs = fresh_nest(0.1).GetDefaults(model)
    cls = nj.registry().model(model)
    ours = {q.name: q.default for q in (*cls.params, *getattr(cls, "state", ())) if not q.hidden}
    names = set(theirs) - BOOKKEEPING - (ARCHIVING if model == "parrot_neuron" else set())
    assert set(ours) == names, f"missing {sorted(names - set(ours))}, extra {sorted(set(ours) - names)}"
    wrong = {k: (ours[k], theirs[k]) for k in names if not _same(ours[k], theirs[k])}
    assert not wrong, wrong


@pytest.mark.parametrize("model", MODELS)
def test_recordables_match_nest(model):
    theirs = fresh_nest(0.1).GetDefaults(model)
    cls = nj.registry().model(model)
    assert sorted(getattr(cls, "recordables", ())) == sorted(theirs.get("recordables", []))
