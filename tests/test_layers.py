"""The layout holds: imports run one way, core ← programs ← commitments ← registry ← reports ←
notifications ← kerman_jobs, and no two modules import each other (directly or round a longer loop).

Read from the source with ast, so an import inside a function counts as much as one at
the top: a lazy import hides a dependency from Python's start-up, not from a reader.
Tests are left out: a test may build data of every app to check one of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "core",
    "programs",
    "commitments",
    "registry",
    "reports",
    "notifications",
    "accountability",
    "api",
    "kerman_jobs",
]
RANK = {name: i for i, name in enumerate(LAYERS)}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _runtime_modules() -> dict[str, Path]:
    modules = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.relative_to(ROOT).parts:
                continue
            modules[_module_name(path)] = path
    return modules


def _imports(name: str, path: Path) -> set[str]:
    """Every project module this one imports, resolved to a module name where it can be."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            found.add(stem)
            # `from . import figures` names a module; `from .models import X` a name in one.
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in RANK}


def _graph() -> dict[str, set[str]]:
    modules = _runtime_modules()
    return {name: {m for m in _imports(name, path) if m in modules and m != name} for name, path in modules.items()}


def test_no_module_imports_a_layer_above_its_own():
    upward = []
    for name, path in _runtime_modules().items():
        own = RANK[name.split(".")[0]]
        for target in _imports(name, path):
            if RANK[target.split(".")[0]] > own:
                upward.append(f"{name} → {target}")
    assert upward == []


def test_no_import_cycles():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_the_walk_sees_the_imports_it_must():
    # The two tests above pass trivially if the walk finds nothing: check it finds what
    # is known to be there, a top-level import and one inside a function.
    graph = _graph()
    assert "commitments.models" in graph["registry.models"]
    assert "core.persian" in graph["commitments.models"]  # imported inside __str__
    assert len(graph) > 60
