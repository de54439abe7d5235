"""``python -m pipeline.site build|serve``: the site of every extracted version.

Exit status: 0 success; 1 bad input (one ``error: …`` line on stderr, no
traceback); 2 wrong usage (argparse).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import PipelineError
from .names import DEFAULT_DB

EPILOG = """\
examples:
  python -m pipeline.site build                 # writes extracted/site/lists.db
  python -m pipeline.site serve                 # builds, then serves http://127.0.0.1:8001/
  python -m pipeline.site serve --port 8080
"""


def main(argv: list[str] | None = None, prog: str = "python -m pipeline.site") -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    ``prog`` names the command in usage lines (``python -m pipeline site`` when the main
    CLI hands its arguments over).
    """
    args = _parser(prog).parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Build one SQLite database of every extracted version (items, tasks, "
                    "citations, departments, versions, and the diff between consecutive "
                    "versions) and browse it in Datasette.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = sub.add_parser(
        "build", help="build the database (and its metadata and source files); print its path",
        description="Build the site database from every version folder in the extracted "
                    "root (via the dataset, which is rebuilt too).")
    _build_flags(build)
    build.set_defaults(func=_cmd_build)
    serve = sub.add_parser(
        "serve", help="build, then serve read-only in Datasette; print the URL",
        description="Build the site database, then serve it read-only with Datasette until "
                    "Ctrl-C. Listens on 127.0.0.1 (this machine only) unless --host says "
                    "otherwise.")
    _build_flags(serve)
    serve.add_argument("--host", default="127.0.0.1", metavar="H",
                       help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8001, metavar="N",
                       help="port to listen on (default 8001)")
    serve.set_defaults(func=_cmd_serve)
    return p


def _build_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--extracted", type=Path, default=Path("extracted"), metavar="ROOT",
                   help="root of the version folders (default: extracted)")
    p.add_argument("--db", type=Path, default=DEFAULT_DB, metavar="PATH",
                   help=f"database to write (default: {DEFAULT_DB})")
    p.add_argument("--sources", type=Path, action="append", metavar="DIR",
                   help="folder holding the source PDFs, for links to their pages; "
                        "repeatable (default: raw)")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1–65535): {text!r}")
    return port


def _build(args) -> Path:
    from .build import build_site

    return build_site(args.extracted, args.db, args.sources or [Path("raw")],
                      note=lambda text: print(f"note: {text}", file=sys.stderr))


def _cmd_build(args) -> int:
    print(_build(args))
    return 0


def _cmd_serve(args) -> int:
    from .serve import _check_address, serve_site

    _check_address(args.host, args.port)  # before building: a busy port fails at once
    db = _build(args)
    print(f"{db} built; serving it read-only (Ctrl-C stops)", file=sys.stderr)

    def announce(url: str) -> None:
        print(url, flush=True)

    serve_site(db, args.host, args.port, announce)
    return 0


if __name__ == "__main__":
    sys.exit(main())
