"""Combine every extracted version into one dataset that a single read gets at once.

    build_dataset(extracted_root) → extracted_root/dataset

Every complete version folder under the root (one with ``manifest.json``; the
dataset itself, ``diffs/`` and dot-folders are not versions) contributes its
tables to a Hive-partitioned folder::

    dataset/<table>/version=<version folder name>/part-0.parquet

for ``items``, ``tasks``, ``citations``, ``departments`` and ``versions`` (one
row per version from its notice.json).  The version lives in the path only:
pandas (``pd.read_parquet("extracted/dataset/items")``) and DuckDB
(``FROM 'extracted/dataset/items/*/*.parquet'``) add it as a ``version``
column.  Version folder names start with the date, so path order is version
order; inside a partition rows are sorted by the table's key (``schema``).

Every version must have exactly the columns and types of ``pipeline/schema.py``
(a folder written by another pipeline version is named, with the fix).  The
dataset is built in a temporary folder beside it and swapped in whole, so a
re-run replaces it and a failed run leaves the previous one as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema
from ..errors import PipelineError
from .write import read_manifest, replace_folder

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Name of the dataset folder inside the extracted root.
DATASET_DIR = "dataset"
#: Folders of the extracted root that are not versions (besides dot-folders).
NOT_VERSIONS = frozenset({DATASET_DIR, "diffs", "site"})
#: Name of the data file in each partition.
PART_FILE = "part-0.parquet"
#: A version name must be usable as a Hive partition value as it is: readers
#: split the path at "=" and "/" and some URL-decode "%".
_PARTITION_VALUE = re.compile(r"[^=/\\%]+")


VERSIONS = schema.VERSIONS
#: The dataset's tables, in the order they are written.
DATASET_TABLES: tuple[schema.Table, ...] = (*schema.EXTRACTION_TABLES, VERSIONS)


def build_dataset(extracted_root: Path, note: Callable[[str], None] | None = None) -> Path:
    """Write ``extracted_root/dataset/<table>/version=<v>/part-0.parquet`` for every version.

    In: the root of the version folders (``extracted``).  Out: the dataset
    folder.  Versions of lists read by the generic profile have tables of their
    own columns, which one dataset cannot share: they are left out, and
    ``note`` (if given) is told which.  Raises ``PipelineError`` when the root
    holds no complete version, when a version's tables differ from
    ``pipeline/schema.py`` (folder, file, column, found vs expected), or when
    the folder cannot be written.
    """
    root = Path(extracted_root)
    folders = _version_folders(root)
    generic = [f for f in folders if _generic(f)]
    if generic and note:
        note(f"left out of the dataset, lists read by the generic profile (their columns are "
             f"their own; use their folders): {', '.join(f.name for f in generic)}")
    folders = [f for f in folders if f not in generic]
    if not folders:
        raise PipelineError("no extracted version of a list with the contract's columns",
                            file=str(root), hint="the dataset gathers lists read by a "
                            "specific profile (notice.json: profile)")
    frames: dict[str, list[tuple[str, pd.DataFrame]]] = {t.name: [] for t in DATASET_TABLES}
    for folder in folders:
        for table in schema.EXTRACTION_TABLES:
            frames[table.name].append((folder.name, _read_table(folder, table)))
        frames[VERSIONS.name].append((folder.name, _version_row(folder)))
    def build(tmp: Path) -> None:
        for name, parts in frames.items():
            for version, df in parts:
                part = tmp / name / f"version={version}"
                part.mkdir(parents=True)
                df.to_parquet(part / PART_FILE, index=False)

    return replace_folder(root / DATASET_DIR, build)


def _generic(folder: Path) -> bool:
    from ..profiles import load_profiles

    try:
        name = json.loads((folder / "notice.json").read_text(encoding="utf-8")).get("profile")
    except (OSError, ValueError, AttributeError):
        return False
    profile = load_profiles().get(name or "")
    return bool(profile and profile.generic)


def _version_folders(root: Path) -> list[Path]:
    """Complete version folders under ``root``, in name (= version) order."""
    if not root.is_dir():
        raise PipelineError("no such folder", file=str(root),
                            hint="extract a notice first: python -m pipeline extract PDF")
    folders = []
    for path in sorted(root.iterdir()):
        if (not path.is_dir() or path.name.startswith(".") or path.name in NOT_VERSIONS
                or read_manifest(path) is None):
            continue
        if not _PARTITION_VALUE.fullmatch(path.name):
            raise PipelineError(
                "version folder name cannot be a dataset partition (it holds = / \\ or %)",
                file=str(path), hint="rename the folder, or extract again without --out")
        folders.append(path)
    if not folders:
        raise PipelineError("no extracted version (a folder with manifest.json) found",
                            file=str(root),
                            hint="extract a notice first: python -m pipeline extract PDF")
    return folders


def _read_table(folder: Path, table: schema.Table) -> pd.DataFrame:
    """One version's table, checked against the schema, typed and sorted by its key."""
    import pandas as pd

    path = folder / f"{table.name}.parquet"
    if not path.is_file():
        raise PipelineError(f"{path.name} is missing", file=str(folder),
                            hint="re-extract this notice: python -m pipeline extract PDF --force")
    _check_schema(folder, table, _arrow_schema(folder, path))
    df = table.conform(pd.read_parquet(path))
    key = list(table.key) or ["seq"]
    return df.sort_values(key, kind="stable", ignore_index=True)


def _arrow_schema(folder: Path, path: Path) -> pa.Schema:
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path)
    except Exception as e:  # pyarrow raises several unrelated types for a bad file
        raise PipelineError(f"cannot read {path.name}: {e}", file=str(folder)) from None


def _check_schema(folder: Path, table: schema.Table, found: pa.Schema) -> None:
    """Raise naming ``folder`` unless its columns and types are the schema's."""
    problems = []
    missing = [c for c in table.column_names if c not in found.names]
    if missing:
        problems.append(f"missing columns {missing}")
    extra = [n for n in found.names if n not in table.column_names]
    if extra:
        problems.append(f"columns not in the schema {extra}")
    for c in table.columns:
        if c.name in found.names and not _same_type(found.field(c.name).type, c.type):
            problems.append(f"column {c.name} is {found.field(c.name).type}, expected "
                            f"{schema.ARROW_TYPES[c.type]}")
    if problems:
        raise PipelineError(
            f"{table.name}.parquet differs from the schema every version must share: "
            + "; ".join(problems), file=str(folder),
            hint="it was written by another pipeline version; re-extract this notice "
                 "(python -m pipeline extract PDF --force) or move the folder out of the root")


def _same_type(arrow_type: pa.DataType, type_: str) -> bool:
    import pyarrow as pa

    if type_ == "int":
        return pa.types.is_int64(arrow_type)
    if type_ == "float":
        return pa.types.is_floating(arrow_type) or pa.types.is_null(arrow_type)
    # pandas writes its string dtype as string or large_string depending on its version;
    # both read back as the same text column.
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)


def _version_row(folder: Path) -> pd.DataFrame:
    """The ``versions`` row of one folder (without ``version``: that is the partition)."""
    try:
        notice = json.loads((folder / "notice.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise PipelineError(f"cannot read notice.json: {e}", file=str(folder)) from None
    row = {c: notice.get(c) for c in VERSIONS.column_names}
    row["version"] = folder.name
    return VERSIONS.frame([row]).drop(columns="version")
