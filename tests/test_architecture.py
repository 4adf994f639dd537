"""The layout's rules, checked on the source: no import cycle, no oversized module, a Django-free engine.

The graph is built from every ``import`` in a file, at any depth: an import moved inside a
function to dodge a cycle is still a cycle of the design, and fails here like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPLICATION_PACKAGES = ("annotations", "factcheck", "integrations", "workers")
MAX_MODULE_LINES = 500


def _application_files() -> dict[str, Path]:
    """Dotted module name -> file, for the application packages (migrations excluded)."""
    modules: dict[str, Path] = {}
    for package in APPLICATION_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported_modules(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules that ``name`` imports, resolved to files (``from pkg import module`` too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            # The longest known prefix is the file the import executes.
            parts = target.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts:
                module = ".".join(parts)
                if module != name:
                    found.add(module)
    return found


def _import_graph() -> dict[str, set[str]]:
    known = _application_files()
    return {name: _imported_modules(name, path, known) for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan), as a readable path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for child in sorted(graph.get(node, ())):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_names_a_cycle_it_is_given():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_relative_and_module_imports_resolve_to_files(tmp_path):
    known = {name: tmp_path / f"{name.replace('.', '/')}.py" for name in ("pkg.one", "pkg.two")}
    known["pkg"] = tmp_path / "pkg/__init__.py"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/one.py").write_text("from . import two\nfrom pkg.two import thing\n\ndef f():\n    import pkg\n")
    assert _imported_modules("pkg.one", tmp_path / "pkg/one.py", known) == {"pkg", "pkg.two"}


def test_no_import_cycle_between_application_modules():
    cycles = _cycles(_import_graph())
    assert not cycles, (
        "Import cycles (each group imports itself through the others; move the shared piece into a "
        f"module both can import, not an import inside a function): {cycles}"
    )


@pytest.mark.parametrize("package", APPLICATION_PACKAGES)
def test_no_application_module_is_over_500_lines(package):
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for name, path in _application_files().items()
        if name.split(".")[0] == package
    }
    oversized = {path: lines for path, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert not oversized, f"Modules over {MAX_MODULE_LINES} lines; split them by role into a package: {oversized}"


# Each engine package and the project packages it may import: plain Python, runnable without Django.
# The encoder runtime is shared by extraction (the claims model) and matching.
ENGINE_PACKAGES = {
    "workers.extraction": ("workers.encoder",),
    "workers.encoder": (),
    "workers.matching": ("workers.encoder",),
}


def _within(module: str, packages) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


@pytest.mark.parametrize("package", sorted(ENGINE_PACKAGES))
def test_the_engines_import_nothing_from_django_or_the_apps(package):
    graph = _import_graph()
    allowed = (package, *ENGINE_PACKAGES[package])
    engine = {name for name in graph if _within(name, (package,))}
    assert engine, f"no modules found for the engine package {package}"
    outside = {name: sorted(t for t in graph[name] if not _within(t, allowed)) for name in engine}
    assert not {name: targets for name, targets in outside.items() if targets}, outside
    for name in engine:
        path = _application_files()[name]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(m == "django" or m.startswith(("django.", "rest_framework", "celery")) for m in modules), (
                f"{path.relative_to(ROOT)} imports {modules}: the engine must run without Django"
            )
