"""The import rules of docs/architecture.md, read from the source (function-local imports too)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = ("callcenter", "ivr_flows", "routing", "transcription")
PURE = ("ivr_flows", "routing", "transcription")
# Web blueprints: request handlers, which reach the work through services, never the CLI.
BLUEPRINTS = (
    "callcenter.accounts",
    "callcenter.api",
    "callcenter.auth",
    "callcenter.console",
    "callcenter.supervisor",
    "callcenter.voice",
)
# Layers below the web: they serve blueprints, jobs and the CLI alike, and import none of them.
BELOW_THE_WEB = ("callcenter.kpi", "callcenter.models", "callcenter.services", "callcenter.search")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, wherever the statement stands in the file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            elif node.module:
                yield node.module


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for top in TOP_LEVEL:
        for path in sorted((ROOT / top).rglob("*.py")):
            graph[_module_name(path)] = {
                name for name in _imports(path) if name.split(".")[0] in TOP_LEVEL
            }
    return graph


GRAPH = _graph()


def _within(module: str, packages: tuple[str, ...] | str) -> bool:
    packages = (packages,) if isinstance(packages, str) else packages
    return any(module == p or module.startswith(p + ".") for p in packages)


def _violations(sources: tuple[str, ...], targets: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in GRAPH.items()
        if _within(module, sources)
        for name in names
        if _within(name, targets)
    )


def test_the_graph_sees_every_package() -> None:
    """A guard for the guard: the walk found the modules and their imports."""
    assert {m.split(".")[0] for m in GRAPH} == set(TOP_LEVEL)
    assert "routing.router" in GRAPH and "callcenter.db" in GRAPH
    assert any(_within(name, "routing") for name in GRAPH["callcenter.services.routing"])


@pytest.mark.parametrize("pure", PURE)
def test_pure_packages_never_import_the_application(pure: str) -> None:
    assert _violations((pure,), ("callcenter",)) == []


def test_top_level_packages_form_no_cycle() -> None:
    edges = {
        (module.split(".")[0], name.split(".")[0])
        for module, names in GRAPH.items()
        for name in names
        if module.split(".")[0] != name.split(".")[0]
    }
    reach = {top: {b for a, b in edges if a == top} for top in TOP_LEVEL}
    changed = True
    while changed:
        changed = False
        for top, targets in reach.items():
            grown = targets.union(*(reach[t] for t in targets))
            if grown != targets:
                reach[top], changed = grown, True
    assert [top for top in TOP_LEVEL if top in reach[top]] == []


def test_blueprints_never_import_the_cli() -> None:
    assert _violations(BLUEPRINTS, ("callcenter.cli",)) == []


def test_layers_below_the_web_import_no_blueprint_or_cli() -> None:
    assert _violations(BELOW_THE_WEB, (*BLUEPRINTS, "callcenter.cli")) == []


def _reads_tests(path: Path) -> bool:
    """A path into tests/ spelled as a string or built from parts, or an import of tests."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    return any(s == "tests" or s.startswith("tests/") or "/tests/" in s for s in strings) or any(
        _within(name, "tests") for name in _imports(path)
    )


def test_runtime_code_never_reads_test_data() -> None:
    offenders = sorted(
        str(path.relative_to(ROOT))
        for top in TOP_LEVEL
        for path in (ROOT / top).rglob("*.py")
        if _reads_tests(path)
    )
    assert offenders == []
