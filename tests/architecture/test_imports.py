"""The apps depend one way, bottom to top, and no module imports itself back.

Every module of the project is parsed (not imported): its imports at module level and
inside functions, and the apps it names through `apps.get_model`. A module may use only
apps at its own level or below; views, admin and URL modules may look up (they are the
top of each app); `config` is the wiring and sits above everything. And between modules,
counting the imports inside functions, there is no cycle: a cycle means two modules that
cannot be understood, tested or moved one without the other.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Bottom to top (docs/architecture.md). Apps on one level may not import each other.
LAYERS = [
    ["core"],
    ["workdays"],
    ["accounts"],
    ["notices"],
    ["schools"],
    ["documents"],
    ["needs"],
    ["trust"],
    ["donations"],
    ["receiving"],
    ["campaigns"],
    ["letters_contest"],
    ["opendata"],
    ["oversight"],
    ["ops"],
    ["config"],
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
# The top of each app: what a person reaches by an address may look up.
MAY_LOOK_UP = {"views", "admin", "urls"}


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in LEVEL:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str, path: Path, modules: dict) -> set[str]:
    """The project modules (or apps, for get_model) this module names anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            for alias in node.names:
                # `from . import services` imports a module; `from .models import Need` a name.
                child = f"{target}.{alias.name}"
                found.add(child if child in modules else target)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return {name for name in found if name.split(".")[0] in LEVEL}


def _app(module: str) -> str:
    return module.split(".")[0]


def _looks_up(module: str) -> bool:
    parts = module.split(".")
    return bool(MAY_LOOK_UP & set(parts[1:])) or "migrations" in parts


def _graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {module: imports_of(module, path, modules) for module, path in modules.items()}


def test_no_app_imports_an_app_above_it():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        if not _looks_up(module)
        for target in targets
        if _app(target) != _app(module) and LEVEL[_app(target)] >= LEVEL[_app(module)]
    )
    assert wrong == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_modules():
    graph = {module: {t for t in targets if t != module} for module, targets in _graph().items()}
    # A package's __init__ is imported by each of its modules; that is not a cycle.
    for module in graph:
        graph[module] = {t for t in graph[module] if not module.startswith(t + ".")}
    assert _cycles(graph) == []


def test_the_checker_sees_imports_inside_functions_and_get_model(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from oversight import digests\n    return apps.get_model('needs', 'Need')\n")
    modules = project_modules()
    assert imports_of("core.probe", source, modules) == {"oversight.digests", "needs"}


def test_the_checker_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
