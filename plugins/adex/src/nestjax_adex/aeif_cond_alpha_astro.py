"""``aeif_cond_alpha_astro``: aeif_cond_alpha with a port for slow inward currents (SIC) from
astrocytes.

Follows NEST ``models/aeif_cond_alpha_astro.{h,cpp}``, which is aeif_cond_alpha (see
:mod:`.aeif_cond_alpha`) with ``I_SIC`` added to the membrane current and recorded. NEST's SIC
arrives only as ``SICEvent`` from ``astrocyte_lr_1994`` through ``sic_connection`` (secondary
events, delivered once per min_delay slice); nestjax has neither, so ``I_SIC`` is 0, as in NEST
without such connections (see docs/divergences.md). Spikes and currents on receptor 0 as
aeif_cond_alpha. Parity category B for every recordable.
"""

from __future__ import annotations

import brainunit as u

from nestjax.units import Param

from .aeif_cond_alpha import aeif_cond_alpha


class aeif_cond_alpha_astro(aeif_cond_alpha):
    name = "aeif_cond_alpha_astro"
    state = (*aeif_cond_alpha.state, Param("I_SIC", 0.0, u.pA, hidden=True))
    recordables = ("I_SIC", "V_m", "g_ex", "g_in", "w")

    @classmethod
    def update(cls, p, c, s, x, ctx):
        state, spikes = super().update(p, c, s, x, ctx)
        return {**state, "I_SIC": s["I_SIC"]}, spikes
