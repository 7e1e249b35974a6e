"""``gap_junction``: an electrical synapse between two gap models (NEST ``models/gap_junction.h``).

A connection i -> j adds weight x (V_i - V_j) to j's membrane current; NEST requires it in both
directions with the same weight (``make_symmetric``, or all_to_all within one population). It has
no delay: the kernel's ``wfr_comm_interval`` counts towards min_delay instead, and the coupling
within an update slice is solved by waveform relaxation (:mod:`nestjax.waveform_relaxation`).
"""

from __future__ import annotations

import brainunit as u

from nestjax.model import Synapse
from nestjax.units import Param


class gap_junction(Synapse):
    """Gap-junction conductance ``weight`` (nS) between hh_psc_alpha_gap / hh_cond_beta_gap_traub
    nodes, on receptor 0; giving a delay is an error, as in NEST. Parity category B for the coupled
    membrane potentials (see the tests)."""

    name = "gap_junction"
    gap = True
    params = (Param("weight", 1.0, u.nS), Param("delay", 1.0, u.ms), Param("receptor_type", 0, kind=int))
