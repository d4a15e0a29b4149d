"""The shape of the code base: no import cycle in rag/, no module over 400 lines, and every file of the checkout
that README.md and docs/ name exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.helpers.paths import ROOT

PACKAGE = ROOT / "rag"
LONGEST = 400


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports() -> dict[str, set[str]]:
    """Each module of rag/ and the modules of rag/ it imports (at any depth of its body, type-checking ones too)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        named: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                named.add(node.module)
                named.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
        graph[name] = {m for m in named if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == 1:
                return [*path[path.index(other):], other]
            if other not in state and (found := visit(other)):
                return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_rag_has_no_import_cycle():
    graph = _imports()
    assert len(graph) > 40 and graph["rag.cli"]  # the walk sees the package and its imports
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_mcp_and_the_serving_core_do_not_import_the_http_app():
    graph = _imports()

    def reach(module: str) -> set[str]:
        seen, todo = set(), [module]
        while todo:
            for other in graph[todo.pop()] - seen:
                seen.add(other)
                todo.append(other)
        return seen

    edges = [m for m in graph if m.split(".")[:2] == ["rag", "mcp"]] + ["rag.serving.runtime"]
    assert "rag.mcp.tools" in edges and "rag.mcp.connector" in edges  # the walk sees the MCP package
    assert {m for m in edges if "rag.http.app" in reach(m)} == set()


def test_no_module_is_over_400_lines():
    lines = {_module(p): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {module: n for module, n in lines.items() if n > LONGEST} == {}


def test_every_file_the_docs_name_exists():
    """Paths like `rag/index/publish.py` or `tests/unit/test_layout.py` in README.md and docs/ (a line quoting an
    older commit, `git show`, is history and exempt)."""
    named = re.compile(r"\b((?:rag|scripts|tests|docs|deploy)/[\w/.-]+\.(?:py|md|json|jsonl|lua|yaml|yml))\b")
    missing = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for line in page.read_text(encoding="utf-8").splitlines():
            if "git show" in line or "/tmp/before" in line:
                continue
            missing += [f"{page.name}: {m}" for m in named.findall(line) if "*" not in m and not (ROOT / m).exists()]
    assert missing == []
