"""What the benchmarks share: each case runs in a fresh interpreter of its own (so its peak memory
is its own) and hands back one JSON line."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path


def run_case(script: str, *args) -> dict:
    """``python script --case *args`` in a subprocess; returns the JSON object of its last line."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        [sys.executable, script, "--case", *map(str, args)],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def report_case(result: dict) -> None:
    """Print a case's result with this process's peak memory (MB), for :func:`run_case`."""
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def summarize(title: str, rows: list[dict], out: str) -> None:
    """Print the rows (``neurons``, ``framework``, ``threads``, ``build``, ``first``, ``steady``,
    ``peak_mb``, ``rate``) as a table with nestjax/NEST ratios, and write them to ``out`` (JSON)."""
    import jax

    print(f"{title}; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"jax {jax.__version__} on {jax.default_backend()}")
    heads = ("build s", "first s", "steady s", "peak MB")
    print(f"{'neurons':>8} {'run':>10} " + " ".join(f"{h:>9}" for h in heads) + f" {'rate':>6}")
    for r in rows:
        name = "nestjax" if r["framework"] == "nestjax" else f"NEST {r['threads']}t"
        print(f"{r['neurons']:>8} {name:>10} {r['build']:>9.2f} {r['first']:>9.2f} {r['steady']:>9.2f} "
              f"{r['peak_mb']:>9.0f} {r['rate']:>6.1f}")
    print("\nratios nestjax / NEST (below 1: nestjax is faster or smaller)")
    for n in sorted({r["neurons"] for r in rows}):
        ours = next(r for r in rows if r["neurons"] == n and r["framework"] == "nestjax")
        for r in (r for r in rows if r["neurons"] == n and r["framework"] == "nest"):
            print(f"{n:>8} vs NEST {r['threads']}t: build {ours['build'] / r['build']:.2f}, "
                  f"first {ours['first'] / r['first']:.2f}, steady {ours['steady'] / r['steady']:.2f}, "
                  f"peak memory {ours['peak_mb'] / r['peak_mb']:.2f}")
    Path(out).write_text(json.dumps({"backend": jax.default_backend(), "rows": rows}, indent=2) + "\n")
    print(f"\nwritten: {out}")
