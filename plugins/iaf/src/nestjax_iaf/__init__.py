"""nestjax-iaf: NEST's integrate-and-fire neurons."""

from nestjax.hookspecs import hookimpl

from .iaf_psc_alpha import iaf_psc_alpha
from .iaf_psc_delta import iaf_psc_delta
from .iaf_psc_exp import iaf_psc_exp


@hookimpl
def nestjax_models():
    return [iaf_psc_alpha, iaf_psc_delta, iaf_psc_exp]
