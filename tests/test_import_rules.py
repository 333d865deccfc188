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
    "callcenter.followup",
    "callcenter.referrals",
    "callcenter.supervisor",
    "callcenter.voice",
)
# Layers below the web: they serve blueprints, jobs and the CLI alike, and import none of them.
BELOW_THE_WEB = (
    "callcenter.catalogue",
    "callcenter.display",
    "callcenter.kpi",
    "callcenter.live",
    "callcenter.models",
    "callcenter.pipeline",
    "callcenter.search",
    "callcenter.serializers",
    "callcenter.services",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


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
                source = ".".join([*base, node.module] if node.module else base)
            elif node.module:
                source = node.module
            else:
                continue
            # `from callcenter import i18n` imports the module callcenter.i18n.
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield submodule if _is_module(submodule) else source


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


def _documented_names() -> set[str]:
    """Paths named in the first column of docs/architecture.md's "Where things live" table."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Where things live", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split("|")[1]
        parts = [p.strip("` ") for p in first.split(",")]
        # "`callcenter/db.py`, `jobs.py`": the later names sit in the first one's folder.
        first_path = parts[0].rstrip("/")
        folder = first_path.rsplit("/", 1)[0] + "/" if "/" in first_path else ""
        for part in parts:
            names.add(part if "/" in part.rstrip("/") or not folder else folder + part)
    return names


def test_architecture_table_names_every_package_and_module() -> None:
    documented = _documented_names()
    tree = {f"{top}/" for top in PURE} | {"callcenter/templates/", "callcenter/static/"}
    for path in (ROOT / "callcenter").iterdir():
        if path.is_dir() and (path / "__init__.py").is_file():
            tree.add(f"callcenter/{path.name}/")
        elif path.suffix == ".py":
            tree.add(f"callcenter/{path.name}")
    assert sorted(tree - documented) == []
    stale = {name for name in documented if not (ROOT / name.rstrip("/")).exists()}
    assert sorted(stale) == []
