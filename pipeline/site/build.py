"""Build the site's SQLite database from every extracted version.

    build_site(extracted_root, db_path, source_dirs) → db_path

The rows come from the dataset (``pipeline.output.dataset.build_dataset``, rebuilt
first), so the site shows exactly what ``make dataset`` gives analysts: one
table per dataset table with a ``version`` column.  Each list family keeps its
own tables: the assist family's under their own names (``items``, ``tasks`` …),
every other family's prefixed by its profile (``power_items``,
``power_citations``, ``generic_items`` …), as in ``dataset/<profile>/``.  The
site adds

* ``versions``: every version of every family, with its ``profile``;
* ``<family>items.item_id``: one integer per item of a version (by its key:
  ``row`` where the family has one, as 权责清单 do, else ``seq``), the key that
  the family's other tables and diff tables point to (Datasette links rows
  through single-column foreign keys only); ``departments``, ``laws`` and
  ``law_types`` on the items: JSON lists, so the items can be faceted by them;
* ``changes``, ``detail_changes``, ``matches`` (prefixed per family):
  ``pipeline.review.diff.diff_versions`` between each version and the one before
  it of the same list (same family and list title), with
  ``old_version``/``new_version`` and ``old_item_id``/``new_item_id``;
* ``<table>_fts``: an FTS5 trigram index of each searchable table's text;
* ``versions.source_path``: a copy of the source file, found by name and
  sha256 in ``source_dirs``, under ``sources/<sha256>.<ext>`` beside the
  database, so an item links to its page (``#page=N``).

Columns are taken from the tables as they are; ``pipeline/schema.py`` gives
types and labels where it knows a column of the assist family, other columns
get the type of their values.  The database is written beside its place and
moved in at the end: a failed build leaves the previous one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schema
from ..errors import PipelineError
from . import names
from .metadata import describe_site

if TYPE_CHECKING:
    import pandas as pd

_SQL_TYPES = {"int": int, "float": float, "str": str, "bool": int}


@dataclass
class _Family:
    """The tables of one list family, by their dataset name (``items``, ``citations`` …)."""

    profile: str
    prefix: str  # of its site tables: "" for the assist family, "power_" …
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The items column that identifies an item within a version (an integer one)."""
        import pandas as pd

        items = self.tables[names.ITEMS]
        return next(k for k in names.ITEM_KEYS
                    if k in items.columns and pd.api.types.is_integer_dtype(items[k]))

    def schema_table(self, name: str) -> schema.Table | None:
        """The schema's definition of a table of this family, where it has one."""
        return schema.TABLES.get(name) if not self.prefix else None


def build_site(extracted_root: Path, db_path: Path, source_dirs: Iterable[Path] = (),
               note: Callable[[str], None] | None = None) -> Path:
    """Write the site database ``db_path`` (and its metadata and sources beside it).

    In: the root of the version folders (``extracted``), the database file to
    write, folders to look for the source files in (``raw``), and ``note``, told
    what the dataset notes.  Out: ``db_path``.  Raises ``PipelineError`` when the
    root holds no complete version, a version differs from the schema (see
    ``build_dataset``), a diff cannot be computed, or the files cannot be written.
    """
    from ..output.dataset import build_dataset

    root, db_path = Path(extracted_root), Path(db_path)
    families = _dataset_families(build_dataset(root, note))
    versions = _all_versions(families)
    tables: dict[str, tuple[_Family, pd.DataFrame]] = {}
    for family in families:
        ids = _number_items(family)
        _add_item_lists(family.tables)
        family.tables.update(_diff_tables(root, family, versions, ids))
        tables.update({family.prefix + name: (family, df) for name, df in family.tables.items()})
    versions["source_path"] = _copy_sources(versions, [Path(d) for d in source_dirs],
                                            db_path.parent / names.SOURCES)
    _write_database(versions, tables, db_path)
    metadata = describe_site(db_path)
    _replace_text(db_path.with_name(db_path.stem + names.METADATA_SUFFIX),
                  json.dumps(metadata, ensure_ascii=False, indent=1) + "\n")
    return db_path


# ------------------------------------------------------------------ the rows

def _dataset_families(dataset: Path) -> list[_Family]:
    """Every family of the dataset folder: its tables with ``version`` first, rows by
    version then key (the assist family: its tables at the root)."""
    from ..output.dataset import ROOT_PROFILE

    families = []
    for folder in [dataset, *sorted(p for p in dataset.iterdir() if p.is_dir())]:
        root = folder == dataset
        tables = {p.name: _read_table(p, root) for p in sorted(folder.iterdir()) if _is_table(p)}
        if not tables:
            continue
        if names.VERSIONS not in tables or names.ITEMS not in tables:
            raise PipelineError("the dataset has no versions or items table", file=str(folder),
                                hint="rebuild it: python -m pipeline dataset")
        profile = ROOT_PROFILE if root else folder.name
        families.append(_Family(profile, "" if root else f"{profile}_", tables))
    return families


def _is_table(path: Path) -> bool:
    return path.is_dir() and any(p.name.startswith(f"{names.VERSION}=") for p in path.iterdir())


def _read_table(folder: Path, contract: bool) -> pd.DataFrame:
    """A dataset table, rows by version then key: the schema's key for the assist
    family (``contract``), document order (as the dataset holds them) for the others."""
    import pandas as pd

    df = pd.read_parquet(folder)
    df[names.VERSION] = df[names.VERSION].astype(str)
    table = schema.TABLES.get(folder.name) if contract else None
    key = [k for k in (table.key if table else ()) if k in df.columns]
    df = df[[names.VERSION, *(c for c in df.columns if c != names.VERSION)]]
    return df.sort_values([names.VERSION, *key], kind="stable", ignore_index=True)


def _all_versions(families: list[_Family]) -> pd.DataFrame:
    """Every family's versions, each with its ``profile``, in version order."""
    import pandas as pd

    frames = []
    for family in families:
        df = family.tables.pop(names.VERSIONS)
        frames.append(df.assign(profile=pd.Series([family.profile] * len(df), dtype="str")))
    versions = pd.concat(frames, ignore_index=True).sort_values(names.VERSION,
                                                                ignore_index=True)
    label = versions[names.VERSION]
    for column in ("title", "list_title", "doc_no"):  # the last one there wins
        if column in versions.columns:
            label = versions[column].where(versions[column].notna(), label)
    versions["version_label"] = label.astype("str")
    return versions


def _number_items(family: _Family) -> dict[tuple[str, int], int]:
    """Give each item an ``item_id`` and each row of an item's table its item's id."""
    items, key = family.tables[names.ITEMS], family.key
    ids = {(v, int(k)): i for i, (v, k) in
           enumerate(zip(items[names.VERSION], items[key], strict=True), start=1)}
    items.insert(0, names.ITEM_ID, range(1, len(items) + 1))
    for name, df in family.tables.items():
        if name != names.ITEMS and {names.VERSION, key} <= set(df.columns):
            df.insert(1, names.ITEM_ID, _ids(ids, df[names.VERSION], df[key]))
    return ids


def _ids(ids: dict[tuple[str, int], int], versions: Iterable, keys: Iterable) -> list[int | None]:
    return [None if _missing(k) else ids.get((v, int(k))) for v, k in zip(versions, keys,
                                                                        strict=True)]


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _add_item_lists(tables: dict[str, pd.DataFrame]) -> None:
    """``departments`` / ``laws`` / ``law_types`` on the items: JSON lists in printed
    order, for array facets (where the family's tables have the column)."""
    items = tables[names.ITEMS]
    for column, (table, field_) in names.ITEM_LISTS.items():
        rows = tables.get(table)
        if rows is None or field_ not in rows.columns or names.ITEM_ID not in rows.columns:
            continue
        lists: dict[int, list[str]] = {}
        for item_id, value in zip(rows[names.ITEM_ID], rows[field_], strict=True):
            if not _missing(item_id) and not _missing(value) and value not in lists.setdefault(
                    item_id, []):
                lists[item_id].append(value)
        items[column] = [json.dumps(lists.get(i, []), ensure_ascii=False)
                         for i in items[names.ITEM_ID]]


def _diff_tables(root: Path, family: _Family, versions: pd.DataFrame,
                 ids: dict[tuple[str, int], int]) -> dict[str, pd.DataFrame]:
    """The diff tables of each version of the family against the one before it of the
    same list (same list title), stacked."""
    import pandas as pd

    from ..review.diff import diff_versions

    mine = versions[versions["profile"] == family.profile]
    lists: dict[Any, list[str]] = {}
    for version, title in zip(mine[names.VERSION], _list_titles(mine), strict=True):
        lists.setdefault(title, []).append(version)
    # (a diff numbers items by the family's key too: seq, or a 权责清单's row)
    parts: dict[str, list[pd.DataFrame]] = {n: [] for n in names.DIFF_TABLES}
    for same_list in lists.values():
        for old, new in pairwise(sorted(same_list)):
            for name, df in diff_versions(root / old, root / new).tables().items():
                if name in parts:
                    parts[name].append(_between(df, old, new, ids))
    out = {}
    for name, frames in parts.items():
        out[name] = (pd.concat(frames, ignore_index=True) if frames else
                     _between(schema.TABLES[name].frame([]), "", "", ids))
    return out


def _list_titles(versions: pd.DataFrame) -> list:
    """What tells the lists of a family apart: the list title, else the notice title."""
    return [None if _missing(t) else t for t in
            versions["list_title"].where(versions["list_title"].notna(), versions["title"])]


def _between(df: pd.DataFrame, old: str, new: str,
             ids: dict[tuple[str, int], int]) -> pd.DataFrame:
    df = df.copy()
    df.insert(0, "old_version", _str_series([old] * len(df)))
    df.insert(1, "new_version", _str_series([new] * len(df)))
    df.insert(2, "old_item_id", _ids(ids, [old] * len(df), df["old_seq"]))
    df.insert(3, "new_item_id", _ids(ids, [new] * len(df), df["new_seq"]))
    df["old_item_id"] = df["old_item_id"].astype("Int64")
    df["new_item_id"] = df["new_item_id"].astype("Int64")
    return df


def _str_series(values: list[str]) -> pd.Series:
    import pandas as pd

    return pd.Series(values, dtype="str")


# ------------------------------------------------------------------ sources

def _copy_sources(versions: pd.DataFrame, source_dirs: list[Path], dest: Path) -> list[str | None]:
    """Copy each version's source file (found by name, else by sha256) into ``dest``;
    return the path the site serves it under, or None where it was not found."""
    paths: list[str | None] = []
    digests: dict[Path, str] = {}
    for name, sha in zip(versions.get("source_file", [None] * len(versions)),
                         versions.get("source_sha256", [None] * len(versions)), strict=True):
        found = None if _missing(sha) else _find_source(
            None if _missing(name) else str(name), str(sha), source_dirs, digests)
        if found is None:
            paths.append(None)
            continue
        target = dest / f"{sha}{found.suffix.lower()}"
        try:
            if not target.is_file() or _sha256(target, digests) != sha:
                dest.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".tmp-{target.name}")
                shutil.copyfile(found, tmp)
                os.replace(tmp, target)
        except OSError as e:
            raise PipelineError(f"cannot copy the source file: {e.strerror}", file=str(target),
                                hint="check the site folder is writable") from None
        paths.append(f"{names.SOURCES}/{target.name}")
    return paths


def _find_source(name: str | None, sha: str, dirs: list[Path],
                 digests: dict[Path, str]) -> Path | None:
    for folder in dirs:
        if name and (folder / name).is_file() and _sha256(folder / name, digests) == sha:
            return folder / name
    for folder in dirs:  # renamed since it was extracted: the content decides
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.is_file() and _sha256(path, digests) == sha:
                return path
    return None


def _sha256(path: Path, digests: dict[Path, str]) -> str:
    if path not in digests:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        digests[path] = h.hexdigest()
    return digests[path]


# ------------------------------------------------------------------ the database

def _write_database(versions: pd.DataFrame, tables: dict[str, tuple[_Family, pd.DataFrame]],
                    db_path: Path) -> None:
    """Create every table (versions and items first: the others point to them),
    the text indexes and the lookup indexes in a temporary file, then move it in."""
    import sqlite_utils

    tmp = db_path.with_name(f".tmp-{db_path.name}")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        db = sqlite_utils.Database(tmp)
        _create_table(db, names.VERSIONS, versions, None)
        for name in sorted(tables, key=lambda n: (n != tables[n][0].prefix + names.ITEMS, n)):
            _create_table(db, name, tables[name][1], tables[name][0])
        for name, (family, df) in tables.items():
            if name[len(family.prefix):] in names.SEARCHABLE:
                _index_text(db, name, _text_columns(df))
        for name, (family, _) in tables.items():
            _index_lookups(db, name, family)
        db.conn.commit()
        db.close()
        os.replace(tmp, db_path)
    except (OSError, sqlite3.Error) as e:
        tmp.unlink(missing_ok=True)
        raise PipelineError(f"cannot write the site database: {e}", file=str(db_path)) from None


def _create_table(db, name: str, df: pd.DataFrame, family: _Family | None) -> None:
    """One table; ``family`` None for ``versions``."""
    base = name[len(family.prefix):] if family else name
    table = family.schema_table(base) if family else schema.VERSIONS
    types = {c: _sql_type(table, c, df[c]) for c in df.columns}
    items = family.prefix + names.ITEMS if family else None
    if family is None:
        pk: str | tuple[str, ...] | None = names.VERSION
    elif name == items:
        pk = names.ITEM_ID
    elif table and table.key and {names.VERSION, *table.key} <= set(df.columns):
        pk = (names.VERSION, *table.key)
    else:
        pk = None  # rowid: diff tables and tables the schema has no key for
    foreign_keys = [(c, items, names.ITEM_ID) for c in names.ITEM_COLUMNS
                    if c in df.columns and name != items]
    foreign_keys += [(c, names.VERSIONS, names.VERSION) for c in names.VERSION_COLUMNS
                     if c in df.columns and family is not None]
    not_null = {names.VERSION, names.ITEM_ID} & set(df.columns) if (
        family is None or name == items) else set()
    db[name].create(types, pk=pk, foreign_keys=foreign_keys, not_null=not_null)
    db[name].insert_all(_records(df), batch_size=500)


def _sql_type(table: schema.Table | None, column: str, values: pd.Series) -> type:
    import pandas as pd

    if table is not None and column in table.column_names:
        return _SQL_TYPES[table.column(column).type]
    if column in names.ITEM_COLUMNS or pd.api.types.is_integer_dtype(values) \
            or pd.api.types.is_bool_dtype(values):
        return int
    if pd.api.types.is_float_dtype(values):
        return float
    return str


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (None for every kind of missing; booleans as 0/1)."""
    import pandas as pd

    columns = {}
    for c in df.columns:
        values = df[c].astype("Int64") if pd.api.types.is_bool_dtype(df[c]) else df[c]
        columns[c] = values.astype(object).where(values.notna(), None).tolist()
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _text_columns(df: pd.DataFrame) -> list[str]:
    """The table's own text columns (not the version, ids or the site's JSON lists)."""
    import pandas as pd

    return [c for c in df.columns if c not in names.SITE_COLUMNS
            and (pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object)]


def _index_text(db, name: str, columns: list[str]) -> None:
    """``<name>_fts``: FTS5 trigram index of ``columns``, rowid = the table's rowid.

    A standalone table (not ``content=<name>``) on purpose: Datasette would
    otherwise attach its own search, which finds nothing for words of fewer
    than 3 characters; ``pipeline.site.plugin`` searches instead.
    """
    if not columns:
        return
    fts = name + names.FTS_SUFFIX
    cols = ", ".join(f'"{c}"' for c in columns)
    db.execute(f'CREATE VIRTUAL TABLE "{fts}" USING fts5({cols}, tokenize="trigram")')
    db.execute(f'INSERT INTO "{fts}"(rowid, {cols}) SELECT rowid, {cols} FROM "{name}"')


def _index_lookups(db, name: str, family: _Family) -> None:
    """Indexes for the joins the pages and canned queries make."""
    columns = set(db[name].columns_dict)
    key = family.key
    if name == family.prefix + names.ITEMS:
        db[name].create_index([names.VERSION, key], unique=True)
        return
    for column in (*names.ITEM_COLUMNS, "department", "law"):
        if column in columns:
            db[name].create_index([column])
    if {names.VERSION, key} <= columns:
        db[name].create_index([names.VERSION, key])


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise PipelineError(f"cannot write: {e.strerror}", file=str(path)) from None
