"""nestjax-devices: NEST's stimulating, recording and relaying devices."""

from nestjax.hookspecs import hookimpl

from .recorders import multimeter, spike_recorder, voltmeter


@hookimpl
def nestjax_models():
    return [spike_recorder, multimeter, voltmeter]
