"""The package's floors: each folder is one layer and imports run only downward (docs/architecture.md)."""
import ast
from pathlib import Path

import analysis

PACKAGE = Path(analysis.__file__).parent
ORDER = ["core", "sources", "build", "rules", "charts", "pages", "batch", "cli"]
# Besides its own floor and those below it, what each floor may import.
ALLOWED = {layer: set(ORDER[: i + 1]) for i, layer in enumerate(ORDER)}
ALLOWED["textcheck"] = {"core", "build", "rules", "textcheck"}
ALLOWED["cli"] |= {"textcheck"}
ALLOWED["run"] = {"batch", "run"}  # `python -m analysis.run`
ALLOWED["__main__"] = {"cli"}
ALLOWED["__init__"] = {"core"}


def _layer(module: str) -> str:
    """'analysis.build.observations' -> 'build'; 'analysis' itself -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        yield ".".join(("analysis",) + rel.parts).removesuffix(".__init__"), path


def _imports(path: Path) -> set[str]:
    """Every analysis module a file imports, at the top or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "analysis"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "analysis":
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def test_imports_only_run_downward():
    wrong = []
    for module, path in _modules():
        own = _layer(module)
        if path.name == "__main__.py" and own == "__main__":
            own = "__main__"
        for imported in sorted(_imports(path)):
            if _layer(imported) not in ALLOWED[own]:
                wrong.append(f"{module} ({own}) imports {imported} ({_layer(imported)})")
    assert not wrong, "\n".join(wrong)


def test_no_import_circle():
    graph = {m: {i for i in _imports(p)} for m, p in _modules()}
    known = set(graph)
    graph = {m: ({i if i in known else i.rsplit(".", 1)[0] for i in deps} & known) - {m} for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(m, trail):
        if state.get(m) == 1:
            raise AssertionError("import circle: " + " -> ".join(trail[trail.index(m):] + [m]))
        if state.get(m) == 2:
            return
        state[m] = 1
        for d in sorted(graph[m]):
            visit(d, trail + [m])
        state[m] = 2

    for m in sorted(graph):
        visit(m, [])


def test_few_modules_loose_in_the_package():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= 10, loose
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} >= set(ORDER[:-1])


def test_no_function_over_80_lines():
    long = []
    for module, path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > 80:
                    long.append(f"{module}.{node.name}: {n} lines")
    assert not long, "\n".join(long)
