"""Reading an extracted folder: notice.json, the profile that read the list, the tables
its suite checks, and the item count it must have.

    read_folder(folder, expected_items=None, manifest=None) → Folder

A file that is missing or unreadable is not an exception: it is a failed "file" check
(``Folder.checks``), and validation goes on with what could be read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ... import schema
from .result import Check
from .suites import ROOT

if TYPE_CHECKING:
    import pandas as pd

    from ...profiles import Profile

#: The profile of a folder whose notice.json names none (extracted before profiles).
DEFAULT_PROFILE = "assist"
#: The table of OCR'd cells (issue 12): optional, one row per cell read by OCR.
OCR_CELLS = schema.OCR_CELLS.name


@dataclass
class Folder:
    """What was read from one extracted folder."""

    path: Path
    notice: dict  # notice.json ({} where unreadable: a failed file check says so)
    profile: Profile | None  # the profile named by notice.json (None: unknown name)
    suite: str  # the suite of that profile
    tables: tuple[schema.Table, ...]  # the tables the suite checks, as the schema states them
    frames: dict[str, pd.DataFrame]  # table name → rows (columns, ocr_cells where present)
    expected_items: int | None  # the item count the notice must have (None: not recorded)
    expected_source: str  # where that count comes from, or why there is none
    checks: list[Check] = field(default_factory=list)  # files missing or unreadable

    @property
    def notice_item_count(self) -> int | None:
        count = self.notice.get("item_count")
        return count if isinstance(count, int) and not isinstance(count, bool) else None


def read_folder(folder: Path, *, expected_items: int | None = None,
                manifest: Path | None = None) -> Folder:
    """Read ``folder`` (written by ``extract``): notice.json, the profile it names
    (``DEFAULT_PROFILE`` where none), each table's Parquet file, the columns and OCR'd
    cells tables where present, and the expected item count (``expected_items`` if
    given, else the manifest of known notices, ``raw/notices.json`` or ``manifest``)."""
    folder = Path(folder)
    checks: list[Check] = []
    notice = _read_notice(folder, checks)
    profile, tables = _profile_and_tables(folder, notice, checks)
    frames = _read_tables(folder, tables, checks)
    expected, source = _expected_count(notice, expected_items, manifest)
    suite = profile.suite if profile is not None else _default_profile().suite
    return Folder(folder, notice, profile, suite, tables, frames, expected, source, checks)


def _default_profile() -> Profile:
    from ...profiles import load_profiles

    return load_profiles()[DEFAULT_PROFILE]


def _profile_and_tables(folder: Path, notice: dict, checks: list[Check]
                        ) -> tuple[Profile | None, tuple[schema.Table, ...]]:
    """The profile named by the folder, and the tables its suite checks: the assist
    profile's fixed tables, or those the schema builds from the folder's columns.parquet
    (a generic list's, a 权责清单's)."""
    from ...profiles import load_profiles

    name = notice.get("profile")
    profiles = load_profiles()
    profile = profiles.get(name) if isinstance(name, str) else None
    if name is not None and profile is None:
        checks.append(Check("notice.json", "profile", None, False, "error", repr(name),
                            "a profile of pipeline/profiles (the one that read the list)"))
    if profile is None or _family(profile) in (False, "assist"):
        return (profile if name is not None else _default_profile()), schema.VALIDATED_TABLES
    rows = _columns_rows(folder, checks)
    tables = [t for t in schema.version_tables(_family(profile), rows)
              if t.name != schema.COLUMNS.name]
    return profile, tuple(tables)


def _family(profile: Profile) -> str | bool:
    """The schema family of the profile's versions (its ``tables``: assist, generic,
    power; a profile loader without families: whether it is generic)."""
    return getattr(profile, "tables", None) or profile.generic


def _columns_rows(folder: Path, checks: list[Check]) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / f"{schema.COLUMNS.name}.parquet"
    try:
        rows = pq.read_table(path).to_pylist()
        if all({"position", "field", "label", "role"} <= set(r) for r in rows):
            return rows
        found = "a file without position, field, label and role"
    except FileNotFoundError:
        found = "no such file"
    except (OSError, pa.ArrowException) as e:
        found = f"an unreadable file ({e})"
    checks.append(Check(schema.COLUMNS.name, "file", None, False, "error", found,
                        f"{path.name} in {folder} (a generic list's columns)"))
    return []


def _read_tables(folder: Path, tables: tuple[schema.Table, ...],
                 checks: list[Check]) -> dict[str, pd.DataFrame]:
    """Each table's Parquet file as a DataFrame (a failed "file" check for each missing
    one), the columns table where there is one, and the OCR cells where there are.

    Parquet types map to pandas extension types (int64 → Int64, string and
    large_string → string, double → Float64) whatever pandas dtype wrote them, so
    the suites' type checks see the Parquet types actually written.
    """
    frames = {}
    for table in tables:
        frame, found = _read_parquet(folder / f"{table.name}.parquet")
        if frame is not None:
            frames[table.name] = frame
            continue
        checks.append(Check(table.name, "file", None, False, "error", found,
                            f"{table.name}.parquet in {folder}"))
    for optional in (schema.COLUMNS.name, OCR_CELLS):
        frame, found = _read_parquet(folder / f"{optional}.parquet")
        if frame is not None:
            frames[optional] = frame
        elif found != "no such file":
            checks.append(Check(optional, "file", None, False, "error", found,
                                f"a readable {optional}.parquet in {folder}"))
    return frames


def _read_parquet(path: Path) -> tuple[pd.DataFrame | None, str]:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype(),
             pa.large_string(): pd.StringDtype(), pa.float64(): pd.Float64Dtype(),
             pa.bool_(): pd.BooleanDtype()}
    try:
        frame = pq.read_table(path).to_pandas(types_mapper=types.get)
    except FileNotFoundError:
        return None, "no such file"
    except (OSError, pa.ArrowException) as e:
        return None, f"an unreadable file ({e})"
    return frame.reset_index(drop=True), ""


def _read_notice(folder: Path, checks: list[Check]) -> dict:
    try:
        notice = json.loads((folder / "notice.json").read_text(encoding="utf-8"))
        if isinstance(notice, dict):
            return notice
        found = "a JSON value that is not an object"
    except FileNotFoundError:
        found = "no such file"
    except (OSError, ValueError) as e:
        found = f"an unreadable file ({e})"
    checks.append(Check("notice.json", "file", None, False, "error", found,
                        f"notice.json in {folder}"))
    return {}


def _expected_count(notice: dict, given: int | None,
                    manifest: Path | None) -> tuple[int | None, str]:
    """The item count this notice must have and where it comes from (or why it is unknown)."""
    from ...output.manifest import MANIFEST_PATH, read_manifest

    if given is not None:
        return given, "given by the caller"
    path = Path(manifest) if manifest else MANIFEST_PATH
    name = _display_path(path)
    known = read_manifest(manifest)
    sha = str(notice.get("source_sha256") or "").lower()
    if sha in known:
        return known[sha].expected_items, f"{name}: {known[sha].file}"
    source_file = notice.get("source_file") or "?"
    reason = (f"no expected item count is recorded for this notice ({source_file}, sha256 "
              f"{sha[:12] or '?'}… is not in {name}); seq is checked to run 1..N only")
    same_name = [k for k in known.values() if k.file == source_file]
    if same_name:
        reason += f"; {name} lists a {source_file} with another sha256"
    return None, reason


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)

