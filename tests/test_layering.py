"""The layers are a test, not a promise: the import graph is read from the source with `ast`.

domain <- storage <- flows <- service <- cli, and tui sees only the facade and domain records. No cycles at all, and
no module grows past 400 lines.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import tracker

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400
# What each layer of the core may import from the core, besides itself.
ALLOWED = {
    "tracker.domain": {"tracker.domain"},
    "tracker.storage": {"tracker.domain"},
    "tracker.flows": {"tracker.domain", "tracker.storage"},
    "tracker.service": {"tracker.domain", "tracker.storage", "tracker.flows"},
    # the CLI: the facade, the domain, and the two pure writers that turn records into text (report views, record
    # CSV), which touch no storage
    "tracker.cli": {
        "tracker.domain",
        "tracker.service",
        "tracker.flows.reports.views",
        "tracker.flows.exporting.writer",
        "tracker",
    },
    "tracker.__main__": {"tracker.cli"},
}
# The one import of the app from the core: `topup` without a command opens it, imported lazily there.
CLI_OPENS_THE_APP = ("tracker.cli.base", "tui.app")
# What the TUI may use of the core: the facade, and the pure domain (records, formatting, vocabularies, errors).
TUI_MAY_IMPORT = ("tracker.service", "tracker.domain", "tracker.flows.reports.views")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, top-level or lazily inside a function, resolved to a dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from tracker.domain import money`
    return found


def _resolved(imports: set[str], modules: set[str]) -> set[str]:
    """The modules among `imports`; a package named only as the place a module was imported from is dropped."""
    found = {i for i in imports if i in modules}
    return {i for i in found if not any(other.startswith(i + ".") for other in found)} | {
        i for i in found if not (ROOT / i.replace(".", "/")).is_dir()
    }


def _graph(*packages: str) -> dict[str, set[str]]:
    files = [p for pkg in packages for p in (ROOT / pkg).rglob("*.py")]
    names = {_module_name(p): p for p in files}
    return {name: _resolved(_imports(path), set(names)) for name, path in names.items()}


def _layer(module: str) -> str:
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return module


def _allowed(source: str, target: str) -> bool:
    layer = _layer(source)
    if target == layer or target.startswith(layer + "."):
        return True
    return any(target == a or target.startswith(a + ".") for a in ALLOWED.get(layer, ()) if a != "tracker") or (
        "tracker" in ALLOWED.get(layer, ()) and target == "tracker"
    )


def test_each_layer_of_the_core_imports_only_the_layers_below_it() -> None:
    graph = _graph("tracker", "tui")
    offenders = sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        if source.startswith("tracker.")
        for target in targets
        if target.startswith("tracker") and not _allowed(source, target)
    )
    assert len(graph) > 40
    assert offenders == []


def test_the_core_never_imports_the_tui_but_once_to_open_it() -> None:
    graph = _graph("tracker", "tui")
    opens = sorted(
        (s, t) for s, targets in graph.items() if s.startswith("tracker") for t in targets if t.startswith("tui")
    )
    assert opens == [CLI_OPENS_THE_APP]


def test_the_tui_imports_only_the_facade_and_the_domain() -> None:
    graph = _graph("tracker", "tui")
    offenders = sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        if source.startswith("tui")
        for target in targets
        if target.startswith("tracker") and target != "tracker"
        and not any(target == a or target.startswith(a + ".") for a in TUI_MAY_IMPORT)
    )  # fmt: skip
    assert offenders == []
    tui_sources = [p.read_text(encoding="utf-8") for p in (ROOT / "tui").rglob("*.py")]
    assert not any("sqlalchemy" in _imports_text(text) for text in tui_sources)


def _imports_text(text: str) -> str:
    return " ".join(line for line in text.splitlines() if line.lstrip().startswith(("import ", "from ")))


def test_there_is_no_import_cycle() -> None:
    graph = _graph("tracker", "tui")
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target == node or _is_parent(target, node):
                continue  # a module importing its own package's __init__ is not a cycle between modules
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target] if target in path else [node, target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def _is_parent(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def test_no_module_is_over_400_lines() -> None:
    long = sorted(
        f"{p.relative_to(ROOT)}: {n}"
        for pkg in ("tracker", "tui")
        for p in (ROOT / pkg).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert long == []


def test_no_tracker_module_loads_textual() -> None:
    """Checked in a fresh interpreter too, where nothing else could have loaded it."""
    modules = [m.name for m in pkgutil.walk_packages(tracker.__path__, "tracker.") if not m.name.endswith("__main__")]
    script = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    script += "print(sorted(n for n in sys.modules if n == 'textual' or n.startswith(('textual.', 'tui'))))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert len(modules) > 40
    assert out.stdout.strip() == "[]"


def test_the_import_graph_is_read_right() -> None:
    """The checks above would pass on an empty graph: make sure they see known edges of each kind."""
    graph = _graph("tracker", "tui")
    assert "tracker.domain.money" in graph["tracker.storage.rows"]
    assert "tracker.service" in graph["tui.core"]
    assert ("tui.app" in graph["tracker.cli.base"]) and _layer("tracker.flows.checks") == "tracker.flows"
    assert not _allowed("tracker.domain.money", "tracker.storage.models")
    assert not _allowed("tracker.storage.rows", "tracker.flows.checks")
