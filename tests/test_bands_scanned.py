"""A wide list printed in column bands, then scanned (issue 19: every reader that has
pages): the OCR'd pages' tables line up band to band as the text layer's do, and every
column is read.  Slow: four pages of OCR."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests import hostile
from tests.formats.scan import Scan, scan_pdf
from tests.render.wide import Printing, agreement, render_bands, wide_list

pytestmark = pytest.mark.slow

ROWS = 14


def test_bands_of_a_scanned_print_are_joined_and_every_column_read(tmp_path):
    wide = wide_list(4, ROWS)
    made = render_bands(wide, tmp_path / "printed.pdf",
                        Printing(paper="A3", orientation="landscape", font_size=10.0))
    assert (len(made.bands), made.row_pages) == (2, 2)
    scan = scan_pdf(made.path, tmp_path / "scanned.pdf", Scan(tilt=0.3, noise=4))
    run = hostile.run_cli("extract", scan, "--out", tmp_path / "v", timeout=900)
    assert run.returncode == 0, run.stderr
    notice = json.loads((tmp_path / "v" / "notice.json").read_text(encoding="utf-8"))
    assert notice["source_format"] == "pdf-scan"
    assert notice["column_bands"] == {"order": "down, then over", "pages": [[1, 2], [3, 4]]}
    assert notice["unread_pages"] == []
    found = agreement(made.items, pd.read_parquet(tmp_path / "v" / "items.parquet")
                      .to_dict("records"))
    assert found.rows == (ROWS, ROWS) and not found.missing
    assert found.chars >= 0.97 and found.names >= 0.9, found.worst
