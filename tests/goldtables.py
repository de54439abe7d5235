"""Turn a gold JSON (../shared/gold/README.md) into the contract tables.

Tests use it to compare extractions row by row and to build extracted
folders without reading a PDF (for the validation, diff and dataset tests).
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
from pathlib import Path

from pipeline import schema
from pipeline.profiles import load_profiles

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = FIXTURES / "shared"  # copies of ../shared: CI has only this repository
GOLD_2021 = SHARED / "notice-2021.json"
GOLD_2023 = SHARED / "notice-2023-synthetic.json"


def load_gold(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@functools.cache
def score_module():
    """The shared scorer (score.py's ``score(gold, out_dir)`` and ``norm``), loaded once."""
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def csv_rows(path: Path) -> list[dict]:
    """An output CSV's rows as dicts (its BOM dropped)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def tasks_text(tasks: list[dict]) -> str:
    """The 协助工作细化事项 cell as the extraction writes it: one sub-item per line."""
    lines, section = [], None
    for t in tasks:
        if t.get("section") and t["section"] != section:
            section = t["section"]
            lines.append(f"{section}：")
        lines.append(f"{t['marker'] or ''}{t['text']}")
        lines.extend(f"{c['marker']}{c['text']}" for c in t["children"])
    return "\n".join(lines)


def gold_rows(gold: dict) -> dict[str, list[dict]]:
    """Rows of items, tasks, citations and departments (pages unknown: 1)."""
    rows: dict[str, list[dict]] = {t.name: [] for t in schema.EXTRACTION_TABLES}
    for it in gold["items"]:
        seq = it["seq"]
        rows["items"].append({
            "seq": seq, "name": it["name"], "content": it["content"],
            "tasks_text": tasks_text(it["tasks"]), "basis_text": it["basis_text"],
            "department_text": it["department_text"], "remarks": it.get("remarks") or "",
            "page_start": 1, "page_end": 1,
        })
        n = 0
        for t in it["tasks"]:
            n += 1
            parent = n
            rows["tasks"].append({"seq": seq, "task_no": n, "level": 1, "section": t.get("section"),
                                  "marker": t["marker"], "parent_no": None, "text": t["text"]})
            for c in t["children"]:
                n += 1
                rows["tasks"].append({"seq": seq, "task_no": n, "level": 2,
                                      "section": t.get("section"), "marker": c["marker"],
                                      "parent_no": parent, "text": c["text"]})
        n = 0
        for b in it["basis"]:
            for ref in b["articles"] or [None]:
                n += 1
                rows["citations"].append({"seq": seq, "citation_no": n, "law": b["law"],
                                          "note": b.get("note"), "article_ref": ref,
                                          "article": None, "paragraph": None})
        for i, d in enumerate(it["departments"], 1):
            rows["departments"].append({"seq": seq, "department_no": i, "department": d})
    rows["columns"] = assist_columns()
    return rows


def assist_columns() -> list[dict]:
    """The ``columns`` rows of a list read by the 2021 list's profile (printed order)."""
    profile = load_profiles()["assist"]
    labels = {c.name: c.label for c in schema.ITEMS.columns}
    return [{"position": i, "field": f, "label": labels[f], "role": rule.role}
            for i, f in enumerate(profile.printed_order, 1)
            for rule in profile.columns if rule.field == f]


def gold_frames(gold: dict) -> dict:
    """The gold as typed DataFrames keyed by table name (article numbers left null)."""
    return {name: schema.TABLES[name].frame(r) for name, r in gold_rows(gold).items()}
