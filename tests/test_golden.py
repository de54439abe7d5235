"""End to end on the replicas: the CLI's output equals the hand-checked gold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.goldtables import FIXTURES, GOLD_2021, GOLD_2023, load_gold, score_module

ROOT = Path(__file__).resolve().parents[1]
RAW_2021 = ROOT / "raw" / "notice-2021.pdf"
INVENTED_2023 = FIXTURES / "notice-2023-synthetic-INVENTED.pdf"
CASES = {"2021": (RAW_2021, GOLD_2021), "2023-invented": (INVENTED_2023, GOLD_2023)}



@pytest.fixture(scope="module", params=sorted(CASES))
def extracted(request, tmp_path_factory):
    pdf, gold = CASES[request.param]
    out = tmp_path_factory.mktemp(request.param) / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(pdf),
                           "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    return out, load_gold(gold)


def test_golden_every_cell_task_citation_and_department(extracted):
    out, gold = extracted
    result = score_module().score(gold, out)
    wrong = {k: v for k, v in result.items() if k.endswith(("_missing", "wrong_cells")) and v}
    assert result["items_found"] == result["items_expected"]
    assert result["cells_exact"] == 1.0, wrong
    for measure in ("tasks_f1", "citations_f1", "departments_f1"):
        assert result[measure] == 1.0, (measure, wrong)


def test_golden_notice_facts(extracted):
    out, gold = extracted
    notice = json.loads((out / "notice.json").read_text(encoding="utf-8"))
    expected = gold["notice"]
    for key in ("doc_no", "date", "title", "list_title", "issuers", "parent_doc_no"):
        assert notice[key] == expected[key], key
    assert notice["item_count"] == len(gold["items"])
    assert notice["version"].startswith(expected["date"])


def test_golden_page_provenance_of_rows_cut_by_page_breaks(tmp_path):
    # Pages as printed in the replica: the list starts on page 3; items 3, 21 and 27
    # are cut by page breaks (checked by eye against the PDF).
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW_2021), "--out", str(out),
                    "--force"], cwd=ROOT, check=True, capture_output=True, timeout=120)
    items = pd.read_parquet(out / "items.parquet").set_index("seq")
    assert (items.loc[1, "page_start"], items.loc[1, "page_end"]) == (3, 3)
    assert (items.loc[3, "page_start"], items.loc[3, "page_end"]) == (3, 4)
    assert (items.loc[21, "page_start"], items.loc[21, "page_end"]) == (9, 10)
    assert (items.loc[27, "page_start"], items.loc[27, "page_end"]) == (13, 14)
    assert (items["page_start"] <= items["page_end"]).all()
    assert items["page_start"].is_monotonic_increasing


def test_golden_outputs_are_typed_and_csv_has_a_bom(extracted):
    out, _ = extracted
    items = pd.read_parquet(out / "items.parquet")
    assert str(items["seq"].dtype) == "Int64" and str(items["name"].dtype) == "str"
    assert (out / "items.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"items.parquet", "items.csv", "notice.json"} <= set(manifest["files"])
