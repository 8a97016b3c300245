"""The house's layers: institutions (units, institutions, people) at the bottom,
indicators (plan, figures, submissions) on it, reports (attainment, dashboards,
the annual report) on both, the demo above all. No module imports from a layer
above its own, even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = ["institutions", "indicators", "reports", "demo"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_imports_from_a_layer_above(layer: str) -> None:
    above = set(LAYERS[LAYERS.index(layer) + 1 :])
    root = Path(settings.BASE_DIR) / layer
    wrong = {
        str(path.relative_to(root.parent)): sorted(_imports(path) & above)
        for path in root.rglob("*.py")
        if _imports(path) & above
    }
    assert wrong == {}
