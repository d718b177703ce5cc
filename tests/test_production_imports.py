"""Production code carries no test or benchmark machinery: nothing in ``app/`` or
``cnn_core/`` imports ``PySide6.QtTest`` or anything from ``benchmarks/``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6.QtTest", "benchmarks")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


@pytest.mark.parametrize("package", ["app", "cnn_core"])
def test_production_code_imports_no_test_or_benchmark_module(package: str) -> None:
    found = {f"{path.relative_to(ROOT)}: {name}"
             for path in sorted((ROOT / package).rglob("*.py"))
             for name in _imports(path) if _forbidden(name)}
    assert found == set()


def test_the_check_finds_such_an_import() -> None:
    assert _forbidden("PySide6.QtTest") and _forbidden("benchmarks.startup_probe")
    assert not _forbidden("PySide6.QtTestLib") and not _forbidden("app.benchmarks_view")
