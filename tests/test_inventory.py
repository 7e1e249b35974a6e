"""Every registered model has a docs entry and a parity test (the registry is the inventory)."""

import re
from pathlib import Path

import pytest

import nestjax as nj

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "docs" / "models.md").read_text()
TESTS = "\n".join(
    p.read_text() for p in [*ROOT.glob("plugins/*/tests/test_*.py"), *ROOT.glob("core/tests/test_*.py")]
)


@pytest.mark.parametrize("name", [m[0] for m in nj.models()])
def test_model_has_a_docs_entry(name):
    assert re.search(rf"^### {re.escape(name)}$", DOCS, re.M), f"docs/models.md has no entry for {name}"


@pytest.mark.parametrize("name", [m[0] for m in nj.models() if m[1] != "synapse"])
def test_model_has_a_parity_test(name):
    files = [
        p for p in [*ROOT.glob("plugins/*/tests/test_*.py")]
        if re.search(rf"[\"']{re.escape(name)}[\"']", p.read_text()) and "parity" in p.read_text()
    ]
    assert files, f"no parity test mentions {name}"
