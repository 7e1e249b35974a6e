"""The documentation site: the guides' code runs (the plugin guide's third-party plugin included),
the model directory and the validation status reflect the registry and the report, and every page
is in the nav."""

import json
import re
import sys
from pathlib import Path

import pytest

import nestjax as nj

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "gen"))
import generate  # noqa: E402
import snippets  # noqa: E402

GUIDES = sorted((ROOT / "docs" / "guides").glob("*.md"))


@pytest.mark.parametrize("page", GUIDES, ids=[p.stem for p in GUIDES])
def test_guide_code_runs(page):
    snippets.run_page(page)


def test_plugin_guide_registers_and_removes_its_plugin():
    page = ROOT / "docs" / "guides" / "plugins.md"
    assert "counting_neuron" in "".join(snippets.code_blocks(page))
    snippets.run_page(page)
    assert "counting_neuron" not in {m[0] for m in nj.models()}


def test_every_page_is_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text()
    docs = ROOT / "docs"
    pages = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
    skip = ("gen/", "generated/", "tutorials/figures/")
    for rel in pages:
        if rel == "models.md" or rel.startswith(skip):
            continue
        assert re.search(rf"\b{re.escape(rel)}\b", nav), f"{rel} is not in mkdocs.yml's nav"


def test_generated_directory_and_status_reflect_registry_and_report(tmp_path, monkeypatch):
    report = {"models": [{"model": "iaf_psc_alpha", "quantities": {
        "V_m": {"category": "A", "scenarios": ["s1", "s2"], "worst_error": 3.5e-12},
        "spikes": {"category": "A", "scenarios": ["s1"], "worst_error": 0.0}}}]}
    (tmp_path / "validation-report.json").write_text(json.dumps(report))
    monkeypatch.setattr(generate, "REPORT", tmp_path / "validation-report.json")
    monkeypatch.setattr(generate, "OUT", tmp_path / "generated")
    assert generate.main() == 0
    out = tmp_path / "generated"
    for name, _, family, _ in nj.models():
        page = (out / "models" / f"{family}.md").read_text()
        assert f"### {name}\n" in page
        assert generate.NEST_DOCS.format(name) in page
    iaf = (out / "models" / "iaf.md").read_text()
    entry = iaf.split("### iaf_psc_alpha\n")[1].split("\n### ")[0]
    assert "parity category** A; worst measured error 3.5e-12" in entry
    assert "| `tau_syn_ex` | `2` | ms |" in entry
    status = (out / "validation-status.md").read_text()
    assert "| [iaf_psc_alpha](models/iaf.md#iaf_psc_alpha) | A | 2 | 3.5e-12 |" in status
    assert "| B | adaptive ODE" in status          # the categories' definition, from validation.md
    assert "1 of" in status


def test_relative_links_of_model_entries_are_rewritten():
    assert generate.relink("see [d](divergences.md) and [n](https://x.org/a.md)", 2) == (
        "see [d](../../divergences.md) and [n](https://x.org/a.md)")
