"""nestjax-iaf: NEST's integrate-and-fire neurons."""

from nestjax.hookspecs import hookimpl

from .iaf_chxk_2008 import iaf_chxk_2008
from .iaf_cond_alpha import iaf_cond_alpha
from .iaf_cond_beta import iaf_cond_beta
from .iaf_cond_exp import iaf_cond_exp
from .iaf_cond_exp_sfa_rr import iaf_cond_exp_sfa_rr
from .iaf_psc_alpha import iaf_psc_alpha
from .iaf_psc_delta import iaf_psc_delta
from .iaf_psc_exp import iaf_psc_exp
from .iaf_psc_exp_htum import iaf_psc_exp_htum
from .ignore_and_fire import ignore_and_fire


@hookimpl
def nestjax_models():
    return [
        iaf_chxk_2008,
        iaf_cond_alpha,
        iaf_cond_beta,
        iaf_cond_exp,
        iaf_cond_exp_sfa_rr,
        iaf_psc_alpha,
        iaf_psc_delta,
        iaf_psc_exp,
        iaf_psc_exp_htum,
        ignore_and_fire,
    ]
