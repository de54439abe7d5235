"""The layout of pipeline/: imports point down the layers, modules stay small, packages say
where they stand.

``pipeline.LAYERS`` orders the top-level modules and packages, lowest first; a module may
import its own layer and those before it (imports inside functions count too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pipeline

ROOT = Path(pipeline.__file__).resolve().parent
#: Lines a module may have (docstrings and comments count).
MAX_MODULE_LINES = 600


def _layer_of() -> dict[str, int]:
    return {name: i for i, names in enumerate(pipeline.LAYERS) for name in names}


#: Modules still over MAX_MODULE_LINES, to be split along their seams (the test fails once
#: one is split and still listed, so that the list only shrinks).
OVERSIZE: set[str] = set()


def _modules(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _top(path: Path, root: Path = ROOT) -> str:
    """The top-level name (module or package) a file belongs to: "readers", "extract"."""
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, top-level pipeline name) of every import of a pipeline module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(root)
    package = list(rel.parts[:-1])  # the file's package, relative to pipeline/
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                if node.level - 1 > len(package):
                    raise AssertionError(f"{rel}:{node.lineno} imports above pipeline/")
                parts = base + (node.module.split(".") if node.module else [])
            elif node.module and (node.module == "pipeline" or node.module.startswith("pipeline.")):
                parts = node.module.split(".")[1:]
            else:
                continue
            if parts:
                out.append((node.lineno, parts[0]))
            else:  # from . import x / from pipeline import x
                out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("pipeline."):
                    out.append((node.lineno, a.name.split(".")[1]))
    return out


def test_every_top_level_module_and_package_has_a_layer():
    layer = _layer_of()
    names = {_top(p) for p in _modules()} - {"__init__"}
    assert names - set(layer) == set(), "add it to pipeline.LAYERS"
    assert set(layer) - names == set(), "pipeline.LAYERS names what is not there"


def _upward_imports(root: Path = ROOT) -> list[str]:
    layer = _layer_of()
    upward = []
    for path in _modules(root):
        here = _top(path, root)
        if here == "__init__":
            continue
        for line, name in _imported(path, root):
            if name in ("__version__", "LAYERS"):
                continue
            if layer.get(name, len(layer)) > layer.get(here, -1):
                upward.append(f"{path.relative_to(root.parent)}:{line} ({here}) imports {name}")
    return upward


def test_imports_point_down_the_layers():
    assert _upward_imports() == []


def test_an_import_of_a_later_layer_is_caught(tmp_path):
    root = tmp_path / "pipeline"
    (root / "table").mkdir(parents=True)
    (root / "table" / "header.py").write_text("from ..review.diff import diff_versions\n"
                                              "from ..text import glyphs\n", encoding="utf-8")
    (root / "extract.py").write_text("def f():\n    from pipeline.batch import local\n",
                                     encoding="utf-8")
    assert _upward_imports(root) == ["pipeline/extract.py:2 (extract) imports batch",
                                     "pipeline/table/header.py:1 (table) imports review"]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if str(path.relative_to(ROOT)) in OVERSIZE:
        assert lines > MAX_MODULE_LINES, "split: take it off OVERSIZE"
    else:
        assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it along its seams"


@pytest.mark.parametrize("package", sorted(p.parent for p in ROOT.glob("*/__init__.py")),
                         ids=lambda p: p.name)
def test_every_package_says_its_place_in_the_flow(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 80, "the package docstring says what it holds and its place"
