"""The package's import graph has no cycles, and its layers import one way only.

Every `import` and `from ... import` under src/apologylint counts: at module level, inside
functions, and under `if TYPE_CHECKING:` (a type-only import still ties two modules together in
the design). Nothing is imported to build the graph: the source is read with `ast`.
"""
from __future__ import annotations

import ast
import pathlib
from collections import deque

import pytest

PACKAGE = "apologylint"
SRC = pathlib.Path(__file__).resolve().parent.parent / "src" / PACKAGE

def in_known_engine_cycle(module: str) -> bool:
    """No cycle is tolerated: the engine's went with the reading of the exchange (protocols.py)."""
    return False


# -- the graph ------------------------------------------------------------------------------------

def discover(src: pathlib.Path = SRC, package: str = PACKAGE) -> dict[str, tuple[pathlib.Path, bool]]:
    """module name -> (file, is_package) for every .py file under the package."""
    modules = {}
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).with_suffix("")
        parts = [package, *rel.parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        modules[".".join(parts)] = (path, is_package)
    return modules


def _base(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """The absolute module a (possibly relative) `from <dots><name> import` names."""
    if level == 0:
        return name
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        if level - 1 > len(parts):
            return None  # beyond the top-level package: not ours
        parts = parts[: len(parts) - (level - 1)]
    if name:
        parts = [*parts, *name.split(".")]
    return ".".join(parts)


def _ours(name: str | None, modules: dict) -> str | None:
    """The package module a dotted name refers to: itself, or its nearest enclosing module that
    exists (`apologylint.mail.EmailReport` -> `apologylint.mail`); None outside the package."""
    while name:
        if name in modules:
            return name
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return None


def imports_of(module: str, path: pathlib.Path, is_package: bool, modules: dict) -> dict[str, int]:
    """The package modules `module` imports (name -> first line), wherever the import statement is."""
    found: dict[str, int] = {}

    def add(target: str | None, line: int) -> None:
        if target is not None:
            found.setdefault(target, line)

    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_ours(alias.name, modules), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, is_package, node.level, node.module)
            if base is None:
                continue
            for alias in node.names:
                # `from pkg import sub` imports the submodule pkg.sub when there is one; a name
                # defined in pkg/__init__.py is an import of the package's __init__
                sub = f"{base}.{alias.name}"
                add(sub if alias.name != "*" and sub in modules else _ours(base, modules), node.lineno)
        elif (
            isinstance(node, ast.Call)
            and (getattr(node.func, "attr", None) == "import_module" or getattr(node.func, "id", None) == "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            # importlib.import_module("apologylint.x"): followed when the name is a literal
            name = node.args[0].value
            if name.startswith("."):
                level = len(name) - len(name.lstrip("."))
                name = _base(module, is_package, level, name.lstrip(".") or None)
            add(_ours(name, modules), node.lineno)
    return found


def build_graph(src: pathlib.Path = SRC, package: str = PACKAGE) -> tuple[dict[str, dict[str, int]], dict]:
    modules = discover(src, package)
    graph = {name: imports_of(name, path, is_pkg, modules) for name, (path, is_pkg) in modules.items()}
    return graph, modules


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; the components that are cycles (more than one module, or one
    that imports itself), each sorted, in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
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
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph[node]:
                        components.append(sorted(component))
    return sorted(components)


def describe(component: list[str], graph: dict[str, dict[str, int]], modules: dict) -> str:
    members = set(component)
    lines = [" <-> ".join(component)]
    for name in component:
        path = modules[name][0].relative_to(SRC.parent)
        for target, line in sorted(graph[name].items()):
            if target in members:
                lines.append(f"    {name} -> {target}  ({path}:{line})")
    return "\n".join(lines)


def path_between(graph: dict[str, dict[str, int]], start: str, goal) -> list[str] | None:
    """The shortest import chain from start to a module for which goal(module) holds."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph.get(node, ())):
            if target in previous:
                continue
            previous[target] = node
            if goal(target):
                chain = [target]
                while previous[chain[-1]] is not None:
                    chain.append(previous[chain[-1]])
                return chain[::-1]
            queue.append(target)
    return None


# -- the checks -----------------------------------------------------------------------------------

def test_the_graph_is_read_from_the_source():
    graph, modules = build_graph()
    assert {"apologylint", "apologylint.mail", "apologylint.drafts", "apologylint.cli"} <= set(modules)
    # a relative `from . import x` naming a submodule resolves to it; a function in __init__ to the package
    assert "apologylint.mail.html" in graph["apologylint.mail.reader"]
    assert "apologylint.models" in graph["apologylint.mail.report"]
    assert "apologylint.drafts" in graph["apologylint.cli.draft"]
    # imports inside functions count
    assert "apologylint.linter" in graph["apologylint.mail"]
    assert "apologylint.cli.lint" in graph["apologylint.cli"]


def test_cycle_finder_on_a_known_graph():
    graph = {
        "a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1, "d": 1}, "d": {}, "e": {"e": 1}, "f": {"d": 1},
    }
    assert strongly_connected(graph) == [["a", "b", "c"], ["e"]]


def test_no_import_cycles():
    graph, modules = build_graph()
    cycles = strongly_connected(graph)
    # cycles made only of engine modules are tolerated until the engine change lands
    offending = [c for c in cycles if not all(in_known_engine_cycle(m) for m in c)]
    if offending:
        pytest.fail(
            f"{len(offending)} import cycle(s) in {PACKAGE}:\n" + "\n".join(describe(c, graph, modules) for c in offending),
            pytrace=False,
        )


#: module (or package prefix) -> package modules it must never import, directly or through others
FORBIDDEN = [
    # the bottom layer: imports nothing else from the package
    ("apologylint.models", lambda m: True),
    ("apologylint.text", lambda m: True),
    # what gets linted and InputError, shared by inputs and mail: only the models below it
    ("apologylint.message", lambda m: m != "apologylint.models"),
    # email reading sits below the input dispatch and the command line
    ("apologylint.mail", lambda m: _under(m, "apologylint.inputs") or _under(m, "apologylint.cli")),
    # drafts sit below the command line
    ("apologylint.drafts", lambda m: _under(m, "apologylint.cli")),
]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize("layer, forbidden", FORBIDDEN, ids=[layer for layer, _ in FORBIDDEN])
def test_layers_import_one_way(layer, forbidden):
    graph, modules = build_graph()
    members = [m for m in modules if _under(m, layer)]
    assert members, f"no module {layer}"
    problems = []
    for module in sorted(members):
        chain = path_between(graph, module, lambda m: forbidden(m) and not _under(m, layer))
        if chain:
            first = graph[chain[0]][chain[1]]
            problems.append(f"{' -> '.join(chain)}  ({modules[module][0].relative_to(SRC.parent)}:{first})")
    assert not problems, f"{layer} imports what it must not:\n" + "\n".join(problems)
