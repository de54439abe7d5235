"""Version folders built from the gold, without reading a PDF (dataset and notebook tests).

``write_gold_version(root, "2021")`` writes ``root/<version>/`` as
``python -m pipeline extract`` would (tables, notice.json, manifest.json), from
the hand-checked gold of the 2021 notice or of the invented 2023 version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline import __version__
from pipeline.output.write import write_tables
from tests.goldtables import FIXTURES, GOLD_2021, GOLD_2023, gold_frames, load_gold

ROOT = Path(__file__).resolve().parents[1]
#: Gold and PDF of each known version (the PDF only gives the file name and hash).
GOLD_VERSIONS = {
    "2021": (GOLD_2021, ROOT / "raw" / "notice-2021.pdf"),
    "2023": (GOLD_2023, FIXTURES / "notice-2023-synthetic-INVENTED.pdf"),
}


def gold_notice(which: str) -> dict:
    """notice.json for a gold version, as the extraction writes it (pages unknown)."""
    gold_path, pdf = GOLD_VERSIONS[which]
    gold = load_gold(gold_path)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    return {
        **gold["notice"],
        "version": f"{gold['notice']['date']}_{digest[:8]}",
        "item_count": len(gold["items"]),
        "source_file": pdf.name,
        "source_sha256": digest,
        "page_count": None,
        "table_pages": None,
        "pipeline_version": __version__,
        "extracted_at": "2024-01-01T00:00:00Z",
    }


def write_gold_version(root: Path, which: str) -> Path:
    """Write the gold version ``which`` ("2021" or "2023") under ``root``; return its folder."""
    notice = gold_notice(which)
    frames = gold_frames(load_gold(GOLD_VERSIONS[which][0]))
    return write_tables(frames, Path(root) / notice["version"], {"notice.json": notice})
