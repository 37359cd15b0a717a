"""How the house looks from outside: modules per folder, import cycles, long functions, SQL outside ``store/``.

    .venv/bin/python benchmarks/house_metrics.py [ROOT]

Reads the source with ``ast`` only (nothing is imported), so it measures any checkout, before or after a change.
Imports inside functions count: a lazy import still ties two modules together.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

PACKAGES = ("analytics", "ui", "views")
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|VIEW|INDEX))\b", re.I | re.S
)
LONG_FUNCTION = 50


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(root: Path) -> dict[str, Path]:
    found = {module_name(root, p): p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))}
    if (root / "app.py").exists():
        found["app"] = root / "app.py"
    return found


def imported(tree: ast.AST, modules: set[str]) -> set[str]:
    """The project's modules this tree imports (``from a import b`` counts a.b when b is a module)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in modules}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
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

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def long_functions(tree: ast.AST) -> list[tuple[str, int]]:
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > LONG_FUNCTION
    ]


def writes_sql(tree: ast.AST) -> bool:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SQL.search(node.value)
        for node in ast.walk(tree)
    )


def exception_classes(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """Classes deriving from an ...Error / ...Exception name, with their base names."""
    return [
        (node.name, [base.id for base in node.bases if isinstance(base, ast.Name)])
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception")) for base in node.bases)
    ]


def unrooted(classes: list[tuple[str, list[str]]], root: str = "AnalyticsError") -> list[str]:
    """The exception classes that do not derive (directly or through the project's classes) from ``root``."""
    bases = {name: parents for name, parents in classes}
    rooted: set[str] = {root}
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in rooted and rooted.intersection(parents):
                rooted.add(name)
                changed = True
    return sorted(name for name in bases if name not in rooted)


def measure(root: Path) -> dict[str, object]:
    found = sources(root)
    trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in found.items()}
    graph = {name: imported(tree, set(found)) - {name} for name, tree in trees.items()}
    folders = Counter(str(path.parent.relative_to(root)) for path in found.values() if path.name != "__init__.py")
    sql = sorted(name for name, tree in trees.items() if writes_sql(tree) and not name.startswith("analytics.store"))
    longs = sorted((n, f, lines) for n, tree in trees.items() for f, lines in long_functions(tree))
    classes = [(f"{n}.{c}", c, parents) for n, tree in trees.items() for c, parents in exception_classes(tree)]
    loose = set(unrooted([(c, parents) for _, c, parents in classes]))
    errors = sorted(f"{full}{'' if c in loose else ' (AnalyticsError)'}" for full, c, _ in classes)
    return {"folders": folders, "cycles": cycles(graph), "long": longs, "sql": sql, "errors": errors}


def main(argv: list[str]) -> None:
    root = Path(argv[1] if len(argv) > 1 else ".").resolve()
    result = measure(root)
    folders: Counter[str] = result["folders"]  # type: ignore[assignment]
    print("| folder | modules |\n|---|---|")
    for folder, count in sorted(folders.items()):
        print(f"| {folder} | {count} |")
    by_top: dict[str, int] = defaultdict(int)
    for folder, count in folders.items():
        by_top[folder] += count
    print(f"\nlargest folder: {max(folders.values())} modules; total {sum(folders.values())}")
    cyc: list[list[str]] = result["cycles"]  # type: ignore[assignment]
    print(f"\nimport cycles: {len(cyc)}")
    for component in cyc:
        print("  " + " ↔ ".join(component))
    longs: list[tuple[str, str, int]] = result["long"]  # type: ignore[assignment]
    print(f"\nfunctions over {LONG_FUNCTION} lines: {len(longs)}")
    for module, function, lines in longs:
        print(f"  {module}.{function}: {lines}")
    sql: list[str] = result["sql"]  # type: ignore[assignment]
    print(f"\nmodules with SQL outside analytics.store: {len(sql)}")
    for module in sql:
        print(f"  {module}")
    errors: list[str] = result["errors"]  # type: ignore[assignment]
    outside = [name for name in errors if not name.endswith("(AnalyticsError)")]
    print(f"\nexception classes: {len(errors)}, not under one base (AnalyticsError): {len(outside)}")
    for name in errors:
        print(f"  {name}")


if __name__ == "__main__":
    main(sys.argv)
