"""Generate the list in other formats (Word, Excel, web page) from a gold file, for tests.

One module per format family (docx, sheet, web), each with its own variations;
the expected extraction of every generated file is the gold it came from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import hostile
from tests.render.pdf_soffice import soffice_binary

#: For cases that need LibreOffice (conversions of .doc/.wps/.odt/.rtf, .xls/.ods/.et).
needs_soffice = pytest.mark.skipif(soffice_binary() is None,
                                   reason="LibreOffice is not installed (libreoffice-writer-nogui)")


def extract_notice(path: Path, out: Path, *args: str, timeout: float = 120) -> dict:
    """``python -m pipeline extract PATH --out OUT ARGS`` must succeed: its notice.json."""
    run = hostile.run_cli("extract", path, "--out", out, *args, timeout=timeout)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return json.loads((out / "notice.json").read_text(encoding="utf-8"))
