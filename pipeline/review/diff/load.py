"""Read an extracted version folder as the diff sees it.

    load_version(path) → Version
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline import schema
from pipeline.errors import InputError

from .measure import squash
from .model import Version


def load_version(path: Path) -> Version:
    """Read an extracted folder (``NAME.parquet`` + ``notice.json``) as the diff sees it.

    Raises ``InputError`` when the folder is not an extraction (no items.parquet,
    unreadable tables, missing columns, 序号 not unique).  Missing
    ``tasks``/``citations``/``departments`` tables of a specific profile's folder
    are derived from the items cells (one task per line, one citation per 《…》
    line, departments split at 、), so a folder written before those tables
    existed still compares.
    """
    import pandas as pd

    if not path.is_dir():
        raise InputError("not a folder", file=str(path),
                         hint="pass an extracted version folder (or a PDF to the CLI)")
    items_file = path / "items.parquet"
    if not items_file.is_file():
        raise InputError("no items.parquet: not an extracted version folder", file=str(path),
                         hint="run `python -m pipeline extract PDF --out DIR` first")
    notice = _read_json(path / "notice.json") or {}
    generic, columns = _profile_of(path, notice)
    rows: dict[str, list[dict]] = {}
    for table in schema.version_tables(generic, columns):
        f = path / f"{table.name}.parquet"
        if not f.is_file():
            continue
        try:
            df = pd.read_parquet(f)
        except Exception as exc:  # pyarrow raises several unrelated types
            raise InputError(f"cannot read {f.name}: {exc}", file=str(path)) from exc
        missing = [c for c in table.column_names if c not in df.columns
                   and not table.column(c).nullable]
        if missing:
            raise InputError(f"{f.name} lacks columns {missing}", file=str(path),
                             hint="re-extract with this pipeline version")
        df = df[[c for c in table.column_names if c in df.columns]]
        rows[table.name] = df.astype(object).where(df.notna(), None).to_dict("records")
    seqs = [r["seq"] for r in rows["items"]]
    if any(s is None for s in seqs) or len(set(seqs)) != len(seqs):
        dup = sorted({s for s in seqs if s is not None and seqs.count(s) > 1})
        raise InputError(f"items.seq must be unique and non-null (duplicates: {dup})",
                         file=str(path), column="seq",
                         hint="validate the folder: `python -m pipeline validate DIR`")
    version = Version(path, "", notice, None, rows, generic, columns)
    for r in rows["items"]:
        for f in version.fields:
            r[f] = r.get(f) or ""
    if generic:
        for t in schema.PARSED_TABLES:
            rows.setdefault(t, [])
    else:
        _derive_missing(rows)
    version.validation = _read_json(path / "validation.json")
    version.label = str(notice.get("doc_no") or notice.get("version") or path.name)
    return version


def _profile_of(path: Path, notice: dict) -> tuple[bool, list[dict]]:
    """Whether the folder holds a generic list, and its ``columns`` rows (if written)."""
    import pandas as pd

    from pipeline.profiles import load_profiles

    profile = load_profiles().get(notice.get("profile") or "")
    generic = bool(profile and profile.generic)
    f = path / "columns.parquet"
    if not f.is_file():
        if generic:
            raise InputError("no columns.parquet: a generic list's folder must have one",
                             file=str(path), hint="re-extract with this pipeline version")
        return False, []
    try:
        df = pd.read_parquet(f)
    except Exception as exc:  # pyarrow raises several unrelated types
        raise InputError(f"cannot read {f.name}: {exc}", file=str(path)) from exc
    return generic, df.astype(object).where(df.notna(), None).to_dict("records")


def _read_json(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path.name}: {exc}", file=str(path.parent)) from exc
    return data if isinstance(data, dict) else None


_LAW = re.compile(r"《(?P<law>[^》]*)》(?:[（(](?P<note>[^）)]*)[）)])?(?P<refs>[^《]*)")


def _derive_missing(rows: dict[str, list[dict]]) -> None:
    """Fill absent sub-tables from the items cells (a coarse stand-in)."""
    items = rows["items"]
    if "tasks" not in rows:
        rows["tasks"] = [{"seq": it["seq"], "task_no": n, "level": 1, "section": None,
                          "marker": None, "text": line}
                         for it in items
                         for n, line in enumerate(_lines(it["tasks_text"]), 1)]
    if "citations" not in rows:
        rows["citations"] = []
        for it in items:
            n = 0
            for m in _LAW.finditer(it["basis_text"]):
                refs = [r for r in re.split(r"[、，,\s]+", m["refs"]) if r] or [None]
                for ref in refs:
                    n += 1
                    rows["citations"].append({"seq": it["seq"], "citation_no": n,
                                              "law": m["law"], "note": m["note"],
                                              "article_ref": ref})
    if "departments" not in rows:
        rows["departments"] = [{"seq": it["seq"], "department_no": n, "department": d}
                               for it in items
                               for n, d in enumerate(
                                   (d for d in re.split(r"[、，,]", squash(
                                       it["department_text"])) if d), 1)]


def _lines(text: str) -> list[str]:
    return [s for s in (squash(x) for x in text.splitlines()) if s]
