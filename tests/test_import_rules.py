"""Who may import whom: no import cycles inside cnn_core, no test or benchmark code in the product.

The imports are read from the source (every ``import``, at module level or inside a function,
since a lazy import still ties two modules together), so nothing is executed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("cnn_core", "app")

FORBIDDEN = {"benchmarks", "tests", "conftest", "pytest", "pytestqt"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(name: str, path: Path, modules: set[str]) -> Iterator[tuple[str, int]]:
    """Every module that ``name`` (at ``path``) imports, with the line: absolute dotted names.

    ``from pkg import x`` counts as importing ``pkg.x`` when that is a module of ``modules``,
    else as importing ``pkg`` (and ``pkg.x``, which may be a module outside the project).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule not in modules:
                    yield target, node.lineno
                yield submodule, node.lineno


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; cnn_core is far too shallow to recurse deep
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _core_graph() -> dict[str, set[str]]:
    sources = _sources("cnn_core")
    modules = set(sources)
    return {name: {target for target, _ in _imports(name, path, modules) if target in modules}
            for name, path in sources.items()}


def test_the_import_reader_sees_relative_lazy_and_package_imports() -> None:
    graph = _core_graph()
    assert "cnn_core.models.specs" in graph["cnn_core.models.architecture"]  # from .specs import
    assert "cnn_core.checkpoints" in graph["cnn_core.checkpoints.runs"]  # from . import (...)
    assert "cnn_core.models.zoo" in graph["cnn_core.models"]  # from . import zoo
    assert "cnn_core.data.download" in graph["cnn_core.cli.common"]  # inside a function
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"a"}, "b": set()}) == [["a"]]


def test_cnn_core_has_no_import_cycles() -> None:
    graph = _core_graph()
    assert len(graph) > 30  # the walk found the package
    assert _cycles(graph) == []


def test_product_code_imports_no_qttest_and_nothing_from_benchmarks() -> None:
    offences = []
    for package in PRODUCT:
        sources = _sources(package)
        for name, path in sources.items():
            for target, line in _imports(name, path, set(sources)):
                if target.split(".")[0] in FORBIDDEN or target.startswith("PySide6.QtTest"):
                    offences.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert offences == []

