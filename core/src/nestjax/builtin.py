"""Core's own plugin: ``static_synapse`` and the connection rules, registered through the hooks."""

from __future__ import annotations

import numpy as np

from .hookspecs import hookimpl
from .synapses.static_synapse import static_synapse


@hookimpl
def nestjax_models():
    return [static_synapse]


def all_to_all(pre, post, spec, rng):
    """Every source to every target; targets vary slowest, as NEST's 2-D weight arrays
    ``[target][source]``. ``allow_autapses`` (default True) drops i->i when False."""
    _no_extra(spec, "all_to_all", {"allow_autapses", "allow_multapses"})
    s = np.tile(pre.gids, len(post))
    t = np.repeat(post.gids, len(pre))
    if not spec.get("allow_autapses", True):
        keep = s != t
        s, t = s[keep], t[keep]
    return s, t


def one_to_one(pre, post, spec, rng):
    """Source i to target i; both collections must have the same size."""
    _no_extra(spec, "one_to_one", {"allow_autapses", "allow_multapses"})
    if len(pre) != len(post):
        raise ValueError(
            f"one_to_one needs sources and targets of the same size, got {len(pre)} and {len(post)}"
        )
    s, t = pre.gids.copy(), post.gids.copy()
    if not spec.get("allow_autapses", True):
        keep = s != t
        s, t = s[keep], t[keep]
    return s, t


def _no_extra(spec: dict, rule: str, allowed: set[str]) -> None:
    extra = sorted(set(spec) - allowed)
    if extra:
        raise ValueError(f"conn_spec of rule {rule!r} has no key {', '.join(map(repr, extra))}")


@hookimpl
def nestjax_connection_rules():
    return {"all_to_all": all_to_all, "one_to_one": one_to_one}
