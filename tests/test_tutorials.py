"""The tutorials (docs/tutorials/part*.md) are programs: run each page's code and check that it writes
every figure the page shows, into docs/tutorials/figures/ where the page references them."""

import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "gen"))
import snippets  # noqa: E402  (docs/gen/snippets.py)

PAGES = snippets.TUTORIALS


def test_four_tutorials_each_with_code_and_figures():
    assert [p.stem.split("-")[0] for p in PAGES] == ["part1", "part2", "part3", "part4"]
    for page in PAGES:
        assert snippets.code_blocks(page), page.name
        assert snippets.figures(page), page.name


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_tutorial_runs_and_writes_its_figures(page):
    started = time.time()
    seconds = snippets.run_page(page)
    for fig in snippets.figures(page):
        assert fig.exists(), f"{page.name} did not write {fig.name}"
        assert fig.stat().st_mtime >= started - 1, f"{fig.name} was not written by this run"
        assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"{page.name}: {seconds:.1f} s")
