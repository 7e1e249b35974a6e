"""Run the code of a documentation page: its ```python blocks, in order, in one namespace.

Blocks fenced as ```python are executed; blocks fenced otherwise (```py for NEST code, ```toml,
```text) are shown only. Figures are written relative to the page's ``figures/`` folder, where the
page references them. Used by ``tests/test_tutorials.py`` and ``tests/test_docs.py`` (the test run
produces the figures) and by ``docs/gen/build.py`` (only for figures a test run has not produced).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = sorted((ROOT / "docs" / "tutorials").glob("part*.md"))
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.M | re.S)
IMAGE = re.compile(r"!\[[^\]]*\]\((figures/[^)\s]+)\)")


def code_blocks(page: Path) -> list[str]:
    return FENCE.findall(page.read_text())


def figures(page: Path) -> list[Path]:
    """The figures a page references (``![...](figures/...)``)."""
    return [page.parent / f for f in IMAGE.findall(page.read_text())]


def run_page(page: Path) -> float:
    """Execute a page's code with ``figures/`` next to the page as working directory; seconds taken."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    page = page.resolve()
    out = page.parent / "figures"
    out.mkdir(exist_ok=True)
    cwd, t0 = os.getcwd(), time.perf_counter()
    os.chdir(out)
    try:
        ns: dict = {"__name__": "__docs__"}
        for i, block in enumerate(code_blocks(page)):
            exec(compile(block, f"{page.relative_to(ROOT)} (block {i + 1})", "exec"), ns)
    finally:
        os.chdir(cwd)
        plt.close("all")
    return time.perf_counter() - t0
