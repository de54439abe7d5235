"""The ``cells`` and ``columns`` frames: one row per cell, and one per column, of every
table of a folder, so that a check every column needs (not null, not empty, no layout
debris, its type) is one expectation whatever the columns are — a generic list's
columns are only known from its ``columns`` table.

    cell_frames(frames, tables, profile_required, meta) → cells, its per-column flags,
                                                          columns, its per-column rows

A check on ``cells`` or ``columns`` is reported once per table and column it covers
(``items.basis_text: not_empty: …``), as if it had been stated for each (``run``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import schema
from .printed import PRINTED_COLUMN

if TYPE_CHECKING:
    import pandas as pd

#: Frames built from every table of the folder.
CELLS, COLUMNS = "cells", "columns"
#: The pandas dtypes a schema type reads back as from Parquet, and their short names.
TYPE_NAMES = {"int": "Int64Dtype", "str": "StringDtype", "float": "Float64Dtype",
              "bool": "BooleanDtype"}
_SHORT_TYPES = {v: k for k, v in TYPE_NAMES.items()}


#: The columns holding a 序号 as printed: a publisher's numbering, not text to check for
#: layout debris or emptiness (its own checks are warnings: ``printed``).
PRINTED_KEYS = frozenset({schema.SEQ.name, PRINTED_COLUMN})


def cell_frames(frames: dict[str, pd.DataFrame], tables: tuple[schema.Table, ...],
                profile_required: set[str], meta: dict
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ``cells`` frame and its per-column flags (``_cells_frame``), and the
    ``columns`` frame (``_columns_frame``; the OCR cells table's columns too where the
    folder has one), twice: it is its own per-column frame.  ``meta``: the suite's
    cells.json meta (``required_fill``, ``required_fields``, ``text_optional_in``)."""
    required = set(profile_required) | set(meta.get("required_fields") or ())
    cells, flags = _cells_frame(frames, tables, required, meta.get("required_fill"),
                                frozenset(meta.get("text_optional_in") or ()))
    typed = (*tables, schema.OCR_CELLS) if schema.OCR_CELLS.name in frames else tables
    columns = _columns_frame(frames, typed)
    return cells, flags, columns, columns


def _cells_frame(frames: dict[str, pd.DataFrame], tables: tuple[schema.Table, ...],
                 profile_required: set[str], fill: float | None, optional: frozenset[str]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per cell of every table: its key, ``_table``, ``_column`` ("items.name"),
    ``_value`` (text; numbers as digits), and its column's flags:

    - ``_text``: a text column;
    - ``_printed_key``: a 序号 as printed (``PRINTED_KEYS``);
    - ``_not_null``: the schema says the column is never null;
    - ``_required``: where not null the cell holds text: in ``items`` the profile's
      required fields (and cells.json ``meta.required_fields``), or for a generic list
      the key and every column filled in at least ``fill`` of the rows (cells.json
      ``meta.required_fill``); in every other table each text column, unless the table
      is one of ``optional`` (``meta.text_optional_in``: cells as printed, such as an
      item's sub-item rows); never a 序号 as printed (an empty one is the publisher's).

    A cell no check can fail is left out (the counts reported are the tables' rows):
    a null in a column that may be null, an empty text where text is not required.

    Returns the frame and its per-column flags (one row per table column).
    """
    import pandas as pd

    keys = sorted({k for t in tables for k in t.key})
    flag_names = ("_text", "_printed_key", "_not_null", "_required")
    order = [*keys, "_table", "_column", "_value", *flag_names]
    pieces, flags = [], []
    for table in tables:
        df = frames.get(table.name)
        n = 0 if df is None else len(df)
        for column in table.columns:
            text = column.type == "str"
            present = df is not None and column.name in df.columns
            printed_key = text and column.name in PRINTED_KEYS
            if printed_key or table.name in optional:
                required = False
            elif table.name != "items":
                required = text
            elif fill is not None:
                required = text and (column.name in table.key or (
                    present and n > 0 and _filled(df[column.name]) >= fill))
            else:
                required = text and column.name in profile_required
            qualified = f"{table.name}.{column.name}"
            row = {"_table": table.name, "_column": qualified, "_text": text,
                   "_printed_key": printed_key, "_not_null": not column.nullable,
                   "_required": required,
                   "_present": present}
            flags.append(row)
            if not present or not n:
                continue
            values = df[column.name]
            keep = values.notna() if column.nullable else pd.Series(True, index=df.index)
            if text and not required:
                keep &= values.astype("string").fillna("x") != ""
            kept = values[keep]
            piece = df.loc[keep, [k for k in keys if k in df.columns]].copy()
            piece["_value"] = (kept if text else kept.astype("string")).astype("string")
            for name in ("_table", "_column", *flag_names):
                piece[name] = row[name]
            pieces.append(piece)
    cells = (pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame()
             ).reindex(columns=order)
    types = {**{k: _key_dtype(tables, k) for k in keys}, "_table": "string",
             "_column": "string", "_value": "string", **dict.fromkeys(flag_names, "boolean")}
    for name in order:
        cells[name] = _cast(cells[name], types[name])
    per_column = pd.DataFrame(flags, columns=["_table", "_column", *flag_names, "_present"])
    for name in (*flag_names, "_present"):
        per_column[name] = per_column[name].astype("boolean")
    return cells, per_column


def _cast(values: pd.Series, dtype: str) -> pd.Series:
    """``values`` as ``dtype``; a key of the wrong type as text (its type check says so)."""
    import pandas as pd

    try:
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values.map(lambda v: None if pd.isna(v) else str(v)).astype("string")


def _key_dtype(tables: tuple[schema.Table, ...], key: str) -> str:
    for table in tables:
        for column in table.columns:
            if column.name == key:
                return schema.PANDAS_DTYPES[column.type].replace("str", "string")
    return "string"


def _filled(values: pd.Series) -> float:
    """Share of cells holding text."""
    text = values.astype("string").str.strip()
    return float((text.notna() & (text != "")).mean())


def _columns_frame(frames: dict[str, pd.DataFrame], tables: tuple[schema.Table, ...]
                   ) -> pd.DataFrame:
    """One row per column the schema gives each table: ``_present``, the type it was
    read back as (``_dtype``: int, str, float, bool or the pandas name) and the
    schema's (``_expected``), each also as the pandas name (``_dtype_name`` …)."""
    import pandas as pd

    rows = []
    for table in tables:
        df = frames.get(table.name)
        if df is None:
            continue  # the file check has failed already
        for column in table.columns:
            present = column.name in df.columns
            name = type(df[column.name].dtype).__name__ if present else None
            rows.append({"_table": table.name, "_column": f"{table.name}.{column.name}",
                         "_present": present,
                         "_dtype": _SHORT_TYPES.get(name, name) if present else None,
                         "_dtype_name": name,
                         "_expected": column.type, "_expected_name": TYPE_NAMES[column.type]})
    frame = pd.DataFrame(rows, columns=["_table", "_column", "_present", "_dtype",
                                        "_dtype_name", "_expected", "_expected_name"])
    for name in frame.columns:
        frame[name] = frame[name].astype("boolean" if name == "_present" else "string")
    return frame

