"""Every third-party package the package code imports is a declared runtime dependency.

A module that is only installed because something else pulls it in (scipy was), or only
with the test extras (pypdf was, but `integratiescan verify` reads PDFs), breaks on a fresh
`pip install -e .` while every test here still passes.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_level_modules(package: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_package_imports_are_declared_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        _normalise(re.split(r"[<>=!~\[;\s]", req, maxsplit=1)[0]) for req in project["dependencies"]
    }
    distributions = packages_distributions()
    modules = _imported_top_level_modules(ROOT / "src" / "integratiescan")
    third_party = {
        m: paths
        for m, paths in modules.items()
        if m not in sys.stdlib_module_names and m != "integratiescan"
    }
    assert {"pandas", "pypdf", "scipy"} <= set(third_party)  # the scan sees lazy imports too
    undeclared = {
        module: sorted(paths)
        for module, paths in third_party.items()
        if not any(_normalise(d) in declared for d in distributions.get(module, [module]))
    }
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"
