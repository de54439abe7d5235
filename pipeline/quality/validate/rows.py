"""Rows and values as the checks and the report name them (small helpers every part uses).

    column_values(df, column) → the column as plain Python values, None for nulls
    row_key(frame, index, keys) → {key column: value} of one row
    row_label(key) → "seq 3", "sheet 行政许可 row 12"
    plain(value) → a NumPy scalar as the Python value
    file_inside(folder, relative) → the file, if it is inside the folder
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def column_values(df: pd.DataFrame | None, column: str) -> list:
    """The column as Python values with None for nulls ([] without the frame, Nones
    without the column: the suite's column checks report what is missing)."""
    import pandas as pd

    if df is None:
        return []
    if column not in df.columns:
        return [None] * len(df)
    na = pd.NA
    return [None if v is None or v is na or (isinstance(v, float) and v != v)
            else (v.item() if hasattr(v, "item") else v) for v in df[column].tolist()]


def row_key(frame: pd.DataFrame, index, keys: list[str]) -> dict:
    """The key columns of the row at ``index`` ({"seq": 3}; null as None)."""
    import pandas as pd

    row = frame.loc[index]
    return {k: (None if pd.isna(row[k]) else plain(row[k])) for k in keys}


def row_label(key: dict) -> str:
    """A row's key as the report prints it: "seq 3", "sheet 行政许可 row 12"."""
    return " ".join(f"{k} {'null' if v is None else v}" for k, v in key.items()) or "row"


def plain(value):
    """A NumPy scalar as the Python value (for JSON and for labels)."""
    return value.item() if hasattr(value, "dtype") and hasattr(value, "item") else value


def file_inside(folder: Path, relative: str) -> Path | None:
    """``folder/relative`` if it is a file inside ``folder`` (crops are named by the
    data, which must not point elsewhere)."""
    try:
        path = (folder / str(relative)).resolve()
        if path.is_relative_to(folder.resolve()) and path.is_file():
            return path
    except (OSError, ValueError):
        pass
    return None
