"""Combine every extracted version into one dataset that a single read gets at once.

    build_dataset(extracted_root) → extracted_root/dataset

Every complete version folder under the root (one with ``manifest.json``; the
dataset itself, ``diffs/`` and dot-folders are not versions) contributes its
tables to a Hive-partitioned folder, by list family (the profile that read it,
``notice.json: profile``)::

    dataset/<table>/version=<version folder name>/part-0.parquet            assist lists
    dataset/<profile>/<table>/version=<version folder name>/part-0.parquet  every other family

The assist family's tables are the contract's (``items``, ``tasks``, ``citations``,
``departments``, ``columns``; a folder naming no profile is one of it); every other
family (``power``: 权责清单, ``generic``: any other ruled list) has the tables its
folders hold (``ocr_cells``, a review aid, left out).  Each family also has
``versions`` (one row per version from its notice.json).  The version lives in
the path only: pandas (``pd.read_parquet("extracted/dataset/power/items")``) and
DuckDB (``FROM 'extracted/dataset/power/items/*/*.parquet'``) add it as a
``version`` column.  Version folder names start with the date, so path order is
version order; inside a partition the assist family's rows are sorted by the
table's key (``schema``), other families' rows stay in document order.

Every assist version must have exactly the columns and types of
``pipeline/schema.py`` (a folder written by another pipeline version is named,
with the fix).  In another family, lists have columns of their own (a generic
list's printed columns, a 权责清单's other columns): every part of a table gets
the union of the family's columns (null where a list has no such column), so one
read gets every list whole; a column whose type differs between two versions is
named.  The dataset is built in a temporary folder beside it and swapped in
whole, so a re-run replaces it and a failed run leaves the previous one as it was.
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
#: A profile name becomes a folder of the dataset: plain lower-case words only.
_PROFILE_NAME = re.compile(r"[a-z][a-z0-9_]*")

VERSIONS = schema.VERSIONS
#: The dataset's tables of the assist family, in the order they are written.
DATASET_TABLES: tuple[schema.Table, ...] = (*schema.EXTRACTION_TABLES, VERSIONS)
#: The family whose tables are the contract's (``schema.EXTRACTION_TABLES``): its
#: versions sit at the dataset's root; a folder whose notice.json names no profile is one.
ROOT_PROFILE = "assist"
#: Tables of a version folder that are not the list's own (a review aid of OCR'd cells).
NOT_LIST_TABLES = frozenset({schema.OCR_CELLS.name})

_Parts = dict[str, list[tuple[str, "pd.DataFrame"]]]


def build_dataset(extracted_root: Path, note: Callable[[str], None] | None = None) -> Path:
    """Write the dataset folder (module docstring) from every version under the root.

    In: the root of the version folders (``extracted``); ``note`` (if given) is
    told where the lists of families other than assist went.  Out: the dataset
    folder.  Raises ``PipelineError`` when the root holds no complete version,
    when an assist version's tables differ from ``pipeline/schema.py`` or a
    column's type differs between two versions of a family (folder, file,
    column, found vs expected), when a notice names a profile that cannot be a
    folder name, or when the folder cannot be written.
    """
    root = Path(extracted_root)
    families = _families(_version_folders(root))
    parts: _Parts = {}
    for profile, folders in families.items():
        if profile == ROOT_PROFILE:
            parts.update(_contract_parts(folders))
        else:
            parts.update({f"{profile}/{name}": frames
                          for name, frames in _family_parts(folders).items()})
    others = {p: len(f) for p, f in families.items() if p != ROOT_PROFILE}
    if others and note:
        note(f"lists of families other than {ROOT_PROFILE} are under "
             f"{root / DATASET_DIR}/<profile>/: " + ", ".join(
                 f"{p} ({n} version{'s' if n > 1 else ''})" for p, n in others.items()))

    def build(tmp: Path) -> None:
        for name, frames in parts.items():
            for version, df in frames:
                part = tmp / name / f"version={version}"
                part.mkdir(parents=True)
                df.to_parquet(part / PART_FILE, index=False)

    return replace_folder(root / DATASET_DIR, build)


def _families(folders: list[Path]) -> dict[str, list[Path]]:
    """Version folders by the profile that read them: assist first, then by name."""
    reserved = {t.name for t in DATASET_TABLES}
    out: dict[str, list[Path]] = {}
    for folder in folders:
        profile = _notice(folder).get("profile") or ROOT_PROFILE
        if not isinstance(profile, str) or not _PROFILE_NAME.fullmatch(profile) \
                or profile in reserved:
            raise PipelineError(f"notice.json names the profile {profile!r}, which cannot be "
                                "a folder of the dataset", file=str(folder),
                                hint="profile names are lower-case words other than "
                                     + ", ".join(sorted(reserved)))
        out.setdefault(profile, []).append(folder)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] != ROOT_PROFILE, kv[0])))


def _contract_parts(folders: list[Path]) -> _Parts:
    """The assist family's tables, each version checked against the schema."""
    parts: _Parts = {t.name: [] for t in DATASET_TABLES}
    for folder in folders:
        for table in schema.EXTRACTION_TABLES:
            parts[table.name].append((folder.name, _read_table(folder, table)))
        parts[VERSIONS.name].append((folder.name, _version_row(folder)))
    return parts


def _family_parts(folders: list[Path]) -> _Parts:
    """A family's tables as its folders hold them, each with the family's union of columns."""
    read: dict[str, list[tuple[Path, pd.DataFrame]]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.parquet")):
            if path.stem not in NOT_LIST_TABLES:
                read.setdefault(path.stem, []).append((folder, _read_parquet(folder, path)))
    parts: _Parts = {}
    for name, frames in read.items():
        dtypes = _union_dtypes(name, frames)
        parts[name] = [(folder.name, _conform(df, dtypes)) for folder, df in frames]
    parts[VERSIONS.name] = [(folder.name, _version_row(folder)) for folder in folders]
    return parts


def _union_dtypes(name: str, frames: list[tuple[Path, pd.DataFrame]]) -> dict[str, str]:
    """Every column of the table in any version, in printed order, with its dtype.

    A column earlier versions lack goes before the first known column that follows
    it where it is printed (a list's own columns before page_start…).
    Raises ``PipelineError`` naming the folder where a column's type differs from
    the type an earlier version gave it (a column holding only nulls takes any type).
    """
    order: list[str] = []
    dtypes: dict[str, str] = {}
    first: dict[str, Path] = {}
    for folder, df in frames:
        columns = list(df.columns)
        for k, column in enumerate(columns):
            dtype = _dtype(df[column])
            if column not in dtypes:
                after = next((c for c in columns[k + 1:] if c in dtypes), None)
                order.insert(order.index(after) if after else len(order), column)
                dtypes[column], first[column] = dtype, folder
            elif dtypes[column] == _NULL:
                dtypes[column] = dtype
            elif dtype not in (_NULL, dtypes[column]):
                raise PipelineError(
                    f"{name}.parquet: column {column} is {dtype}, but {dtypes[column]} in "
                    f"{first[column].name}", file=str(folder),
                    hint="versions of one list family must share their columns' types; "
                         "re-extract the older one (python -m pipeline extract FILE --force)")
    return {c: ("str" if dtypes[c] == _NULL else dtypes[c]) for c in order}


#: The dtype of a column that holds only nulls and says nothing of its type.
_NULL = "null"


def _dtype(values: pd.Series) -> str:
    if values.dtype == object and values.isna().all():
        return _NULL
    return str(values.dtype)


def _conform(df: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """``df`` with exactly these columns and dtypes (null where it has no such column)."""
    import pandas as pd

    out = pd.DataFrame({c: (df[c] if c in df.columns else pd.array([None] * len(df), dtype=t))
                        for c, t in dtypes.items()}, index=df.index)
    return out.astype(dtypes).reset_index(drop=True)


def _notice(folder: Path) -> dict:
    try:
        notice = json.loads((folder / "notice.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise PipelineError(f"cannot read notice.json: {e}", file=str(folder)) from None
    if not isinstance(notice, dict):
        raise PipelineError("notice.json is not an object", file=str(folder))
    return notice


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


def _read_parquet(folder: Path, path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_parquet(path)
    except Exception as e:  # pyarrow raises several unrelated types for a bad file
        raise PipelineError(f"cannot read {path.name}: {e}", file=str(folder)) from None


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
    notice = _notice(folder)
    row = {c: notice.get(c) for c in VERSIONS.column_names}
    row["version"] = folder.name
    return VERSIONS.frame([row]).drop(columns="version")
