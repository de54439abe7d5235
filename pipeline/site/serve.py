"""Serve the site database read-only in Datasette.

    serve_site(db_path, host, port, announce) → returns when the server stops (Ctrl-C)

The database is opened as immutable (read-only, never locked or written), with
its metadata file and the copies of the source files beside it, and the hooks
of ``pipeline.site.plugin``.  Datasette serves its own CSS and JavaScript from
the installed package: the pages load nothing from the network.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import PipelineError
from . import names

#: Datasette settings: no write access exists on an immutable database; these
#: only shape the pages.
_SETTINGS = {"default_page_size": 50, "truncate_cells_html": 400, "sql_time_limit_ms": 3000,
             "suggest_facets": False}


def serve_site(db_path: Path, host: str = "127.0.0.1", port: int = 8001,
               announce: Callable[[str], None] = print) -> None:
    """Serve ``db_path`` at ``http://host:port/`` until interrupted.

    In: the database ``build_site`` wrote, the address to listen on, and a
    function told the site's URL once the address is free (default: print it).
    Raises ``PipelineError`` when the database is missing or the address
    cannot be listened on (port in use, unknown host).
    """
    import uvicorn
    from datasette.app import Datasette
    from datasette.plugins import pm

    from . import plugin

    db_path = Path(db_path)
    if not db_path.is_file():
        raise PipelineError("no site database", file=str(db_path),
                            hint="build it first: python -m pipeline.site build")
    metadata = _metadata(db_path)
    _check_address(host, port)
    if not pm.is_registered(plugin):
        pm.register(plugin, name="pipeline.site")
    sources = db_path.parent / names.SOURCES
    mounts = [(names.STATIC, str(names.STATIC_DIR))]
    if sources.is_dir():
        mounts.append((names.SOURCES, str(sources)))
    ds = Datasette(immutables=[str(db_path)], metadata=metadata, settings=_SETTINGS,
                   static_mounts=mounts)
    url_host = f"[{host}]" if ":" in host else host
    announce(f"http://{url_host}:{port}/")
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")


def _metadata(db_path: Path) -> dict:
    from .metadata import describe_site

    path = db_path.with_name(db_path.stem + names.METADATA_SUFFIX)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return describe_site(db_path)
    except (OSError, ValueError) as e:
        raise PipelineError(f"cannot read the site metadata: {e}", file=str(path),
                            hint="rebuild the site: python -m pipeline.site build") from None


def _check_address(host: str, port: int) -> None:
    """Fail early, with the port named, where the server could not listen."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise PipelineError(f"cannot listen on {host}: {e.strerror}",
                            hint="use an address of this machine, e.g. --host 127.0.0.1") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            s.bind(address)
        except OSError as e:
            raise PipelineError(f"cannot listen on {host}:{port}: {e.strerror}",
                                hint="another server uses this port? choose another: "
                                     "--port N") from None
