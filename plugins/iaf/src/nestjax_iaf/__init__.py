"""nestjax-iaf: NEST's integrate-and-fire neurons."""

from nestjax.hookspecs import hookimpl

from .iaf_psc_alpha import iaf_psc_alpha


@hookimpl
def nestjax_models():
    return [iaf_psc_alpha]
