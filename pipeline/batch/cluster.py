"""Extract many notices on a Dask distributed cluster: one task per notice.

    extract_on_cluster(files, options, address, progress, say) → list of ``Outcome``

``address`` is a scheduler (``tcp://host:8786``) or ``local`` / ``local:N``: a
LocalCluster of N single-threaded worker processes started for the run (N = the cores).
Each notice is one task, run on a worker by ``worker.extract_on_worker`` exactly as a
local batch runs it (same sandboxed child, limits, validation, folder swapped in whole);
the task is plain bytes to the scheduler, which needs nothing of this project.
Dask reschedules the task of a worker that dies (``distributed.scheduler.allowed-failures``
times, default 3); a notice whose every try killed its worker is its own failed outcome,
and the others go on.  Dask blames every notice a dying worker holds, the one it was
reading and the one waiting behind it: a notice that only ever died beside others is read
once more at the end, alone, and fails only if its own workers die again.

Before any work every worker is asked (``Client.run``) whether it sees the output root
(a mark file one worker wrote there), can write in it and sees the input files' folders:
paths go to the workers as the user gave them when every worker resolves them to the same
folders (a LocalCluster, workers started in the project's folder: the folders written are
then the very ones a local batch writes), else made absolute; a worker that sees neither is
an error naming it.  Ctrl-C cancels the tasks not started; a LocalCluster's workers stop
with their readers, a remote cluster's running tasks finish there (each folder whole).

Place in the flow: ``batch`` (on top of the extraction chain, under ``cli``).  Dask is
imported here, inside functions: only a run with ``--scheduler`` pays for it.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .. import __version__
from ..errors import PipelineError
from .local import Options, Outcome
from .worker import MARK_PREFIX, Finished, _mark_root, _see_root, _unmark_root, task_payload

#: A LocalCluster's settings: its workers start with this machine's environment (not Dask's
#: MALLOC_TRIM_THRESHOLD_ and one-thread BLAS: see ``worker._undo_dask_environ``); they
#: share the machine with the readers, so Dask's statistical profiler (a sample of the
#: task's stack every 10 ms) is off and its monitors look less often (100 ms, 500 ms).
LOCAL_CONFIG = {"distributed.nanny.pre-spawn-environ": {},
                "distributed.worker.profile.enabled": False,
                "distributed.worker.memory.monitor-interval": "1s",
                "distributed.admin.system-monitor.interval": "2s"}
#: A -W option for multiprocessing's resource tracker (see ``_connect``).
_QUIET_TRACKER = "ignore:resource_tracker:UserWarning"
#: ``local`` or ``local:N``.
_LOCAL = re.compile(r"local(?::(\d+))?")
#: Seconds to reach the scheduler, and to wait for its first worker.
CONNECT_S = 20
WORKERS_S = 60
#: Workers that join a running cluster are waited for until none joined for this long
#: (at most ``SETTLE_MAX_S``), so that all of those started with the batch are checked.
SETTLE_S = 1.0
SETTLE_MAX_S = 10.0


def extract_on_cluster(files: list[Path], options: Options, address: str,
                       progress: Callable[[int, int, Outcome], None] | None = None,
                       say: Callable[[str], None] | None = None) -> list[Outcome]:
    """Extract every file on the cluster at ``address``; one Outcome each, in input order.

    ``progress(done, total, outcome)`` is called as each notice finishes, ``say(line)``
    with the cluster's dashboard at the start and the summary at the end (default: stderr).
    Raises ``PipelineError`` when the scheduler cannot be reached, has no worker, or a
    worker cannot see the output root or the inputs (before any notice is read).
    """
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    started = time.monotonic()
    client, cluster = _connect(address)
    mark, watching = None, False
    try:
        workers = _workers(client, address, settle=cluster is None)
        say(f"cluster: {address} ({_count(len(workers), 'worker')}, "
            f"{_count(sum(w.get('nthreads', 1) for w in workers.values()), 'thread')}); "
            f"dashboard {client.dashboard_link}")
        files, options, mark = _share(client, files, options, workers)
        alone = _watch_workers(client, say)
        watching = True
        finished = _run(client, files, options, mark, progress, say,
                        local=cluster is not None, alone=alone)
        say(_summary(finished, time.monotonic() - started, len(workers)))
        return [f.outcome for f in finished]
    finally:
        if mark is not None:
            _forget_mark(client, mark)
        if watching:  # (else the scheduler's last event meets a closed connection)
            client.unsubscribe_topic("all")
        client.close()
        if cluster is not None:
            cluster.close()


def parse_address(text: str) -> str:
    """The ``--scheduler`` value checked: ``local``, ``local:N`` (N ≥ 1) or a scheduler address
    (``tcp://host:port``, ``tls://…``, ``host:port``); raises ValueError otherwise."""
    text = text.strip()
    local = _LOCAL.fullmatch(text)
    if local:
        if local.group(1) is not None and int(local.group(1)) < 1:
            raise ValueError("local:N needs at least one worker")
        return text
    if text.startswith("local:"):
        raise ValueError(f"{text!r}: write local or local:N (N workers)")
    scheme, _, rest = text.rpartition("://")
    if scheme and scheme not in ("tcp", "tls", "ucx", "ws", "wss", "inproc"):
        raise ValueError(f"{text!r}: unknown protocol {scheme}:// (tcp://host:port)")
    if not rest or (scheme != "inproc" and not re.fullmatch(r"\[?[\w.:-]+\]?:\d+", rest)):
        raise ValueError(f"{text!r} is not a scheduler address (tcp://host:port)")
    return text


def _connect(address: str):
    """(Client, LocalCluster or None) for ``address``."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    local = _LOCAL.fullmatch(address)
    if local:
        dask.config.set(LOCAL_CONFIG)  # (this process exists for the batch: set for good)
        n = int(local.group(1) or os.cpu_count() or 1)
        # multiprocessing's resource tracker (started for the nannies' queues, with this
        # interpreter's -W options) warns at exit of a queue's semaphore that a worker
        # stopped by Ctrl-C left behind; it removes it itself: not the user's concern.
        if _QUIET_TRACKER not in sys.warnoptions:
            sys.warnoptions.append(_QUIET_TRACKER)
        # One thread a worker: each notice has its reader process (and its page workers)
        # already.  Logs at ERROR only: a worker lost is said once, by ``_watch_workers``.
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR,
                               preload=["pipeline.batch.worker"])  # (worker.dask_setup)
        return Client(cluster), cluster
    try:
        return Client(address, timeout=f"{CONNECT_S}s"), None
    except (OSError, TimeoutError) as e:
        raise PipelineError(f"cannot reach the Dask scheduler at {address}: {_brief(e)}",
                            hint="start one (`dask scheduler`, then `dask worker ADDRESS` on "
                                 "each machine), or use --scheduler local") from None


def _workers(client, address: str, settle: bool) -> dict:
    """The scheduler's workers (address → info), once at least one is there and, with
    ``settle``, no other joined for ``SETTLE_S``."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_S)
    except TimeoutError:
        raise PipelineError(f"the Dask scheduler at {address} has no worker (waited "
                            f"{WORKERS_S} s)", hint="start workers: dask worker "
                                                    f"{address}") from None
    workers = client.scheduler_info(n_workers=-1)["workers"]
    deadline = time.monotonic() + (SETTLE_MAX_S if settle else 0)
    while time.monotonic() < deadline:
        time.sleep(SETTLE_S)
        now = client.scheduler_info(n_workers=-1)["workers"]
        if set(now) == set(workers):
            break
        workers = now
    return workers


def _share(client, files: list[Path], options: Options, workers: dict):
    """Check that every worker sees the output root and the inputs; return the files and
    options with the paths the workers are to use, and the mark file's path."""
    import secrets

    given_root = str(Path(options.out).parent if options.out else options.extracted_root)
    forms = {"given": (given_root, sorted({str(Path(f).parent) for f in files})),
             "absolute": (str(Path(given_root).absolute()),
                          sorted({str(Path(f).absolute().parent) for f in files}))}
    name, token = MARK_PREFIX + secrets.token_hex(8), secrets.token_hex(16)
    # The mark is written where the user looks: from here when this machine has the
    # root's folder, else by one worker (a client outside the cluster, without the share).
    seer = "this machine"
    root = Path(forms["absolute"][0])
    if not root.parent.is_dir() or _mark_root(str(root), name, token) is not None:
        first = sorted(workers)[0]
        seer = f"worker {first}"
        failed = client.run(_mark_root, forms["absolute"][0], name, token, workers=[first],
                            on_error="return")[first]
        if failed:
            raise PipelineError(f"worker {first} {_label(workers[first])}{_brief(failed)}",
                                file=given_root, hint="--extracted must be a folder every "
                                                      "worker can write")
    answers = client.run(_see_root, forms, name, token, on_error="return")
    mark = str(Path(forms["absolute"][0], name))
    try:
        form = _choose_form(answers, workers, given_root, seer)
    except PipelineError:
        _forget_mark(client, mark)
        raise
    if form == "given":
        return files, replace(options, jobs=max(options.jobs, 2)), str(Path(given_root, name))
    # (validation then runs single-process in each task, as in a local batch with --jobs)
    absolute = replace(options, jobs=max(options.jobs, 2),
                       extracted_root=options.extracted_root.absolute(),
                       out=options.out.absolute() if options.out else None)
    return [Path(f).absolute() for f in files], absolute, mark


def _choose_form(answers: dict, workers: dict, root: str, seer: str) -> str:
    """"given" when every worker sees the paths as given, else "absolute" when every worker
    sees those; else raise, naming the workers and what each cannot see."""
    broken = {w: a for w, a in answers.items() if not isinstance(a, dict)}
    if broken:
        worker, error = next(iter(broken.items()))
        raise PipelineError(
            f"{len(broken)} of {len(answers)} workers cannot run the pipeline: worker "
            f"{worker} {_label(workers.get(worker, {}))}{_brief(error)}",
            hint="start every worker with the project's environment, from its folder "
                 "(PYTHONPATH=. .venv/bin/dask worker ADDRESS)")
    versions = {w: a["version"] for w, a in answers.items() if a["version"] != __version__}
    if versions:
        worker, version = next(iter(versions.items()))
        raise PipelineError(f"worker {worker} {_label(workers.get(worker, {}))}runs pipeline "
                            f"{version}, this is {__version__}",
                            hint="install the same version on every worker")
    for form in ("given", "absolute"):
        if all(not a["problems"][form] for a in answers.values()):
            return form
    bad = {w: a["problems"]["absolute"] for w, a in answers.items() if a["problems"]["absolute"]}
    worker, problems = next(iter(sorted(bad.items())))
    others = f" (and {_count(len(bad) - 1, 'other worker')})" if len(bad) > 1 else ""
    raise PipelineError(f"worker {worker} {_label(workers.get(worker, {}))}"
                        f"{'; '.join(problems).replace('SEER', seer)}{others}", file=root,
                        hint="--extracted and the input files must be on a folder every "
                             "worker shares, at the same path: NFS or a cluster file system")


def _run(client, files: list[Path], options: Options, mark: str,
         progress: Callable[[int, int, Outcome], None] | None,
         say: Callable[[str], None], local: bool, alone: set[str]) -> list[Finished]:
    """Every notice's Finished, in input order.  ``alone``: keys of tasks that were the only
    notice on a worker that died (filled by ``_watch_workers`` as workers are lost)."""
    import pickle

    from distributed import as_completed, wait

    total = len(files)
    # Larger files first (Dask runs higher priorities first): a scan or a long list started
    # last ran alone for half of a 40-notice batch while the other worker had nothing left.
    # Submitted in that order too: each submit is its own message, and a scheduler gives a
    # task to an idle worker as it arrives, before the larger ones behind it are known.
    # (A task is pickle.loads of the call: see worker.task_payload.)
    sizes = [_size(path) for path in files]
    order = sorted(range(total), key=lambda i: -sizes[i])

    def submit(i: int, again: str = ""):
        return client.submit(pickle.loads, task_payload(files[i], options, mark), pure=False,
                             key=f"extract-{i:06d}{again}-{Path(files[i]).name}"[:120],
                             priority=sizes[i])

    futures = [submit(i) for i in order]
    index = {future.key: i for i, future in zip(order, futures, strict=True)}
    results: dict[int, Finished] = {}
    suspects: dict[int, int] = {}  # notice → the tries its workers died in
    done = 0

    def finish(i: int, future, first_tries: int = 0) -> None:
        nonlocal done
        done += 1
        results[i] = _finished(future, files[i], first_tries)
        future.release()
        if progress:
            progress(done, total, results[i].outcome)

    try:
        for future in as_completed(futures):
            i = index[future.key]
            tries = _killed_tries(future)
            if tries and future.key not in alone:
                suspects[i] = tries  # (maybe only beside the notice that killed its workers)
                future.release()
                continue
            finish(i, future)
        # Dask blames every task a dying worker holds, not only the one it runs
        # (dask/distributed#5234): a notice that only ever died beside others is read
        # again, alone on the cluster, so that it fails only for what it does itself.
        for i in sorted(suspects, key=lambda i: -sizes[i]):
            say(f"note: {files[i]}: the workers it was given to all died with other notices "
                "on them: read again, alone")
            futures.append(future := submit(i, "a"))  # (a key of its own: tries anew)
            wait(future)
            finish(i, future, first_tries=suspects[i])
    except BaseException:  # Ctrl-C: nothing more starts
        client.cancel([f for f in futures if not f.done()])
        where = ("" if local else "; those being read finish on their workers, each folder "
                 "written whole")
        say(f"interrupted: {len(results)} of {_count(total, 'notice')} done, "
            f"{total - len(results)} cancelled{where}")
        raise
    return [results[i] for i in range(total)]


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:  # (seen by the workers only: they say so)
        return 0


def _finished(future, path: Path, first_tries: int = 0) -> Finished:
    """The task's answer, or a failed outcome saying why the cluster gave none
    (``first_tries``: a task read again alone, its workers died that often before)."""
    if future.status == "finished":
        import pickle

        return pickle.loads(future.result())  # (from our own workers: see _share)
    error = future.exception() if future.status == "error" else None
    tries = _killed_tries(future)
    if tries:
        before = f" beside other notices, then {tries} alone" if first_tries else ""
        message = (f"{path}: every worker that read it died ({first_tries or tries} tries"
                   f"{before}, the last {getattr(error.last_worker, 'address', error.last_worker)}"
                   "); not tried again (hint: a worker dies when it is killed or out of memory: "
                   "see its log)")
    elif error is not None:
        message = f"{path}: the cluster could not run it: {_brief(error)}"
    else:
        message = f"{path}: the cluster dropped its task ({future.status})"
    return Finished(Outcome(path, "failed", message=message), "", "", 0.0, 0.0)


def _killed_tries(future) -> int:
    """How many workers died running the task, when that is why it failed (else 0)."""
    from distributed import KilledWorker

    error = future.exception() if future.status == "error" else None
    if not isinstance(error, KilledWorker):
        return 0
    allowed = getattr(error, "allowed_failures", None)
    if allowed is None:  # (older schedulers: this machine's setting)
        import dask

        allowed = dask.config.get("distributed.scheduler.allowed-failures")
    return int(allowed) + 1


def _watch_workers(client, say: Callable[[str], None]) -> set[str]:
    """Say when a worker is lost while reading notices (Dask runs them again elsewhere);
    return the set, filled as workers are lost, of the tasks that were alone on one."""
    alone: set[str] = set()

    def on_event(event) -> None:
        _, message = event
        if (isinstance(message, dict) and message.get("action") == "remove-worker"
                and not message.get("expected")):
            names = sorted(str(k) for k in message.get("processing-tasks") or ()
                           if str(k).startswith("extract-"))
            if len(names) == 1:
                alone.add(names[0])
            if names:
                say(f"note: worker {message.get('worker')} was lost with "
                    f"{_count(len(names), 'notice')} to read "
                    f"({', '.join(n.split('-', 2)[2] for n in names)}): rescheduled")

    client.subscribe_topic("all", on_event)
    return alone


def _summary(finished: list[Finished], wall_s: float, workers: int) -> str:
    """One line: notices, wall time, notices per minute, CPU-s per page read."""
    counts: dict[str, int] = {}
    for f in finished:
        counts[f.outcome.status] = counts.get(f.outcome.status, 0) + 1
    read = [f.outcome for f in finished if f.outcome.pages]
    pages = sum(o.pages for o in read)
    cpu = sum(o.cpu_s for o in read)
    rate = len(finished) / max(wall_s, 1e-9) * 60
    per_page = f"{cpu / pages:.2f} CPU-s per page ({pages} pages read)" if pages else \
        "no page read"
    minutes, seconds = divmod(round(wall_s), 60)
    states = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    return (f"summary: {_count(len(finished), 'notice')} ({states}) in {minutes} min "
            f"{seconds} s on {_count(workers, 'worker')}: {rate:.1f} notices/minute, {per_page}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _forget_mark(client, mark: str) -> None:
    try:
        client.run(_unmark_root, str(Path(mark).parent), Path(mark).name, on_error="ignore")
    except Exception:  # (the cluster is gone: the mark is a small hidden file)
        pass


def _label(info: dict) -> str:
    name, host = info.get("name"), info.get("host")
    parts = [f"name {name}" if name not in (None, "") else "", f"host {host}" if host else ""]
    inner = ", ".join(p for p in parts if p)
    return f"({inner}) " if inner else ""


def _brief(error) -> str:
    if isinstance(error, BaseException):
        text = " ".join(str(error).split()) or "(no message)"
        return f"{type(error).__name__}: {text[:200]}"
    return str(error)
