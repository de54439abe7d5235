"""Batches: many notices extracted into version folders, each in its own sandboxed child.

    local.extract_notices(files, options) → list of ``Outcome`` (a process pool on this machine)
    cluster.extract_on_cluster(files, options, address) → the same on a Dask cluster
                                          (``worker.extract_on_worker``: one notice's task)

Place in the flow: on top of the extraction chain (``extract.run``); only ``cli`` is
above it.  May import every layer below.
"""

from .local import Options, Outcome, extract_notices

__all__ = ["Options", "Outcome", "extract_notices"]
