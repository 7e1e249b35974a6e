"""Core's own plugin: ``static_synapse`` and NEST's connection rules, registered through the hooks."""

from __future__ import annotations

from .hookspecs import hookimpl
from .network.rules import RULES
from .synapses.static_synapse import static_synapse


@hookimpl
def nestjax_models():
    return [static_synapse]


@hookimpl
def nestjax_connection_rules():
    return dict(RULES)
