"""OCR confidence (issue 12): every flagged OCR'd cell is a validation warning naming
item and column, and validation.html shows it with its crop, so that a person can
check it; OCR cells never fail a folder that is otherwise right.

The folder is made by hand (ocr_cells.parquet and PNG crops written here), so the
checks do not wait on the OCR reader."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.quality.validate import REPORT_HTML, REPORT_JSON, validate_extraction
from tests.folders import gold_folder
from tests.goldtables import GOLD_2021

#: (seq, field, page, conf, text, low_chars, seal_chars, flagged, crop)
CELLS = [
    (4, "name", 3, 0.62, "协助做好困难群众救助", "救", "", True, "ocr/4-name.png"),
    (4, "content", 3, 0.99, "协助开展工作", "", "", False, None),
    (9, "department_text", 5, 0.91, "应急管理部门", "", "章", True, "ocr/9-department_text.png"),
    (12, "remarks", 6, 0.98, "", "", "", False, None),
]


def ocr_frame(cells=CELLS) -> pd.DataFrame:
    """The ocr_cells table as the OCR reader writes it (columns of issue 12)."""
    columns = ["seq", "field", "page", "conf", "text", "low_chars", "seal_chars", "flagged",
               "crop"]
    df = pd.DataFrame([dict(zip(columns, c, strict=True)) for c in cells], columns=columns)
    types = {"seq": "Int64", "page": "Int64", "conf": "Float64", "flagged": "boolean"}
    return df.astype({c: types.get(c, "string") for c in columns})


def _png(path: Path, shade: int) -> bytes:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (60, 18), shade).save(path, format="PNG")
    return path.read_bytes()


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    return gold_folder(GOLD_2021, tmp_path_factory.mktemp("gold") / "2021")


def _ocr_folder(gold: Path, path: Path, cells=CELLS) -> Path:
    folder = Path(shutil.copytree(gold, path))
    ocr_frame(cells).to_parquet(folder / "ocr_cells.parquet", index=False)
    items = pd.read_parquet(folder / "items.parquet")
    conf = {seq: min(c[3] for c in cells if c[0] == seq) for seq in {c[0] for c in cells}}
    items["ocr_min_conf"] = pd.array([conf.get(s) for s in items["seq"]], dtype="Float64")
    items.to_parquet(folder / "items.parquet", index=False)
    notice = json.loads((folder / "notice.json").read_text(encoding="utf-8"))
    (folder / "notice.json").write_text(json.dumps({**notice, "source_format": "pdf-scan"},
                                                   ensure_ascii=False), encoding="utf-8")
    for i, cell in enumerate(cells):
        if cell[8]:
            _png(folder / cell[8], 40 * i)
    return folder


def test_each_flagged_cell_is_one_warning_naming_item_and_column(gold, tmp_path):
    result = validate_extraction(_ocr_folder(gold, tmp_path / "x"))
    assert result.success, result.failure_lines()
    lines = [w for w in result.warning_lines() if "ocr_check_cell" in w]
    assert len(lines) == 2
    assert lines[0].startswith("ocr_cells.flagged: ocr_check_cell: seq 4 field name")
    assert "conf 0.62" in lines[0] and "low_chars '救'" in lines[0]
    assert "seal_chars" not in lines[0]  # nothing seal-like: not shown
    assert "seq 9 field department_text" in lines[1] and "seal_chars '章'" in lines[1]
    assert not any("ocr_crop_present" in w for w in result.warning_lines())


def test_the_report_shows_each_flagged_cell_with_its_crop(gold, tmp_path):
    folder = _ocr_folder(gold, tmp_path / "x")
    validate_extraction(folder)
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    assert "OCR'd cells to check by eye (2)" in page
    crops = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert [base64.b64decode(c) for c in crops] == [
        (folder / "ocr/4-name.png").read_bytes(),
        (folder / "ocr/9-department_text.png").read_bytes()]
    assert "协助做好困难群众救助" in page and "name (事项名称)" in page
    assert not re.search(r"https?:", page)  # still nothing fetched from anywhere
    report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    assert [(c["seq"], c["field"]) for c in report["ocr_cells"]] == [
        (4, "name"), (9, "department_text")]


def test_a_missing_or_escaping_crop_is_a_warning_not_a_read(gold, tmp_path):
    cells = [CELLS[0], (9, "department_text", 5, 0.91, "应急管理部门", "", "章", True,
                        "../../outside.png")]
    folder = _ocr_folder(gold, tmp_path / "x", cells)
    (folder / "ocr/4-name.png").unlink()
    _png(tmp_path / "outside.png", 0)
    result = validate_extraction(folder)
    assert result.success, result.failure_lines()
    (line,) = [w for w in result.warning_lines() if "ocr_crop_present" in w]
    assert "seq 4 field name" in line and "seq 9 field department_text" in line
    page = (folder / REPORT_HTML).read_text(encoding="utf-8")
    assert "<img" not in page and "missing: ocr/4-name.png" in page


def test_an_ocr_cell_of_no_item_or_a_confidence_out_of_range_fails(gold, tmp_path):
    cells = [CELLS[0], (99, "name", 3, 1.5, "无", "", "", False, None)]
    result = validate_extraction(_ocr_folder(gold, tmp_path / "x", cells))
    failed = result.failure_lines()
    assert any(x.startswith("ocr_cells._item_exists: item_exists") and "seq 99" in x
               for x in failed)
    assert any(x.startswith("ocr_cells.conf: ocr_conf_range") for x in failed)


def test_a_folder_without_ocr_cells_has_no_ocr_checks(gold, tmp_path):
    result = validate_extraction(Path(shutil.copytree(gold, tmp_path / "x")))
    assert result.success
    assert not [c for c in result.checks if c.table == "ocr_cells"]
    assert result.ocr_cells == []
