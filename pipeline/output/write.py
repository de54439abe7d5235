"""Stage 8: write tables into a folder, all or nothing.

    write_tables(tables, out_dir, extra, finish) → the folder written
    replace_folder(out_dir, build) → the folder written   (any folder layout)
    discard_folder(folder)   remove a folder of ours, all or nothing

Every file is written into a temporary folder beside ``out_dir``; whatever
checks the result (validation) runs there too and may send it elsewhere (a
failing extraction goes beside a valid one, to ``<out_dir>.invalid``); a manifest
(files and their sha256) is written last; then the folder is moved into place.
A run that fails, or is killed, before the move leaves any earlier folder as it
was; the temporary folder is removed on failure (or by the next run).
An existing folder is replaced only if it is one of ours (it has a manifest)
or empty: ``--out ~/Documents`` must never swap a user's folder away.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PipelineError

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
#: Temporary folders are named with this prefix, so a later run can sweep them.
TEMP_PREFIX = ".tmp-"
#: CSV for spreadsheet programs: UTF-8 with a byte-order mark so Excel reads Chinese.
CSV_ENCODING = "utf-8-sig"


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path,
                 extra: dict[str, dict | list | str | bytes] | None = None,
                 finish: Callable[[Path], Path | None] | None = None) -> Path:
    """Write each frame as NAME.parquet and NAME.csv, and each ``extra`` file by name.

    ``tables`` must already conform to ``schema`` (``Table.frame``); an ``extra``
    value that is a str is written as UTF-8 text, bytes as they are (a name may
    hold subfolders: "ocr/3-name.png"), anything else as JSON.
    ``finish(tmp)`` runs once those files are in the temporary folder, before the
    manifest: it may add files (the validation reports, so that the manifest
    covers them) and returns the folder to move the result into instead of
    ``out_dir`` (None: ``out_dir``).
    Returns the folder written.  Raises ``PipelineError`` if the folder cannot be
    written or exists without being one of ours.
    """
    def build(tmp: Path) -> Path | None:
        for name, frame in tables.items():
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
            frame.to_csv(tmp / f"{name}.csv", index=False, encoding=CSV_ENCODING)
        for name, data in (extra or {}).items():
            if not (tmp / name).resolve().is_relative_to(tmp.resolve()):  # names from the child
                raise PipelineError(f"refusing to write {name!r} outside the folder")
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                (tmp / name).write_bytes(data)
                continue
            text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False,
                                                                 indent=1) + "\n"
            (tmp / name).write_text(text, encoding="utf-8")
        return finish(tmp) if finish else None

    return replace_folder(out_dir, build)


def replace_folder(out_dir: Path, build: Callable[[Path], Path | None]) -> Path:
    """Fill a temporary folder beside ``out_dir`` with ``build(tmp)``, add the manifest,
    and move it into place in one step; on any failure remove it and leave ``out_dir``.

    ``build`` may return another folder to move the result into, beside
    ``out_dir`` (then ``out_dir`` is left as it is).  Returns the folder written.
    Raises ``PipelineError`` if the destination exists but is not one of ours (no
    manifest, not empty), or cannot be written.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not _replaceable(out_dir):
        raise PipelineError("exists and is not a folder this pipeline wrote; not replacing it",
                            file=str(out_dir), hint="choose another --out, or remove it")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        _sweep(out_dir.parent)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(out_dir.name), dir=out_dir.parent))
    except OSError as e:
        raise PipelineError(f"cannot write the output folder: {e.strerror}",
                            file=str(out_dir)) from None
    try:
        dest = Path(build(tmp) or out_dir)
        if dest != out_dir:
            if dest.parent.resolve() != out_dir.parent.resolve():
                raise PipelineError("the other folder must be beside it", file=str(dest))
            if dest.exists() and not _replaceable(dest):
                raise PipelineError(
                    "exists and is not a folder this pipeline wrote; not replacing it",
                    file=str(dest), hint="remove it, or choose another --out")
        _write_manifest(tmp)
        _move_into_place(tmp, dest)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PipelineError(f"cannot write the output folder: {e}", file=str(out_dir)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def discard_folder(folder: Path) -> bool:
    """Remove ``folder`` if it is one of ours (it has a manifest); True if it was.

    It is first renamed to a temporary name in one step, so a run killed while
    deleting leaves no half-deleted folder that still looks complete (the
    next run sweeps the temporary one).
    """
    folder = Path(folder)
    if not folder.is_dir() or read_manifest(folder) is None:
        return False
    try:
        gone = Path(tempfile.mkdtemp(prefix=_temp_prefix(folder.name, "old"),
                                     dir=folder.parent))
        os.rename(folder, gone / folder.name)
    except OSError as e:
        raise PipelineError(f"cannot remove the folder: {e.strerror}", file=str(folder)) from None
    shutil.rmtree(gone, ignore_errors=True)
    return True


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a complete folder, or None if there is none (or it is unreadable)."""
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _replaceable(folder: Path) -> bool:
    return folder.is_dir() and ((folder / MANIFEST).is_file() or not any(folder.iterdir()))


def _write_manifest(folder: Path) -> None:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    # Written last: its presence says every other file is complete.
    (folder / MANIFEST).write_text(json.dumps({"files": files}, indent=1) + "\n",
                                   encoding="utf-8")


def _move_into_place(tmp: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return
    if _exchange(tmp, out_dir):  # one atomic step: out_dir is never missing
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        return
    # Where the kernel cannot exchange two names, the old folder steps aside
    # first; a kill between the two renames leaves it under a temporary name.
    old = Path(tempfile.mkdtemp(prefix=_temp_prefix(out_dir.name, "old"), dir=out_dir.parent))
    os.rename(out_dir, old / out_dir.name)
    os.rename(tmp, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import errno

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _temp_prefix(name: str, kind: str = "new") -> str:
    # The writer's pid is in the name: validation runs in the temporary folder and
    # may take minutes on a long list, while other runs sweep the same parent.
    return f"{TEMP_PREFIX}{name}-{kind}-{os.getpid()}-"


def _sweep(parent: Path) -> None:
    """Remove temporary folders that a killed run left behind: older than a minute,
    and not of a process that is still running."""
    import time

    for path in parent.glob(f"{TEMP_PREFIX}*"):
        try:
            if (path.is_dir() and time.time() - path.stat().st_mtime > 60
                    and not _writer_alive(path.name)):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def _writer_alive(name: str) -> bool:
    parts = name.rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False  # a folder of an earlier run in this process (one run at a time here)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
