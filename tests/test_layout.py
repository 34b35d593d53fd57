"""The layout rules of DESIGN.md ("Layout"), checked on the source with ``ast``; no project module is imported.

* files are opened (and TOML parsed) only at the edges: ``planner/io/``, ``planner/scenario.py``,
  ``planner/cli.py``, ``planner/ui/`` and ``app.py``; ``planner/pipeline.py`` only composes the steps: it
  opens no file and imports no ``planner.io`` (``planner.io.plan`` writes a plan);
  the ``forecasts`` package is no edge either (its own test, so that rule's failures stand apart);
* engines (every other planner module but ``planner/pipeline.py`` and ``planner/__main__.py``, the CLI's
  ``python -m`` entry point; the client's check, the term plan and the SLA options included: they stand on
  the steps beside the pipeline) never import ``planner.pipeline``, ``planner.scenario``, ``planner.cli``,
  ``planner.ui``, nor ``planner.io``;
* the UI (``planner/ui/``, ``app.py``) imports no engine below the steps (``BELOW_STEPS``: staffing,
  scheduling, costing, capacity, the simulator, ...): it reaches them through the pipeline, the steps, the
  views and ``planner.io``;
* the simulator never imports ``planner.staffing`` or ``planner.sla`` (directly or through another module):
  it is the independent oracle of the plan;
* ``forecasts`` never imports ``planner``;
* no import cycle among the modules of ``planner`` and ``forecasts``.

Imports count wherever they are written: module level, inside functions, under ``if TYPE_CHECKING:`` (a
type-only import is still a dependency on the layer) and ``importlib.import_module("...")`` with a literal
name, except that the cycle check follows only the imports that run (a ``TYPE_CHECKING`` import cannot form
a cycle at run time). Each rule is one test that names every offending ``file:line``; each rule's checker is
also run on a small synthetic tree that breaks it, so a checker that has gone blind fails too.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("planner", "forecasts")
TOP_FILES = ("app.py",)  # the Streamlit entry point (may not exist yet)

# Edges: the only places allowed to touch files; engines are every other planner module.
FILE_EDGES = ("planner/io/", "planner/ui/", "planner/scenario.py", "planner/cli.py", "app.py")
# forecasts is its own package with its own file edge: the one table reader (load_table, which
# planner.io.table wraps) and the holiday-file reader; its models never touch files.
FORECASTS_FILE_EDGES = ("forecasts/io.py", "forecasts/daycalendar.py")
PIPELINE = "planner/pipeline.py"  # composes the steps for the edges: an engine may not import it, it opens no file
NOT_ENGINES = (
    *FILE_EDGES,
    PIPELINE,
    # `python -m planner`: three lines that run planner.cli.main, i.e. the CLI's own entry point.
    "planner/__main__.py",
)
EDGE_MODULES = ("planner.pipeline", "planner.scenario", "planner.cli", "planner.ui")
IO_PACKAGE = ("planner.io",)
UI = ("planner/ui/", "app.py")
# the engines under the steps (DESIGN.md "Layout": app/ui, cli -> pipeline -> steps, check, capacity_plan,
# sweep -> these -> domain): the UI asks the steps, the views and io for what they compute
BELOW_STEPS = (
    "planner.staffing", "planner.deferred", "planner.queueing", "planner.scheduling", "planner.shifts",
    "planner.costing", "planner.labour", "planner.capacity", "planner.hiring", "planner.sla", "planner.simulation",
    "planner.calendar", "planner.forecasting", "forecasts",
)
SIMULATOR = "planner.simulation"
NOT_FOR_SIMULATOR = ("planner.staffing", "planner.sla")

TOML_MODULES = {"tomllib", "tomli", "toml", "tomlkit", "rtoml", "pytoml"}
FILE_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "to_csv", "to_excel"}
PANDAS_READERS = {"read_csv", "read_excel", "ExcelWriter"}
OPEN_FUNCS = {"open", "io.open", "builtins.open", "codecs.open"}
JSON_FILE_FUNCS = {"json.load", "json.dump"}


# --------------------------------------------------------------------------------------------
# Reading the tree
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str  # dotted: planner.sla.service, app
    rel: str  # posix path from the root: planner/sla/service.py
    is_package: bool  # an __init__.py
    tree: ast.Module


@dataclass(frozen=True)
class Import:
    line: int
    raw: str  # as written, for messages: "from planner.io.table import read_text"
    candidates: tuple[str, ...]  # dotted names it may load: "planner.io.table", "planner.io.table.read_text"
    function: str | None  # the outermost enclosing function (qualified: "write", "Plan.write"), if any
    type_checking: bool  # under `if TYPE_CHECKING:`


def scan(root: Path, packages: Iterable[str] = PACKAGES, top_files: Iterable[str] = TOP_FILES) -> dict[str, Module]:
    """Every module of ``packages`` (and the ``top_files``) under ``root``, parsed, by dotted name."""
    mods: dict[str, Module] = {}
    paths = [p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))]
    paths += [root / f for f in top_files if (root / f).is_file()]
    for path in paths:
        rel = path.relative_to(root).as_posix()
        parts = rel[:-3].split("/")
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        mods[".".join(parts)] = Module(".".join(parts), rel, is_package, tree)
    return mods


@cache
def project() -> dict[str, Module]:
    return scan(ROOT)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(tree: ast.Module) -> Iterable[tuple[ast.AST, str | None, bool]]:
    """Every node with the qualified name of its outermost enclosing function (``write``, ``Plan.write``;
    None at module level or directly in a class body) and whether it sits under ``if TYPE_CHECKING:``."""

    def visit(node: ast.AST, scope: str, function: str | None, tc: bool) -> Iterable[tuple[ast.AST, str | None, bool]]:
        for child in ast.iter_child_nodes(node):
            fn, sub_scope = function, scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                sub_scope = f"{scope}{child.name}."
                if function is None and not isinstance(child, ast.ClassDef):
                    fn = f"{scope}{child.name}"
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                yield child, fn, tc
                for sub in child.body:
                    yield sub, fn, True
                    yield from visit(sub, sub_scope, fn, True)
                for sub in child.orelse:
                    yield sub, fn, tc
                    yield from visit(sub, sub_scope, fn, tc)
                continue
            yield child, fn, tc
            yield from visit(child, sub_scope, fn, tc)

    yield from visit(tree, "", None, False)


def _resolve_from(mod: Module, node: ast.ImportFrom) -> str:
    """The absolute module name of ``from <level dots><module> import ...``."""
    if node.level == 0:
        return node.module or ""
    base = mod.name.split(".")
    if not mod.is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, node.module] if node.module else base)


@cache
def imports_of(mod: Module) -> list[Import]:
    """Every import statement of ``mod`` (all levels), with the dotted names it may load."""
    found = []
    for node, function, tc in _walk(mod.tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                found.append(Import(node.lineno, f"import {a.name}", (a.name,), function, tc))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(mod, node)
            names = ", ".join(a.name for a in node.names)
            raw = f"from {'.' * node.level}{node.module or ''} import {names}"
            cands = (base, *(f"{base}.{a.name}" for a in node.names if a.name != "*"))
            found.append(Import(node.lineno, raw, cands, function, tc))
        elif (
            isinstance(node, ast.Call)
            and _dotted(node.func, {}) in ("importlib.import_module", "import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(node.lineno, ast.unparse(node), (node.args[0].value,), function, tc))
    return found


def _within(name: str, prefixes: Iterable[str]) -> str | None:
    return next((p for p in prefixes if name == p or name.startswith(p + ".")), None)


def _in(rel: str, places: Iterable[str]) -> bool:
    return any(rel.startswith(p) if p.endswith("/") else rel == p for p in places)


def import_graph(mods: dict[str, Module], runtime_only: bool = True) -> dict[str, dict[str, int]]:
    """module -> {imported module of ``mods``: first line}; ``from a.b import c`` points at ``a.b.c`` when
    that is a module, else at ``a.b``. ``runtime_only`` leaves out ``if TYPE_CHECKING:`` imports."""
    graph: dict[str, dict[str, int]] = {}
    for name, mod in mods.items():
        edges: dict[str, int] = {}
        for imp in imports_of(mod):
            if runtime_only and imp.type_checking:
                continue
            base, *subs = imp.candidates
            targets = [s for s in subs if s in mods] if imp.raw.startswith("from") else []
            if not targets or len(targets) < len(subs):  # some names are attributes of the module itself
                targets.append(base)
            for t in targets:
                if t in mods:  # outside packages (numpy, ...) are no part of the graph
                    edges.setdefault(t, imp.line)
        graph[name] = edges
    return graph


# --------------------------------------------------------------------------------------------
# The rules: each returns its violations as readable lines ("file:line: what"), empty when kept
# --------------------------------------------------------------------------------------------


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted origin for every import (``pd`` -> ``pandas``, ``load`` -> ``json.load``)."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _dotted(expr: ast.expr, aliases: dict[str, str]) -> str | None:
    """``json.load`` / ``pd.read_csv`` / ``open`` as dotted names through the module's import aliases."""
    if isinstance(expr, ast.Name):
        return aliases.get(expr.id, expr.id)
    if isinstance(expr, ast.Attribute):
        inner = _dotted(expr.value, aliases)
        return f"{inner}.{expr.attr}" if inner else None
    return None


@cache
def file_operations(mod: Module) -> list[tuple[int, str, str | None]]:
    """(line, what, enclosing module-level function) of every file open/read/write and TOML import."""
    aliases = _aliases(mod.tree)
    ops = []
    for node, function, _tc in _walk(mod.tree):
        what = None
        if isinstance(node, ast.Import):
            toml = [a.name for a in node.names if a.name.split(".")[0] in TOML_MODULES]
            what = f"imports {', '.join(toml)} (TOML)" if toml else None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            what = f"imports from {node.module} (TOML)" if node.module.split(".")[0] in TOML_MODULES else None
        elif isinstance(node, ast.Call):
            func = node.func
            dotted = _dotted(func, aliases)
            if dotted in OPEN_FUNCS:
                what = f"{dotted}()"
            elif dotted in JSON_FILE_FUNCS:
                what = f"{dotted}() (a file; json.dumps/loads are fine)"
            elif isinstance(func, ast.Attribute) and func.attr == "open":
                what = f".open() ({ast.unparse(func)})"
            elif isinstance(func, ast.Attribute) and func.attr in FILE_METHODS | PANDAS_READERS:
                what = f".{func.attr}() ({ast.unparse(func)})"
            elif isinstance(func, ast.Name) and dotted and dotted.split(".")[-1] in PANDAS_READERS:
                what = f"{dotted}()"
        if what:
            ops.append((node.lineno, what, function))
    return ops


def file_access_violations(mods: dict[str, Module], package: str | None = None) -> list[str]:
    """Files opened or TOML parsed outside the edges; ``package``: only the modules of that top-level
    package (``app`` for app.py)."""
    bad = []
    for mod in mods.values():
        if _in(mod.rel, FILE_EDGES + FORECASTS_FILE_EDGES) or (package and mod.name.split(".")[0] != package):
            continue
        for line, what, function in file_operations(mod):
            where = f" in {function}()" if function else ""
            bad.append(f"{mod.rel}:{line}: {what}{where}")
    return bad


def import_violations(
    mods: dict[str, Module], importer: Callable[[Module], bool], forbidden: Iterable[str]
) -> list[str]:
    """Imports of ``forbidden`` packages/modules (or anything under them) by modules ``importer`` selects."""
    forbidden = tuple(forbidden)
    bad = []
    for mod in mods.values():
        if not importer(mod):
            continue
        for imp in imports_of(mod):
            hit = next((p for c in imp.candidates if (p := _within(c, forbidden))), None)
            if hit:
                where = f" in {imp.function}()" if imp.function else ""
                tc = " (under TYPE_CHECKING)" if imp.type_checking else ""
                bad.append(f"{mod.rel}:{imp.line}: {imp.raw}{where}{tc} -> {hit}")
    return bad


def is_engine(mod: Module) -> bool:
    return mod.name.split(".")[0] == "planner" and not _in(mod.rel, NOT_ENGINES)


def engine_edge_violations(mods: dict[str, Module]) -> list[str]:
    return import_violations(mods, is_engine, EDGE_MODULES)


def engine_io_violations(mods: dict[str, Module]) -> list[str]:
    return import_violations(mods, is_engine, IO_PACKAGE)


def ui_violations(mods: dict[str, Module]) -> list[str]:
    return import_violations(mods, lambda m: _in(m.rel, UI), BELOW_STEPS)


def pipeline_io_violations(mods: dict[str, Module]) -> list[str]:
    """pipeline.py composes the steps: it calls no planner.io."""
    return import_violations(mods, lambda m: m.rel == PIPELINE, IO_PACKAGE)


def _path(graph: dict[str, dict[str, int]], start: str, goal: Callable[[str], bool]) -> list[str] | None:
    """Shortest import chain from ``start`` to a module ``goal`` accepts (breadth first)."""
    prev: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node != start and goal(node):
            chain = [node]
            while prev[chain[-1]] is not None:
                chain.append(prev[chain[-1]])
            return chain[::-1]
        for nxt in sorted(graph.get(node, {})):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


def _chain_text(graph: dict[str, dict[str, int]], mods: dict[str, Module], chain: list[str]) -> str:
    """``a (a.py:12) -> b (b.py:3) -> c``: each arrow labelled with the line of the import."""
    parts = [f"{a} ({mods[a].rel}:{graph[a][b]})" for a, b in itertools.pairwise(chain)]
    return " -> ".join([*parts, chain[-1]])


def simulator_violations(mods: dict[str, Module]) -> list[str]:
    """The simulator imports neither staffing nor sla: not directly (any import), nor through another module."""
    if SIMULATOR not in mods:
        return []
    bad = import_violations(mods, lambda m: m.name == SIMULATOR, NOT_FOR_SIMULATOR)
    graph = import_graph(mods, runtime_only=False)
    chain = _path(graph, SIMULATOR, lambda n: _within(n, NOT_FOR_SIMULATOR) is not None)
    if chain and len(chain) > 2:
        bad.append(f"indirectly: {_chain_text(graph, mods, chain)}")
    return bad


def forecasts_violations(mods: dict[str, Module]) -> list[str]:
    return import_violations(mods, lambda m: m.name.split(".")[0] == "forecasts", ("planner",))


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), largest first; only those that hold a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    comps: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in graph[node]:
                    comps.append(sorted(comp))
    return sorted(comps, key=len, reverse=True)


def _cycle_through(graph: dict[str, dict[str, int]], start: str) -> list[str]:
    """A shortest cycle ``start -> ... -> start`` (``[start, start]`` for a self-import)."""
    best: list[str] | None = None
    for nxt in sorted(graph[start]):
        back = [nxt] if nxt == start else _path(graph, nxt, lambda n, s=start: n == s)
        if back is not None and (best is None or len(back) < len(best)):
            best = back
    return [start, *(best or [start])]


def cycle_violations(mods: dict[str, Module]) -> list[str]:
    """One readable chain per import cycle (strongly connected component) among the modules."""
    graph = import_graph(mods, runtime_only=True)
    bad = []
    for comp in strongly_connected(graph):
        members = set(comp)
        sub = {n: {m: ln for m, ln in graph[n].items() if m in members} for n in comp}
        start = comp[0]
        chain = _cycle_through(sub, start)
        extra = f" (component of {len(comp)}: {', '.join(comp)})" if len(comp) > len(set(chain)) else ""
        bad.append(f"import cycle: {_chain_text(graph, mods, chain)}{extra}")
    return bad


# --------------------------------------------------------------------------------------------
# The rules on the project
# --------------------------------------------------------------------------------------------


def _report(rule: str, bad: list[str]) -> str:
    return f"{rule}: {len(bad)} violation(s)\n  " + "\n  ".join(bad)


def test_the_scan_sees_the_project():
    mods = project()
    for name in ("planner.pipeline", "planner.simulation", "planner.scenario", "planner.cli", "forecasts.io"):
        assert name in mods
    assert any(_in(m.rel, ("planner/io/",)) for m in mods.values())
    assert sum(is_engine(m) for m in mods.values()) >= 10


def test_files_are_opened_only_at_the_edges():
    bad = file_access_violations(project(), "planner") + file_access_violations(project(), "app")
    rule = "files opened / TOML parsed outside planner/io, scenario, cli, ui, app"
    assert not bad, _report(rule, bad)


def test_forecasts_opens_files_only_at_its_edge():
    """The same rule for the forecasts package: only its reader modules open files; models get objects."""
    bad = file_access_violations(project(), "forecasts")
    assert not bad, _report("files opened / TOML parsed in forecasts (not an edge)", bad)


def test_pipeline_calls_no_io():
    bad = pipeline_io_violations(project())
    assert not bad, _report(f"{PIPELINE} imports planner.io (planner.io.plan writes a plan)", bad)


def test_engines_never_import_the_edges():
    bad = engine_edge_violations(project())
    assert not bad, _report("an engine imports planner.pipeline / scenario / cli / ui", bad)


def test_engines_never_import_io():
    bad = engine_io_violations(project())
    assert not bad, _report("an engine imports planner.io (io is called by the edges only)", bad)


def test_the_ui_imports_no_engine_below_the_steps():
    bad = ui_violations(project())
    assert not bad, _report("the UI imports an engine below the steps", bad)


def test_simulator_never_imports_staffing_or_sla():
    bad = simulator_violations(project())
    assert not bad, _report("planner/simulation.py depends on planner.staffing / planner.sla", bad)


def test_forecasts_never_imports_planner():
    bad = forecasts_violations(project())
    assert not bad, _report("forecasts imports planner", bad)


def test_no_import_cycles():
    bad = cycle_violations(project())
    assert not bad, _report("import cycles among planner / forecasts modules", bad)


# --------------------------------------------------------------------------------------------
# Each checker catches a tree that breaks its rule (and lets the allowed cases through)
# --------------------------------------------------------------------------------------------


def fake(tmp_path: Path, files: dict[str, str]) -> dict[str, Module]:
    """A tree of tiny modules under ``tmp_path`` (packages get their ``__init__.py``), scanned."""
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for parent in path.relative_to(tmp_path).parents:
            if parent.parts and not (tmp_path / parent / "__init__.py").exists():
                (tmp_path / parent / "__init__.py").write_text("", encoding="utf-8")
    return scan(tmp_path)


FILE_OPS = """
import json
import tomllib
from pathlib import Path
import pandas as pd
from pandas import read_excel
from json import dump as jdump

def reads(p):
    with open(p) as fh:
        fh.read()
    Path(p).open()
    Path(p).read_text()
    Path(p).read_bytes()
    pd.read_csv(p)
    read_excel(p)
    json.load(p)
    return json.loads("{}")

def writes(df, p):
    Path(p).write_text(json.dumps({}))
    Path(p).write_bytes(b"")
    df.to_csv(p)
    df.to_excel(p)
    with pd.ExcelWriter(p) as w:
        pass
    json.dump({}, p)
    jdump({}, p)
"""


def test_file_check_catches_every_kind_of_file_access(tmp_path):
    mods = fake(tmp_path, {"planner/staffing.py": FILE_OPS})
    bad = file_access_violations(mods)
    lines = {int(b.split(":")[1]) for b in bad}
    source = FILE_OPS.splitlines()
    expected = {
        i
        for i, text in enumerate(source, start=1)
        if any(
            k in text
            for k in (
                "tomllib",
                "open(",
                ".read_",
                ".write_",
                "read_excel(",
                ".to_",
                "ExcelWriter",
                "json.load(",
                "json.dump(",
                "jdump(",
            )
        )
    }
    assert lines == expected, (sorted(expected - lines), sorted(lines - expected), bad)
    assert all(b.startswith("planner/staffing.py:") for b in bad)


def test_file_check_lets_the_edges_through(tmp_path):
    edges = {
        "planner/io/table.py": FILE_OPS,
        "planner/ui/page.py": FILE_OPS,
        "planner/scenario.py": FILE_OPS,
        "planner/cli.py": FILE_OPS,
        "app.py": FILE_OPS,
        "planner/pipeline.py": "import json\n\ndef plan(x):\n    return json.dumps(x)\n",  # no file: fine
    }
    assert file_access_violations(fake(tmp_path, edges)) == []


def test_file_check_catches_the_pipeline(tmp_path):
    src = (
        "from pathlib import Path\n\n"
        "def write(p, path):\n    Path(path).write_text(p)\n\n"
        "def plan(path):\n    return Path(path).read_text()\n\n"
        "class Plan:\n    def write(self, path):\n        open(path, 'w')\n"
    )
    bad = file_access_violations(fake(tmp_path, {"planner/pipeline.py": src}))
    assert bad == [
        "planner/pipeline.py:4: .write_text() (Path(path).write_text) in write()",
        "planner/pipeline.py:7: .read_text() (Path(path).read_text) in plan()",
        "planner/pipeline.py:11: open() in Plan.write()",
    ], bad


def test_pipeline_io_check_catches_any_io(tmp_path):
    src = (
        "from planner.io.table import write_csv\n\n"
        "def write(p, path):\n    from planner.io.xlsx import write_plan_xlsx\n\n"
        "def plan(path):\n    from planner import io\n"
    )
    bad = pipeline_io_violations(fake(tmp_path, {"planner/pipeline.py": src, "planner/io/table.py": ""}))
    assert [b.split(":")[1] for b in bad] == ["1", "4", "7"], bad


def test_edge_import_check_catches_engines(tmp_path):
    mods = fake(
        tmp_path,
        {
            "planner/staffing.py": "import planner.pipeline\n\ndef f():\n"
            "    from planner.scenario import load_scenario\n",
            "planner/sla/service.py": "from planner import cli\nfrom planner.ui.pages import x\n",
            "planner/scheduling/model.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from ..pipeline import Plan\n",
            "planner/pipeline.py": "from planner.scenario import load_scenario\n",  # an edge: allowed
            "planner/cli.py": "from planner.pipeline import plan\n",  # an edge: allowed
            "planner/scenario.py": "",
            "planner/ui/pages.py": "x = 1\n",
        },
    )
    bad = engine_edge_violations(mods)
    assert sorted(b.split(": ")[0] for b in bad) == [
        "planner/scheduling/model.py:3",
        "planner/sla/service.py:1",
        "planner/sla/service.py:2",
        "planner/staffing.py:1",
        "planner/staffing.py:4",
    ], bad
    assert any("in f()" in b for b in bad)


def test_io_import_check_catches_engines(tmp_path):
    mods = fake(
        tmp_path,
        {
            "planner/staffing.py": "def f():\n    from planner.io.table import read_text\n",
            "planner/simulation.py": "from .io import schedule\n",
            "planner/demo.py": "import planner.io\n",
            "planner/queueing.py": "import importlib\n\nimportlib.import_module('planner.io.table')\n",
            "planner/cli.py": "from planner.io.table import write_csv\n",  # an edge: allowed
            "planner/io/table.py": "",
            "planner/io/schedule.py": "",
        },
    )
    bad = engine_io_violations(mods)
    assert sorted(b.split(": ")[0] for b in bad) == [
        "planner/demo.py:1",
        "planner/queueing.py:3",
        "planner/simulation.py:1",
        "planner/staffing.py:2",
    ], bad


def test_ui_check_catches_engines_below_the_steps(tmp_path):
    mods = fake(
        tmp_path,
        {
            "planner/ui/staffing.py": "def f():\n    from planner.staffing import requirement_summary\n",
            "planner/ui/roster.py": "from planner.scheduling.roster import roster_grid\n",
            "app.py": "import planner.costing\n",
            "planner/ui/term.py": "from planner.capacity_plan import capacity_of\nfrom planner.views import x\n",
            "planner/staffing.py": "",
            "planner/scheduling/roster.py": "",
            "planner/costing.py": "",
            "planner/capacity_plan.py": "",
            "planner/views.py": "",
        },
    )
    bad = ui_violations(mods)
    assert sorted(b.split(": ")[0] for b in bad) == [
        "app.py:1",
        "planner/ui/roster.py:1",
        "planner/ui/staffing.py:2",
    ], bad


def test_simulator_check_catches_direct_and_indirect_imports(tmp_path):
    direct = fake(
        tmp_path / "a",
        {"planner/simulation.py": "def f():\n    from planner.sla.staffing import x\n", "planner/sla/staffing.py": ""},
    )
    assert [b.split(": ")[0] for b in simulator_violations(direct)] == ["planner/simulation.py:2"]
    via = fake(
        tmp_path / "b",
        {
            "planner/simulation.py": "from planner.domain import Scenario\n",
            "planner/domain.py": "from planner import staffing\n",
            "planner/staffing.py": "",
        },
    )
    bad = simulator_violations(via)
    assert bad == [
        "indirectly: planner.simulation (planner/simulation.py:1) -> planner.domain (planner/domain.py:1) "
        "-> planner.staffing"
    ], bad


def test_forecasts_check_catches_planner_imports(tmp_path):
    mods = fake(
        tmp_path,
        {
            "forecasts/models.py": "import numpy\n\ndef f():\n    import planner.queueing\n",
            "forecasts/io.py": "from planner import errors\n",
            "planner/queueing.py": "from forecasts.io import x\n",  # the allowed direction
        },
    )
    bad = forecasts_violations(mods)
    assert sorted(b.split(": ")[0] for b in bad) == ["forecasts/io.py:1", "forecasts/models.py:4"], bad


def test_cycle_check_reports_a_readable_chain(tmp_path):
    mods = fake(
        tmp_path,
        {
            "planner/a.py": "from planner.b import f\n",
            "planner/b.py": "import math\n\ndef f():\n    from planner import c\n",
            "planner/c.py": "from planner.a import g\n",
            "planner/d.py": "from planner.a import g\n",  # on no cycle
            "forecasts/x.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from forecasts.y import T\n",
            "forecasts/y.py": "from forecasts.x import z\n",  # type-only back edge: no cycle at run time
        },
    )
    bad = cycle_violations(mods)
    assert bad == [
        "import cycle: planner.a (planner/a.py:1) -> planner.b (planner/b.py:4) -> planner.c (planner/c.py:1) "
        "-> planner.a"
    ], bad


def test_cycle_check_sees_relative_imports_and_packages(tmp_path):
    mods = fake(
        tmp_path,
        {
            "planner/sched/__init__.py": "from .model import solve\n",
            "planner/sched/model.py": "from . import heur\n",
            "planner/sched/heur.py": "from .model import Ctx\n",
        },
    )
    bad = cycle_violations(mods)
    assert len(bad) == 1 and "planner.sched.heur" in bad[0] and "planner.sched.model" in bad[0], bad
    assert bad[0].startswith("import cycle: planner.sched.heur (planner/sched/heur.py:1) -> planner.sched.model"), bad


@pytest.mark.parametrize("n", [2, 3])
def test_tarjan_finds_one_component_per_cycle(n):
    ring = {f"m{i}": {f"m{(i + 1) % n}": 1} for i in range(n)}
    ring["tail"] = {"m0": 1}
    assert strongly_connected(ring) == [sorted(f"m{i}" for i in range(n))]
    assert strongly_connected({"a": {"b": 1}, "b": {}}) == []
