"""Which distribution provides which NEST 3.10 model, for the error a missing model gives."""

from __future__ import annotations

_FAMILIES = {
    "nestjax-iaf": (
        "iaf_psc_alpha iaf_psc_delta iaf_psc_exp iaf_psc_alpha_multisynapse iaf_psc_exp_multisynapse "
        "iaf_psc_exp_htum iaf_tum_2000 iaf_cond_alpha iaf_cond_beta iaf_cond_exp iaf_cond_exp_sfa_rr "
        "iaf_cond_alpha_mc iaf_chs_2007 iaf_chxk_2008 iaf_bw_2001 iaf_bw_2001_exact ignore_and_fire"
    ),
    "nestjax-adex": (
        "aeif_cond_alpha aeif_cond_alpha_astro aeif_cond_alpha_multisynapse aeif_cond_beta_multisynapse "
        "aeif_cond_exp aeif_psc_alpha aeif_psc_delta aeif_psc_delta_clopath aeif_psc_exp"
    ),
    "nestjax-hh": (
        "hh_cond_beta_gap_traub hh_cond_exp_traub hh_psc_alpha hh_psc_alpha_clopath hh_psc_alpha_gap "
        "ht_neuron gap_junction"
    ),
    "nestjax-devices": (
        "ac_generator dc_generator step_current_generator noise_generator poisson_generator "
        "inhomogeneous_poisson_generator sinusoidal_poisson_generator sinusoidal_gamma_generator "
        "gamma_sup_generator ppd_sup_generator mip_generator pulsepacket_generator spike_generator "
        "step_rate_generator spike_train_injector spike_dilutor spike_recorder multimeter voltmeter "
        "weight_recorder correlation_detector correlomatrix_detector correlospinmatrix_detector "
        "spin_detector volume_transmitter parrot_neuron"
    ),
}

PROVIDER = {name: dist for dist, names in _FAMILIES.items() for name in names.split()}
