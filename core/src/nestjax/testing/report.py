"""The validation report: per model, category, scenarios and worst measured error."""

from __future__ import annotations

import json
from pathlib import Path


class ValidationReport:
    """Collects what parity tests measured; written as JSON at the end of the test run."""

    def __init__(self):
        self.entries: dict[tuple[str, str], dict] = {}

    def add(self, model: str, quantity: str, category: str, scenario: str, error: float) -> None:
        e = self.entries.setdefault(
            (model, quantity),
            {"model": model, "quantity": quantity, "category": category, "scenarios": [], "worst_error": 0.0},
        )
        if e["category"] != category:
            raise ValueError(f"{model}.{quantity} is declared category {e['category']}, now {category}")
        if scenario not in e["scenarios"]:
            e["scenarios"].append(scenario)
        e["worst_error"] = max(e["worst_error"], float(error))

    def write(self, path: Path) -> None:
        models: dict[str, dict] = {}
        for (model, quantity), e in sorted(self.entries.items()):
            m = models.setdefault(model, {"model": model, "quantities": {}})
            m["quantities"][quantity] = {k: e[k] for k in ("category", "scenarios", "worst_error")}
        path.write_text(json.dumps({"models": list(models.values())}, indent=2) + "\n")
