"""The layout of ARCHITECTURE.md, checked: no module of analytics/ loads Streamlit, only analytics/store/ imports
duckdb, the import-linter contracts hold, and every module lives in a layer folder or is one of the leaves."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.fixtures import ROOT

PACKAGE = ROOT / "analytics"
LAYERS = {"model", "store", "ingest", "stats", "figures", "reports", "services", "cli", "i18n"}  # folders
LEAVES = {"settings", "periods", "errors"}  # the only modules beside __init__ and __main__ at the top
IMPORT_ALL = """
import importlib, json, pkgutil, sys
import analytics

names = [m.name for m in pkgutil.walk_packages(analytics.__path__, "analytics.")]  # imports the packages only
first = "a package's __init__" if "streamlit" in sys.modules else None
for name in names:
    if name.endswith(".__main__"):  # runs the command line when imported; its imports are checked by ast below
        continue
    importlib.import_module(name)
    if first is None and "streamlit" in sys.modules:
        first = name
print(json.dumps({"modules": names, "streamlit": first}))
"""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Top-level names of every package the file imports, at module level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_analytics_module_loads_streamlit_and_the_walk_sees_every_file():
    """Every module under analytics/, imported one after the other in a fresh interpreter: Streamlit never in
    sys.modules (harlequin's check). The walk must cover every file, so a folder without __init__ cannot hide one."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["streamlit"] is None, f"importing {report['streamlit']} loads streamlit"
    assert {"analytics", *report["modules"]} == {module_name(p) for p in files()}


@pytest.mark.parametrize(
    ("package", "allowed"),
    [("duckdb", PACKAGE / "store"), ("streamlit", None)],
    ids=["duckdb only in store", "streamlit nowhere"],
)
def test_a_package_is_imported_only_where_it_belongs(package: str, allowed: Path | None):
    found = [
        module_name(p) for p in files() if package in imported(p) and (allowed is None or allowed not in p.parents)
    ]
    assert found == []


def test_the_import_linter_contracts_hold():
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_every_module_lives_in_a_layer_folder_or_is_a_leaf():
    flat = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert flat <= LEAVES, f"a new module at the top of analytics/: {sorted(flat - LEAVES)} (see ARCHITECTURE.md)"
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= LAYERS, f"a folder that is no layer: {sorted(folders - LAYERS)} (see ARCHITECTURE.md)"
    assert all((p / "__init__.py").is_file() for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__")


def test_the_layers_contract_names_exactly_these_layers_and_leaves():
    """This test and pyproject.toml's layers contract describe the same house."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    assert {n for n in named if n.startswith("analytics.")} == {f"analytics.{n}" for n in LAYERS | LEAVES}
