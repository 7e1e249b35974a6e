"""Live NEST for parity tests: a kernel reset for each scenario."""

from __future__ import annotations

import contextlib
import io
import os
import warnings


def _import_nest():
    os.environ.setdefault("PYNEST_QUIET", "1")
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nest
    return nest


def fresh_nest(dt: float = 0.1, threads: int = 1):
    """NEST 3.10 with a reset kernel at resolution ``dt`` (ms) and errors-only verbosity."""
    nest = _import_nest()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": dt, "local_num_threads": threads})
    return nest
