"""The import graph of ``cuecast/``, drawn from the code: no module imports
itself back through others, and none imports a module of a higher layer.

Imports inside functions count: a lazy import still ties the two modules
together, it only hides the tie from whoever reads the top of the file.
The layers, lowest first, say what may import what: a module may import its
own layer and those below.  A module belongs to the layer of the longest
name in ``LAYERS`` its name starts with."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cuecast"

#: Lowest first.  Within a layer any import is allowed that makes no loop.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("values", ("cuecast", "cuecast.model", "cuecast.errors", "cuecast.clock", "cuecast.ids", "cuecast.defaults",
                "cuecast.cells", "cuecast.images", "cuecast.math_text", "cuecast.signals", "cuecast.atomic",
                "cuecast.lock", "cuecast.ffmpeg", "cuecast.diagnostics", "cuecast.build_record", "cuecast.notices",
                "cuecast.output_context", "cuecast.tool_version", "cuecast.witness",
                "cuecast.projects")),
    ("reading", ("cuecast.script_yaml", "cuecast.schema", "cuecast.speech", "cuecast.snippet_source",
                 "cuecast.web.address", "cuecast.narrate.piper_files")),
    ("kinds", ("cuecast.kinds", "cuecast.shown")),
    ("parse", ("cuecast.script", "cuecast.script_cue", "cuecast.script_snippet", "cuecast.parse_cache",
               "cuecast.templating")),
    ("run", ("cuecast.runner", "cuecast.executors", "cuecast.check")),
    ("capture", ("cuecast.web", "cuecast.narrate")),
    ("layout", ("cuecast.deck",)),
    ("plan", ("cuecast.plan",)),
    ("emit", ("cuecast.export", "cuecast.video", "cuecast.notebook", "cuecast.review", "cuecast.outputs")),
    ("build", ("cuecast.build", "cuecast.stages")),
    ("views", ("cuecast.catalogue", "cuecast.watching", "cuecast.importers", "cuecast.preview", "cuecast.cli")),
)


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name → file, for every module under ``package``."""
    root = package.parent
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name ``module`` imports, anywhere in its code; ``from a
    import b`` names ``a.b``, which is module ``a.b`` or a name in ``a``
    (``import_graph`` keeps the longest prefix that is a module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports (the longest existing
    prefix of each imported name)."""
    modules = module_files(package)
    graph = {}
    for module, path in modules.items():
        targets = set()
        for name in imported_names(module, path):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str, layers=LAYERS) -> int:
    """The index of ``module``'s layer: that of the longest prefix named."""
    best, best_len = None, -1
    for rank, (_, prefixes) in enumerate(layers):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = rank, len(prefix)
    if best is None:
        raise LookupError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return best


def upward_imports(graph: dict[str, set[str]], layers=LAYERS) -> list[str]:
    return [f"{module} ({layers[layer_of(module, layers)][0]}) imports {target} "
            f"({layers[layer_of(target, layers)][0]})"
            for module, targets in sorted(graph.items()) for target in sorted(targets)
            if layer_of(target, layers) > layer_of(module, layers)]


def test_cuecast_has_no_import_loop():
    assert loops(import_graph(PACKAGE)) == []


def test_no_module_imports_a_higher_layer():
    assert upward_imports(import_graph(PACKAGE)) == []


def test_every_module_has_a_layer():
    for module in import_graph(PACKAGE):
        layer_of(module)


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_a_loop_through_an_import_inside_a_function_is_found(tmp_path):
    package = write_package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import thing\n",
        "pkg/b.py": "def thing():\n    from pkg import a\n    return a\n",
        "pkg/c.py": "from . import a\n",
    })
    graph = import_graph(package)
    assert graph["pkg.c"] == {"pkg.a"}
    assert loops(graph) == [["pkg.a", "pkg.b"]]


def test_an_import_up_a_layer_is_found(tmp_path):
    package = write_package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/low.py": "def f():\n    from pkg.high.top import g\n",
        "pkg/high/__init__.py": "",
        "pkg/high/top.py": "from ..low import f\n",
    })
    layers = (("low", ("pkg", "pkg.low")), ("high", ("pkg.high",)))
    assert upward_imports(import_graph(package), layers) == ["pkg.low (low) imports pkg.high.top (high)"]


def test_a_module_in_no_layer_is_named():
    with pytest.raises(LookupError, match="elsewhere.module is in no layer"):
        layer_of("elsewhere.module")
