"""Every registered model has a docs entry, a place in the model directory and a parity test (the
registry is the inventory)."""

import re
import sys
from pathlib import Path

import pytest

import nestjax as nj

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "docs" / "models.md").read_text()
TEST_FILES = [
    *ROOT.glob("plugins/*/tests/test_*.py"), *ROOT.glob("core/tests/test_*.py"), *ROOT.glob("tests/test_*.py")
]
sys.path.insert(0, str(ROOT / "docs" / "gen"))
import generate  # noqa: E402  (docs/gen/generate.py: the model directory generator)

MODELS = {m.name: m for m in nj.registry().models()}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_has_a_docs_entry(name):
    assert re.search(rf"^### {re.escape(name)}$", DOCS, re.M), f"docs/models.md has no entry for {name}"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_has_a_parity_test(name):
    files = [
        p for p in TEST_FILES
        if re.search(rf"[\"']{re.escape(name)}[\"']", p.read_text()) and "parity" in p.read_text()
    ]
    assert files, f"no parity test mentions {name}"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_is_in_the_generated_directory(name):
    m = MODELS[name]
    assert m.family in generate.nav_families(), (
        f"mkdocs.yml's nav has no model directory page for family {m.family!r} ({name})"
    )
    page = generate.family_page(m.family, m.distribution, [m], generate.entries(DOCS), {}, "no report")
    assert f"### {name}\n" in page
    assert "No description in docs/models.md" not in page
    assert generate.NEST_DOCS.format(name) in page
    for p in (*m.cls.params, *getattr(m.cls, "state", ())):
        if not p.hidden:
            assert f"| `{p.name}` |" in page, f"parameter {p.name} of {name} missing from its entry"
