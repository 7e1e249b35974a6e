"""nestjax-devices: NEST's stimulating, recording and relaying devices."""

from nestjax.hookspecs import hookimpl

from .dc_generator import dc_generator
from .parrot_neuron import parrot_neuron
from .poisson_generator import poisson_generator
from .recorders import multimeter, spike_recorder, voltmeter
from .spike_generator import spike_generator
from .step_current_generator import step_current_generator


@hookimpl
def nestjax_models():
    return [
        dc_generator,
        multimeter,
        parrot_neuron,
        poisson_generator,
        spike_generator,
        spike_recorder,
        step_current_generator,
        voltmeter,
    ]
