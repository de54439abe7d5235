"""The pinned PDF stack: pdfminer.six without pickled CMaps, pdfplumber pinned exactly."""

from __future__ import annotations

import ast
import inspect
import re
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_installed_versions():
    # pdfminer.six 20251230 dropped loading pickled CMaps (CVE-2025-64512, CVE-2025-70559);
    # pdfplumber pins pdfminer.six exactly, so pdfplumber is what is pinned.
    assert int(version("pdfminer.six")) >= 20251230
    assert version("pdfplumber") == "0.11.10"


def test_requirements_pin_them():
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / "requirements.txt").read_text(),
                           re.M))
    assert pins["pdfplumber"] == "0.11.10"
    assert int(pins["pdfminer.six"]) >= 20251230


def test_cmap_loader_reads_no_pickles():
    from pdfminer import cmapdb

    source = inspect.getsource(cmapdb)
    assert "pickle" not in source


def test_pipeline_never_asks_for_ghostscript_repair():
    # pdfplumber's repair=True runs Ghostscript on the input: no call passes it.
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    assert kw.arg not in ("repair", "gs_path") or (
                        isinstance(kw.value, ast.Constant) and not kw.value.value), (
                        f"{path.name}:{node.lineno}")
