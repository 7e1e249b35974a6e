"""Generate the model directory and the validation status pages under ``docs/generated/``.

Sources: the plugin registry (``nestjax.models()``, each class's parameter and state tables,
recordables and receptor ports), the hand-written short description of each model in
``docs/models.md`` (its ``### <model>`` entry) and the validation report ``validation-report.json``
written by the last test run at the repository root. The pages are build outputs (gitignored): they
always show the installed plugins and the last run, so they cannot go stale in the repository.

Run: ``python docs/gen/generate.py`` (``docs/gen/build.py`` calls it before ``mkdocs build``).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
OUT = DOCS / "generated"
REPORT = ROOT / "validation-report.json"
NEST_DOCS = "https://nest-simulator.readthedocs.io/en/stable/models/{}.html"
KIND_TITLES = {"neuron": "Neurons", "stimulator": "Stimulators", "recorder": "Recorders",
               "synapse": "Synapses", "other": "Other nodes"}


def entries(text: str) -> dict[str, str]:
    """The ``### <model>`` entries of docs/models.md: name -> markdown body."""
    out: dict[str, str] = {}
    name, body = None, []
    for line in text.splitlines():
        if line.startswith("#"):
            if name is not None:
                out[name] = "\n".join(body).strip()
            m = re.match(r"^### (\S+)\s*$", line)
            name, body = (m.group(1) if m else None), []
        elif name is not None:
            body.append(line)
    if name is not None:
        out[name] = "\n".join(body).strip()
    return out


def relink(md: str, depth: int) -> str:
    """Make the relative links of a docs/ page valid from a page ``depth`` folders deeper."""
    up = "../" * depth
    return re.sub(r"\]\((?!https?:|#|/)([^)]+)\)", lambda m: f"]({up}{m.group(1)})", md)


def load_report() -> tuple[dict[str, dict], str]:
    if not REPORT.exists():
        return {}, "no validation report found: run `hatch run test:run` first"
    data = json.loads(REPORT.read_text())
    when = datetime.fromtimestamp(REPORT.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return {m["model"]: m["quantities"] for m in data["models"]}, f"report of {when}"


def fmt_default(p) -> str:
    d = p.default
    if isinstance(d, float):
        if math.isinf(d):
            return "inf" if d > 0 else "-inf"
        return f"{d:g}"
    if isinstance(d, (list, tuple)):
        return "[" + ", ".join(fmt_default(type(p)(p.name, x)) for x in d) + "]"
    if isinstance(d, str):
        return f'"{d}"' if d else '""'
    return str(d)


def fmt_unit(p) -> str:
    if p.unit is None:
        return ""
    s = str(p.unit)
    return s.replace("*", "·")


def fmt_err(x: float) -> str:
    return "0" if x == 0 else f"{x:.1e}"


def cell(s: str) -> str:
    return s.replace("|", "\\|")


def param_table(cls) -> list[str]:
    rows = []
    for table, what in ((getattr(cls, "params", ()), "parameter"), (getattr(cls, "state", ()), "state")):
        for p in table:
            if p.hidden:
                continue
            note = what + (", read-only" if p.readonly or p.counts else "")
            if p.vector is True:
                note += ", one entry per receptor port"
            elif p.vector:
                note += f", one entry per entry of `{p.vector}`"
            rows.append(f"| `{p.name}` | `{cell(fmt_default(p))}` | {fmt_unit(p)} | {note} |")
    if not rows:
        return ["No parameters."]
    return ["| name | NEST default | unit | |", "|---|---|---|---|", *rows]


def ports(cls) -> str:
    rt = getattr(cls, "receptor_types", None) or {}
    if rt:
        return ", ".join(f"`{k}` = {v}" for k, v in sorted(rt.items(), key=lambda kv: kv[1]))
    n = getattr(cls, "n_ports", None)
    if n and hasattr(cls, "port_recordable"):
        return f"0 (currents) and 1 .. `{n}` (spikes, one port per entry)"
    if getattr(cls, "kind", "") == "neuron":
        return "0"
    return "—"


def parity_lines(name: str, q: dict | None) -> list[str]:
    if not q:
        return ["*Not measured in the last test run.*"]
    out = ["| quantity | category | worst error | scenarios |", "|---|---|---|---|"]
    for quantity, e in sorted(q.items()):
        err, n = fmt_err(e["worst_error"]), len(e["scenarios"])
        out.append(f"| `{quantity}` | {e['category']} | {err} | {n} |")
    return out


def family_page(family: str, dist: str, infos, desc: dict[str, str], report: dict, note: str) -> str:
    lines = [f"# {family} (`{dist}`)", "",
             f"Models of the distribution `{dist}`, installed from the plugin registry. Parity from the "
             f"{note}; categories are defined in [Validation](../../validation.md).", ""]
    by_kind = defaultdict(list)
    for m in infos:
        by_kind[m.kind].append(m)
    for kind in sorted(by_kind, key=lambda k: list(KIND_TITLES).index(k) if k in KIND_TITLES else 99):
        lines += [f"## {KIND_TITLES.get(kind, kind)}", ""]
        for m in sorted(by_kind[kind], key=lambda m: m.name):
            cls = m.cls
            q = report.get(m.name)
            cats = "".join(sorted({e["category"] for e in q.values()})) if q else "—"
            worst = fmt_err(max(e["worst_error"] for e in q.values())) if q else "—"
            recs = getattr(cls, "recordables", ()) or ()
            lines += [f"### {m.name}", "",
                      relink(desc.get(m.name, "*No description in docs/models.md.*"), 2), "",
                      f"- **provided by** `{m.distribution}` (plugin `{m.family}`), kind `{m.kind}`",
                      f"- **parity category** {cats}; worst measured error {worst}",
                      "- **recordables** " + (", ".join(f"`{r}`" for r in recs) if recs else "—"),
                      f"- **receptor ports** {ports(cls)}",
                      f"- **NEST documentation** [{m.name}]({NEST_DOCS.format(m.name)})", "",
                      '??? note "Parameters and state (NEST defaults)"', ""]
            lines += ["    " + s for s in param_table(cls)]
            lines += ["", '??? note "Parity per recorded quantity"', ""]
            lines += ["    " + s for s in parity_lines(m.name, q)]
            lines.append("")
    return "\n".join(lines) + "\n"


def status_page(families, report: dict, note: str) -> str:
    table = [ln for ln in (DOCS / "validation.md").read_text().splitlines() if ln.startswith("|")]
    lines = ["# Validation status", "",
             f"Generated from `validation-report.json` ({note}). Each model's parity test runs the same "
             "scenarios in NEST 3.10 and in nestjax and records, per quantity, its category and the worst "
             "error measured (absolute, in NEST units; spikes: steps that differ).", "",
             "## Categories", "", *table, "",
             "See [Validation](../validation.md) for how a comparison is made.", ""]
    measured = sum(1 for f in families.values() for m in f[1] if m.name in report)
    total = sum(len(f[1]) for f in families.values())
    lines += [f"**{measured} of {total} installed models** have results in this report.", ""]
    for family, (dist, infos) in families.items():
        lines += [f"## {family} (`{dist}`)", "",
                  "| model | categories | scenarios | worst error | quantities |", "|---|---|---|---|---|"]
        for m in sorted(infos, key=lambda m: m.name):
            q = report.get(m.name)
            link = f"[{m.name}](models/{family}.md#{m.name})"
            if not q:
                lines.append(f"| {link} | — | — | not measured | |")
                continue
            cats = ", ".join(sorted({e["category"] for e in q.values()}))
            scen = len({s for e in q.values() for s in e["scenarios"]})
            worst = fmt_err(max(e["worst_error"] for e in q.values()))
            qs = ", ".join(f"`{k}` {e['category']} {fmt_err(e['worst_error'])}"
                           for k, e in sorted(q.items()))
            lines.append(f"| {link} | {cats} | {scen} | {worst} | {qs} |")
        lines.append("")
        for m in sorted(infos, key=lambda m: m.name):
            q = report.get(m.name)
            if q:
                scen = sorted({s for e in q.values() for s in e["scenarios"]})
                lines += [f'??? info "{m.name}: scenarios"', ""] + [f"    - {cell(s)}" for s in scen] + [""]
    unknown = sorted(set(report) - {m.name for f in families.values() for m in f[1]})
    if unknown:
        lines += ["## In the report but not installed", "", ", ".join(f"`{n}`" for n in unknown), ""]
    return "\n".join(lines) + "\n"


def nav_families() -> set[str]:
    text = (ROOT / "mkdocs.yml").read_text()
    return set(re.findall(r"generated/models/(\w+)\.md", text)) - {"index"}


def main() -> int:
    import nestjax as nj

    desc = entries((DOCS / "models.md").read_text())
    report, note = load_report()
    families: dict[str, tuple[str, list]] = {}
    for m in nj.registry().models():
        families.setdefault(m.family, (m.distribution, []))[1].append(m)
    families = dict(sorted(families.items(), key=lambda kv: (kv[0] != "core", kv[0])))
    missing = sorted(set(families) - nav_families())
    if missing:
        print(f"mkdocs.yml's nav lacks the model directory page of {', '.join(missing)}: add "
              + ", ".join(f"`{f}: generated/models/{f}.md`" for f in missing), file=sys.stderr)
        return 1
    (OUT / "models").mkdir(parents=True, exist_ok=True)
    for family, (dist, infos) in families.items():
        (OUT / "models" / f"{family}.md").write_text(family_page(family, dist, infos, desc, report, note))
    for stale in set(nav_families()) - set(families):  # a family in the nav but not installed
        (OUT / "models" / f"{stale}.md").write_text(
            f"# {stale}\n\nThe family `{stale}` is not installed in this environment.\n")
    n = sum(len(i) for _, i in families.values())
    idx = ["# Model directory", "",
           f"{n} models installed, by family: generated from the plugin registry (`nestjax.models()`) "
           "with the description of each model, its parameters with NEST's defaults and units, "
           "recordables, receptor ports, the plugin that provides it and its parity category with the worst "
           f"error of the last test run ({note}). The physiology is on NEST's model pages, linked "
           "from each entry.", "",
           "| family | distribution | models |", "|---|---|---|"]
    for family, (dist, infos) in families.items():
        names = ", ".join(f"[{m.name}]({family}.md#{m.name})" for m in sorted(infos, key=lambda m: m.name))
        idx.append(f"| [{family}]({family}.md) | `{dist}` | {names} |")
    (OUT / "models" / "index.md").write_text("\n".join(idx) + "\n")
    (OUT / "validation-status.md").write_text(status_page(families, report, note))
    print(f"generated the model directory ({n} models, {len(families)} families) and the validation "
          f"status ({note})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
