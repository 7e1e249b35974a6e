"""The hooks a nestjax plugin implements (entry-point group ``nestjax``)."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("nestjax")
hookimpl = pluggy.HookimplMarker("nestjax")


@hookspec
def nestjax_models() -> list:
    """Model classes (subclasses of :class:`nestjax.model.Model`) this plugin provides."""


@hookspec
def nestjax_connection_rules() -> dict:
    """Connection rules by NEST name: ``rule(pre, post, spec, rng) -> (sources, targets)``.

    ``pre`` and ``post`` are whole NodeViews, ``spec`` the conn_spec without ``rule``, ``rng`` a
    NumPy generator seeded from the Simulator; the rule returns arrays of node ids and raises
    ``ValueError`` for a spec it cannot satisfy.
    """
