"""nestjax-adex: NEST's adaptive exponential integrate-and-fire (AdEx) neurons."""

from nestjax.hookspecs import hookimpl

from .aeif_cond_alpha import aeif_cond_alpha
from .aeif_cond_alpha_astro import aeif_cond_alpha_astro
from .aeif_cond_alpha_multisynapse import aeif_cond_alpha_multisynapse
from .aeif_cond_beta_multisynapse import aeif_cond_beta_multisynapse
from .aeif_cond_exp import aeif_cond_exp
from .aeif_psc_alpha import aeif_psc_alpha
from .aeif_psc_delta import aeif_psc_delta
from .aeif_psc_delta_clopath import aeif_psc_delta_clopath
from .aeif_psc_exp import aeif_psc_exp


@hookimpl
def nestjax_models():
    return [
        aeif_cond_alpha,
        aeif_cond_alpha_astro,
        aeif_cond_alpha_multisynapse,
        aeif_cond_beta_multisynapse,
        aeif_cond_exp,
        aeif_psc_alpha,
        aeif_psc_delta,
        aeif_psc_delta_clopath,
        aeif_psc_exp,
    ]
