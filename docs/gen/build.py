"""The docs command (``hatch run docs:build``): generate, build strictly, check in Chromium.

1. ``generate.py``: the model directory and the validation status from the registry and the report;
2. the tutorials whose figures are missing (the test run writes them; this covers a docs build
   without a test run before it);
3. ``mkdocs build --strict`` into ``site/``;
4. ``check_site.py``: every built page in headless Chromium, failing on a console error, a page
   error, a resource that fails to load, or a tutorial figure that is missing or does not render.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main() -> int:
    t0 = time.perf_counter()
    sys.path.insert(0, str(HERE))
    import generate
    import snippets

    if generate.main():
        return 1
    for page in snippets.TUTORIALS:
        if not all(f.exists() for f in snippets.figures(page)):
            print(f"running {page.relative_to(ROOT)} for its figures ...", flush=True)
            snippets.run_page(page)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    subprocess.run(cmd, cwd=ROOT, check=True, env=env)
    import check_site

    rc = check_site.main([str(ROOT / "site")])
    print(f"docs build: {'ok' if rc == 0 else 'FAILED'} in {time.perf_counter() - t0:.1f} s")
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
