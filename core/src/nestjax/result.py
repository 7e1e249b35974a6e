"""What one ``simulate`` call recorded: traces of samplers and events of spike recorders."""

from __future__ import annotations

import brainunit as u
import numpy as np


class Result:
    """Recordings of one ``simulate`` call, looked up by recorder NodeView."""

    def __init__(self, sim, spikes: dict, samples: dict):
        self._sim, self._ms = sim, sim.tb.ms_of
        self._spikes, self._samples = spikes, samples

    def _gid(self, dev, kind: str) -> int:
        if len(dev) != 1:
            raise ValueError("give a single recorder")
        gid = int(dev.gids[0])
        store = self._spikes if kind == "spikes" else self._samples
        if gid not in store:
            model = self._sim._pop_of(gid).model.name
            raise ValueError(f"node {gid} ({model}) does not record {kind}")
        return gid

    def times(self, dev):
        """Sample times of a multimeter or voltmeter, absolute simulation time in ms."""
        steps, _, _ = self._samples[self._gid(dev, "samples")]
        return u.Quantity(self._ms(steps), unit=u.ms)

    def trace(self, dev, name: str):
        """One recordable as (samples, targets), with its unit."""
        _, names, values = self._samples[self._gid(dev, "samples")]
        if name not in names:
            raise ValueError(f"this recorder records {sorted(names)}, not {name!r}")
        arr, unit = values[name]
        return u.Quantity(arr, unit=unit) if unit is not None else arr

    def events(self, dev) -> dict:
        """NEST's events dictionary of a recorder for this call."""
        gid = self._gid(dev, "spikes" if int(dev.gids[0]) in self._spikes else "samples")
        if gid in self._spikes:
            return dict(self._spikes[gid])
        steps, names, values = self._samples[gid]
        targets = self._sim._rec.observed[gid]
        ev = {
            "senders": np.tile(targets, len(steps)),
            "times": u.Quantity(np.repeat(self._ms(steps), len(targets)), unit=u.ms),
        }
        for name in names:
            arr, unit = values[name]
            flat = arr.reshape(-1)
            ev[name] = u.Quantity(flat, unit=unit) if unit is not None else flat
        return ev
