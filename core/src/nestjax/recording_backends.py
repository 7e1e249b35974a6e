"""Where a recorder's events go: NEST's recording backends ``memory``, ``ascii`` and ``screen``
(``nestkernel/recording_backend_{memory,ascii,screen}.cpp``, ``nestkernel/recording_device.cpp``).

Each recorder has a :class:`Backend`: its ``label``, ``record_to``, the backend's own properties
(``precision``, ``file_extension``), the count ``n_events`` of events written so far, and, for
``memory``, the events since the last clearing (``n_events = 0``). Events reach the backend as
:class:`Block` objects in NEST's order; an ASCII file is opened anew by every ``simulate`` call, as
NEST's ``Simulate`` opens it in ``Prepare``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np

from .model import BadProperty

BACKENDS = ("memory", "ascii", "screen")
BACKEND_STATUS = {"ascii": ("precision", "file_extension"), "screen": ("precision",), "memory": ()}
STATUS = ("label", "record_to", "n_events", "precision", "file_extension")
"""What a recorder's backend keeps, set and read like parameters (``filenames`` and ``events`` are
read only)."""
ASCII_VERSION = 2  # RecordingBackendASCII::ASCII_REC_BACKEND_VERSION
NEST_VERSION = "3.10.0"  # the header of the ascii files names the NEST whose layout they follow


@dataclass
class Block:
    """Events of one recorder in NEST's order: ``columns`` maps each key of NEST's events dict to
    one value per event, in the order of the ASCII file's columns (``senders``, ``times`` [,
    ``offsets``], the double values, the integer values)."""

    columns: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return int(self.columns["senders"].size)


def file_columns(keys: list[str], time_in_steps: bool) -> list[str]:
    """The header line's column names: ``sender``, the time columns, then the value names."""
    time = ["time_step", "time_offset"] if time_in_steps else ["time_ms"]
    rest = [k for k in keys if k not in ("senders", "times", "offsets")]
    return ["sender", *time, *rest]


def format_rows(columns: dict[str, np.ndarray], precision: int) -> list[str]:
    """Lines as NEST writes them: integers as integers, doubles fixed with ``precision`` digits
    (the stream is set to ``std::fixed`` and ``setprecision``), separated by tabs."""
    parts = []
    for v in columns.values():
        v = np.asarray(v)
        if v.dtype.kind in "iub":
            parts.append(v.astype(np.int64).astype(str))
        else:
            parts.append(np.char.mod(f"%.{precision}f", v.astype(float)))
    out = parts[0]
    for p in parts[1:]:
        out = np.char.add(np.char.add(out, "\t"), p)
    return out.tolist()


@dataclass
class Backend:
    """One recorder's backend properties, event count and stored events."""

    model: str
    gid: int
    label: str = ""
    record_to: str = "memory"
    precision: int = 3
    file_extension: str = "dat"
    n_events: int = 0
    width: int = 1
    """Digits of the node id in the file name: those of the number of nodes when the recorder
    entered the ascii backend (``compute_vp_node_id_string_``)."""
    stored: list[Block] = field(default_factory=list)

    def names(self) -> tuple[str, ...]:
        """The status names this recorder shows, as NEST's GetStatus for its backend."""
        extra = {"memory": ("events",), "ascii": ("filenames", "file_extension", "precision")}
        return ("label", "record_to", "n_events", *extra.get(self.record_to, ("precision",)))

    @staticmethod
    def check(values: dict, record_to: str) -> None:
        """NEST's checks of backend properties (for the backend the recorder will have)."""
        if "record_to" in values and values["record_to"] not in BACKENDS:
            raise BadProperty(f"Unknown recording backend '{values['record_to']}'")
        if "label" in values and not isinstance(values["label"], str):
            raise BadProperty(f"label must be a string, got {values['label']!r}")
        if "n_events" in values and (isinstance(values["n_events"], bool) or values["n_events"] != 0):
            raise BadProperty("Property n_events can only be set to 0 (which clears all stored events).")
        for name in ("precision", "file_extension"):
            if name in values and name not in BACKEND_STATUS[record_to]:
                raise BadProperty(
                    f"{name} is a property of the recording backends "
                    f"{', '.join(b for b, k in BACKEND_STATUS.items() if name in k)}, "
                    f"not of record_to={record_to!r}"
                )
        if "precision" in values:
            p = values["precision"]
            if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 0:
                raise BadProperty(f"precision must be a non-negative integer, got {p!r}")
        if "file_extension" in values and not isinstance(values["file_extension"], str):
            raise BadProperty(f"file_extension must be a string, got {values['file_extension']!r}")

    def set(self, values: dict, n_nodes: int) -> None:
        """Apply checked values. Another backend starts afresh (NEST disenrolls the recorder from
        the others): the memory backend's events are dropped, precision and file extension are the
        defaults; entering the ascii backend fixes the file name's width."""
        if values.get("record_to", self.record_to) != self.record_to:
            self.stored, self.precision, self.file_extension = [], 3, "dat"
            if values["record_to"] == "ascii":
                self.width = digits(n_nodes)
        for name in ("label", "record_to", "precision", "file_extension"):
            if name in values:
                setattr(self, name, int(values[name]) if name == "precision" else values[name])
        if "n_events" in values:
            self.clear()

    def clear(self) -> None:
        self.n_events = 0
        self.stored = []

    def get(self, name: str, sim):
        if name not in self.names():
            raise ValueError(
                f"{self.model} with record_to={self.record_to!r} has no property {name!r}; "
                f"its backend's properties: {', '.join(self.names())}"
            )
        if name == "filenames":
            return [self.filename(sim)]
        return getattr(self, name)

    # ------------------------------------------------------------------ files
    def filename(self, sim) -> str:
        """``data_path/`` + ``data_prefix`` + (label or model name) + ``-<node id>-<vp>.<ext>``."""
        path = sim.data_path
        if path and not path.endswith("/"):
            path += "/"
        name = f"{self.label or self.model}-{self.gid:0{self.width}d}-0.{self.file_extension}"
        return f"{path}{sim.data_prefix}{name}"

    def prepare(self, sim, keys: list[str], time_in_steps: bool) -> None:
        """Open the file for a ``simulate`` call (NEST's ``Prepare``): an existing file is an error
        unless ``overwrite_files``; write the header."""
        if self.record_to != "ascii":
            return
        with open(self.filename(sim), "w") as f:
            f.write(f"# NEST version: {NEST_VERSION}\n# RecordingBackendASCII version: {ASCII_VERSION}\n")
            f.write("\t".join(file_columns(keys, time_in_steps)) + "\n")

    def check_file(self, sim) -> None:
        if self.record_to != "ascii":
            return
        name = self.filename(sim)
        if os.path.exists(name) and not sim.overwrite_files:
            raise FileExistsError(
                f"The file '{name}' already exists and overwriting files is disabled. To overwrite "
                "files, set the Simulator's overwrite_files to True. To change the name or location "
                "of the file, change the Simulator's data_path or data_prefix, or the recorder's label."
            )

    def write(self, block: Block, sim) -> None:
        """Hand delivered events to the backend (NEST's ``RecordingDevice::write``)."""
        if block.n == 0:
            return
        self.n_events += block.n
        if self.record_to == "memory":
            self.stored.append(block)
            return
        lines = format_rows(block.columns, self.precision)
        if self.record_to == "ascii":
            with open(self.filename(sim), "a") as f:
                f.write("\n".join(lines) + "\n")
        else:
            print("\n".join(lines))

    def events(self, keys: dict[str, type]) -> dict[str, np.ndarray]:
        """The stored events as one dict of NEST's keys (``keys``: name -> dtype)."""
        if self.record_to != "memory":
            raise ValueError(
                f"{self.model} {self.gid} records to {self.record_to!r}: its events are not kept in memory"
            )
        return {
            k: np.concatenate([b.columns[k] for b in self.stored]) if self.stored else np.zeros(0, t)
            for k, t in keys.items()
        }


def digits(n: int) -> int:
    """Decimal digits of a positive integer (``floor(log10(n)) + 1``)."""
    return int(math.floor(math.log10(max(n, 1)))) + 1
