"""nestjax-hh: NEST's Hodgkin-Huxley neurons and ht_neuron.

NEST's ``gap_junction`` connections (waveform relaxation, for hh_psc_alpha_gap and
hh_cond_beta_gap_traub) are not implemented yet: those two models run without gap junctions."""

from nestjax.hookspecs import hookimpl

from .hh_cond_beta_gap_traub import hh_cond_beta_gap_traub
from .hh_cond_exp_traub import hh_cond_exp_traub
from .hh_psc_alpha import hh_psc_alpha
from .hh_psc_alpha_clopath import hh_psc_alpha_clopath
from .hh_psc_alpha_gap import hh_psc_alpha_gap
from .ht_neuron import ht_neuron


@hookimpl
def nestjax_models():
    return [
        hh_cond_beta_gap_traub,
        hh_cond_exp_traub,
        hh_psc_alpha,
        hh_psc_alpha_clopath,
        hh_psc_alpha_gap,
        ht_neuron,
    ]
