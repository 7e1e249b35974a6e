"""What one ``simulate`` call recorded: traces of samplers and the events of every recorder."""

from __future__ import annotations

import brainunit as u
import numpy as np


def with_units(columns: dict, units: dict) -> dict:
    """NEST's events dictionary with units attached: times in ms (unless ``time_in_steps``),
    recorded values in their NEST units."""
    return {k: u.Quantity(v, unit=units[k]) if k in units else v for k, v in columns.items()}


def events_frame(columns: dict):
    """NEST's events as a pandas DataFrame: one row per event, NEST's keys as columns, numbers in
    NEST's units."""
    import pandas as pd

    return pd.DataFrame({k: np.asarray(getattr(v, "mantissa", v)) for k, v in columns.items()})


class Result:
    """Recordings of one ``simulate`` call, looked up by recorder NodeView.

    ``events`` holds, per recorder, this call's events in NEST's layout (numbers in NEST's units,
    ordered by time); ``units`` the unit of each key that has one; ``samples`` the sample times,
    recordables and (samples, targets) arrays of multimeters and voltmeters."""

    def __init__(self, sim, events: dict, units: dict, samples: dict):
        self._sim, self._ms = sim, sim.tb.ms_of
        self._events, self._units, self._samples = events, units, samples

    def _gid(self, dev, kind: str | None = None) -> int:
        if len(dev) != 1:
            raise ValueError("give a single recorder")
        gid = int(dev.gids[0])
        store = self._events if kind is None else self._samples
        if gid not in store:
            model = self._sim._pop_of(gid).model.name
            raise ValueError(f"node {gid} ({model}) does not record {kind or 'events'}")
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

    def events(self, dev, output: str | None = None):
        """NEST's events dictionary of a recorder for this call (ordered by time, then sender or
        target); ``output="pandas"``: a DataFrame with one row per event and NEST's keys as
        columns, in NEST's units."""
        if output not in (None, "", "pandas"):
            raise ValueError(f"output must be None or 'pandas', got {output!r}")
        gid = self._gid(dev)
        if output == "pandas":
            return events_frame(self._events[gid])
        return with_units(self._events[gid], self._units[gid])
