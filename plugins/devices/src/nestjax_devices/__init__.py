"""nestjax-devices: NEST's stimulating, recording and relaying devices."""

from nestjax.hookspecs import hookimpl

from .ac_generator import ac_generator
from .correlation_detector import correlation_detector
from .correlomatrix_detector import correlomatrix_detector
from .correlospinmatrix_detector import correlospinmatrix_detector
from .dc_generator import dc_generator
from .gamma_sup_generator import gamma_sup_generator
from .inhomogeneous_poisson_generator import inhomogeneous_poisson_generator
from .mip_generator import mip_generator
from .noise_generator import noise_generator
from .parrot_neuron import parrot_neuron
from .poisson_generator import poisson_generator
from .ppd_sup_generator import ppd_sup_generator
from .pulsepacket_generator import pulsepacket_generator
from .recorders import multimeter, spike_recorder, voltmeter
from .sinusoidal_gamma_generator import sinusoidal_gamma_generator
from .sinusoidal_poisson_generator import sinusoidal_poisson_generator
from .spike_dilutor import spike_dilutor
from .spike_generator import spike_generator
from .spike_train_injector import spike_train_injector
from .spin_detector import spin_detector
from .step_current_generator import step_current_generator
from .step_rate_generator import step_rate_generator
from .volume_transmitter import volume_transmitter
from .weight_recorder import weight_recorder


@hookimpl
def nestjax_models():
    return [
        ac_generator,
        correlation_detector,
        correlomatrix_detector,
        correlospinmatrix_detector,
        dc_generator,
        gamma_sup_generator,
        inhomogeneous_poisson_generator,
        mip_generator,
        multimeter,
        noise_generator,
        parrot_neuron,
        poisson_generator,
        pulsepacket_generator,
        ppd_sup_generator,
        sinusoidal_gamma_generator,
        sinusoidal_poisson_generator,
        spike_dilutor,
        spike_generator,
        spike_recorder,
        spike_train_injector,
        spin_detector,
        step_current_generator,
        step_rate_generator,
        voltmeter,
        volume_transmitter,
        weight_recorder,
    ]
