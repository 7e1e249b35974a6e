"""nestjax-iaf: NEST's integrate-and-fire neurons."""

from nestjax.hookspecs import hookimpl

from .iaf_bw_2001 import iaf_bw_2001
from .iaf_bw_2001_exact import iaf_bw_2001_exact
from .iaf_chs_2007 import iaf_chs_2007
from .iaf_chxk_2008 import iaf_chxk_2008
from .iaf_cond_alpha import iaf_cond_alpha
from .iaf_cond_alpha_mc import iaf_cond_alpha_mc
from .iaf_cond_beta import iaf_cond_beta
from .iaf_cond_exp import iaf_cond_exp
from .iaf_cond_exp_sfa_rr import iaf_cond_exp_sfa_rr
from .iaf_psc_alpha import iaf_psc_alpha
from .iaf_psc_alpha_multisynapse import iaf_psc_alpha_multisynapse
from .iaf_psc_delta import iaf_psc_delta
from .iaf_psc_exp import iaf_psc_exp
from .iaf_psc_exp_htum import iaf_psc_exp_htum
from .iaf_psc_exp_multisynapse import iaf_psc_exp_multisynapse
from .iaf_tum_2000 import iaf_tum_2000
from .ignore_and_fire import ignore_and_fire


@hookimpl
def nestjax_models():
    return [
        iaf_bw_2001,
        iaf_bw_2001_exact,
        iaf_chs_2007,
        iaf_chxk_2008,
        iaf_cond_alpha,
        iaf_cond_alpha_mc,
        iaf_cond_beta,
        iaf_cond_exp,
        iaf_cond_exp_sfa_rr,
        iaf_psc_alpha,
        iaf_psc_alpha_multisynapse,
        iaf_psc_delta,
        iaf_psc_exp,
        iaf_psc_exp_multisynapse,
        iaf_psc_exp_htum,
        iaf_tum_2000,
        ignore_and_fire,
    ]
