"""nestjax-hh: NEST's Hodgkin-Huxley neurons, ht_neuron, and the gap junctions that join
hh_psc_alpha_gap and hh_cond_beta_gap_traub (solved by NEST's waveform relaxation)."""

from nestjax.hookspecs import hookimpl

from .gap_junction import gap_junction
from .hh_cond_beta_gap_traub import hh_cond_beta_gap_traub
from .hh_cond_exp_traub import hh_cond_exp_traub
from .hh_psc_alpha import hh_psc_alpha
from .hh_psc_alpha_clopath import hh_psc_alpha_clopath
from .hh_psc_alpha_gap import hh_psc_alpha_gap
from .ht_neuron import ht_neuron


@hookimpl
def nestjax_models():
    return [
        gap_junction,
        hh_cond_beta_gap_traub,
        hh_cond_exp_traub,
        hh_psc_alpha,
        hh_psc_alpha_clopath,
        hh_psc_alpha_gap,
        ht_neuron,
    ]
