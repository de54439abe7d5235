"""The real CSRC list (../shared/real/csrc-2018q3.pdf: 85 pages, one band of columns, the
same row heights on most pages): not taken for a list printed in column bands, and every
page read (issue 19).  Slow: the whole list is extracted (once per test run: conftest's
csrc_folder, shared with the other CSRC tests)."""

from __future__ import annotations

import json

import pytest

from tests import hostile

CSRC = hostile.ROOT.parent / "shared" / "real" / "csrc-2018q3.pdf"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CSRC.is_file(), reason=f"{CSRC} is not here")]


def test_csrc_list_of_one_band_reads_every_page_and_joins_none(csrc_folder):
    notice = json.loads((csrc_folder / "notice.json").read_text(encoding="utf-8"))
    assert notice["column_bands"] is None
    assert notice["unread_pages"] == []
    assert notice["table_pages"] == [1, 85] and notice["item_count"] == 3563
    stderr = (csrc_folder.parent / "stderr.txt").read_text(encoding="utf-8")
    assert "warning:" not in stderr and "column bands" not in stderr
