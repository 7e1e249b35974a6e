"""nestjax-devices: NEST's stimulating, recording and relaying devices."""

from nestjax.hookspecs import hookimpl

from .dc_generator import dc_generator
from .recorders import multimeter, spike_recorder, voltmeter
from .spike_generator import spike_generator


@hookimpl
def nestjax_models():
    return [dc_generator, multimeter, spike_generator, spike_recorder, voltmeter]
