"""The manifest of known notices (``raw/notices.json``): what each must yield.

    read_manifest(path=None) → {sha256: KnownNotice}

One entry per notice PDF this project has checked by hand: file name, sha256,
version folder name, document number and the number of list items a correct
extraction holds.  ``validate`` looks a folder up by its notice.json
``source_sha256``; a file that is not listed has no expected count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import PipelineError

#: The project's manifest, next to the PDFs it describes.
MANIFEST_PATH = Path(__file__).resolve().parents[2] / "raw" / "notices.json"
_REQUIRED = ("file", "sha256", "expected_items")


@dataclass(frozen=True)
class KnownNotice:
    """One notice of the manifest."""

    file: str
    sha256: str
    expected_items: int
    version: str | None = None
    doc_no: str | None = None


def read_manifest(path: Path | None = None) -> dict[str, KnownNotice]:
    """Read the manifest; return its notices keyed by sha256 (lower case hex).

    In: ``path`` to a manifest JSON (default ``raw/notices.json``).  A missing
    default manifest gives ``{}`` (no notice is known); a missing explicit one,
    or a malformed entry, raises ``PipelineError`` naming the file and entry.
    """
    explicit = path is not None
    path = Path(path) if explicit else MANIFEST_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if explicit:
            raise PipelineError("manifest not found", file=str(path)) from None
        return {}
    except (OSError, ValueError) as e:
        raise PipelineError(f"manifest unreadable: {e}", file=str(path)) from None
    notices: dict[str, KnownNotice] = {}
    for i, entry in enumerate(data.get("notices", []) if isinstance(data, dict) else [None]):
        missing = [k for k in _REQUIRED if not isinstance(entry, dict) or entry.get(k) is None]
        count = entry.get("expected_items") if isinstance(entry, dict) else None
        if missing or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise PipelineError(
                f"entry {i}: found {entry!r}, expected file, sha256 and expected_items "
                "(a positive integer)", file=str(path),
                hint="see the description at the top of the manifest")
        notice = KnownNotice(file=entry["file"], sha256=str(entry["sha256"]).lower(),
                             expected_items=count, version=entry.get("version"),
                             doc_no=entry.get("doc_no"))
        notices[notice.sha256] = notice
    return notices
