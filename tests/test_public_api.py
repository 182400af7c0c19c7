"""embedlib's public API is explicit, small, complete and documented with runnable examples."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import embedlib
import embedlib.plots
import embedlib.widgets

PACKAGES = [embedlib, embedlib.plots, embedlib.widgets]
PUBLIC_BUDGET = 50  # names across the three packages (issue 15); result dataclasses not counted


def _submodules(package: ModuleType) -> list[ModuleType]:
    names = [m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")]
    modules = [importlib.import_module(f"{package.__name__}.{name}") for name in names]
    return [m for m in modules if not hasattr(m, "__path__")]  # modules, not subpackages


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_package_all_is_the_union_of_its_modules(package: ModuleType) -> None:
    expected = sorted(name for module in _submodules(package) for name in module.__all__)
    assert sorted(package.__all__) == expected
    assert len(set(package.__all__)) == len(package.__all__), "a name is exported twice"


def test_the_package_exports_at_most_its_budget() -> None:
    names = [name for package in PACKAGES for name in package.__all__]
    assert len(names) <= PUBLIC_BUDGET, sorted(names)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_public_callable_has_a_doctest(package: ModuleType) -> None:
    undocumented = []
    for module in _submodules(package):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                doc = inspect.getdoc(obj) or ""
                if ">>>" not in doc:
                    undocumented.append(f"{module.__name__}.{name}")
    assert undocumented == []


def test_every_result_class_of_the_compute_layer_has_a_doctest() -> None:
    # result dataclasses are not exported, but a reader meets them: each shows how it is made
    undocumented = []
    for module in _submodules(embedlib):
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and obj.__module__ == module.__name__ and name[0] != "_":
                if ">>>" not in (inspect.getdoc(obj) or ""):
                    undocumented.append(f"{module.__name__}.{name}")
    assert undocumented == []


def test_no_compute_function_is_longer_than_50_lines() -> None:
    long = []
    for path in sorted(Path(embedlib.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1  # signature and docstring included
                if lines > 50:
                    long.append((f"{path.name}:{node.name}", lines))
    assert long == []


def test_importing_embedlib_does_not_import_matplotlib() -> None:
    code = "import sys, embedlib; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
