"""Extract a rendered PDF with the pipeline and score it against its source.

Shared by tests/test_layouts.py and ``python -m tests.render --score``.  The
scorer is tests/fixtures/shared/score.py (white space removed, full-width ASCII
folded, nothing else); every measure must be 1.0 for a layout to pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.goldtables import score_module

ROOT = Path(__file__).resolve().parents[2]
MEASURES = (
    "field_name",
    "field_content",
    "field_basis_text",
    "field_department_text",
    "field_remarks",
    "tasks_f1",
    "citations_f1",
    "departments_f1",
)



def _extract(pdf: Path, out_dir: Path) -> None:
    """Write items/tasks/citations/departments .parquet for ``pdf`` into ``out_dir``.

    In-process through ``pipeline.extract.run`` and ``pipeline.output.write.write_tables``
    (fast); with LAYOUT_EXTRACT=cli
    through ``python -m pipeline extract PDF --out DIR`` instead.
    """
    if os.environ.get("LAYOUT_EXTRACT") == "cli":
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline", "extract", str(pdf), "--out", str(out_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"extract exited {proc.returncode}: {proc.stderr.strip()[-1500:]}")
        return
    from pipeline import extract
    from pipeline.output import write

    result = extract.run(pdf)
    # The pipeline's own writer, so the scorer reads exactly what the CLI would write.
    write.write_tables(result.frames(), out_dir)


def _first_difference(want: str, got: str) -> str:
    w, g = score_module().norm(want), score_module().norm(got)
    i = next((k for k in range(min(len(w), len(g))) if w[k] != g[k]), min(len(w), len(g)))
    lo = max(0, i - 12)
    return f"at {i}: want …{w[lo : i + 25]}… got …{g[lo : i + 25]}…"


def explain(gold: dict, out_dir: Path, result: dict, limit: int = 8) -> str:
    """Human-readable lines for what is wrong in a scored extraction."""
    import pandas as pd

    lines = []
    bad = {m: round(result.get(m, 0.0), 4) for m in MEASURES if result.get(m) != 1.0}
    lines.append(
        f"score={result.get('score')} items {result.get('items_found')}/"
        f"{result.get('items_expected')} not 1.0: {bad}"
    )
    if "error" in result:
        lines.append(f"error: {result['error']}")
        return "\n".join(lines)
    items = pd.read_parquet(Path(out_dir) / "items.parquet")
    by_seq = {int(r["seq"]): r for _, r in items.iterrows()}
    want = {it["seq"]: it for it in gold["items"]}
    for seq, field in result.get("wrong_cells", [])[:limit]:
        row = by_seq.get(seq)
        got = "" if row is None else str(row.get(field) or "")
        lines.append(
            f"  item {seq} {field}: "
            + ("missing row" if row is None else _first_difference(want[seq].get(field) or "", got))
        )
    for key in ("tasks_missing", "citations_missing", "departments_missing"):
        if result.get(key):
            lines.append(f"  {key}: {result[key][:4]}")
    for key in ("tasks_error", "citations_error", "departments_error"):
        if result.get(key):
            lines.append(f"  {key}: {result[key]}")
    return "\n".join(lines)


def score_pdf(pdf: Path, gold: dict, out_dir: Path) -> dict:
    """Extract ``pdf`` into ``out_dir`` and return score.py's result (``error`` on failure)."""
    try:
        _extract(Path(pdf), Path(out_dir))
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}", "score": 0.0}
    return score_module().score(gold, out_dir)
