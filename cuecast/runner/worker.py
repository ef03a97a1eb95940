"""A snippet worker: a long-lived process that imports torch once and then,
as a fork server, runs each snippet file in a fresh copy of itself.

Started by ``cuecast.runner.pool`` as ``python -m cuecast.runner.worker FD
OPTIONS_JSON``; it and the processes it forks are the only cuecast
processes that import torch.  It never runs snippet code itself (see
``forkserver``), never initialises CUDA (the device is probed in a forked
child, see ``device.resolve_device_in_child``) and, on Linux, is a child
subreaper, so nothing a snippet starts can outlive the snippet (``reaper``).

Its protocol with the pool, each message a pickled tuple:

    worker → pool   ("ready", environment dict, facts dict)  once torch is imported
                    ("config-error", message, hint)  e.g. --device cuda without a GPU
                    ("notice", text)  once: why snippets cannot be forked here
                    ("started", key, pid)  the process running the job
                    ("clock", key)  a fresh (not forked) process has imported torch
                    ("cell", key, index)  as each cell of a cell file starts
                    ("done", key, pickled Capture)  after the job, its processes all gone
                        (pickled by the snippet's process: the worker, whose every
                        page written while a child lives is a page copied, only
                        passes the bytes on)
                    ("ended", key, ChildEnd)  the job's process ended with no result
    pool → worker   ("run", Job)  |  ("cancel", key)  |  ("warm", [module, …])  |  ("stop",)

The worker's own stdout/stderr (faulthandler dumps, a child's output outside
a snippet) go to a log file the pool and the worker read to say where a
snippet was when it hung or crashed; the snippet's output is also written, as
it happens, to a "tee" file, so the pool can show what a snippet printed
before it hung or crashed.
"""

from __future__ import annotations

import faulthandler
import gc
import json
import os
import signal
import sys

#: The signal that makes faulthandler print where a snippet's process is.
DUMP_SIGNAL = signal.SIGUSR1


#: Imported by every worker whose torch imported numpy: each snippet is
#: seeded with ``numpy.random.seed``, and numpy imports ``numpy.random`` lazily.
ALWAYS_WARM = ("numpy.random",)


def _warm(names) -> None:
    """Import library modules here, once, so that no snippet's process pays
    for them: only modules that start no thread and touch no device (a
    thread would make forking unsafe; ``fork_problem`` checks)."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            __import__(name)
        except Exception:
            pass
    gc.freeze()  # what is imported now is shared with every child, untouched by their collections


def _warm_torch() -> None:
    """What torch initialises once per process on a snippet's first tensor
    operation, done here so that every forked child inherits it: the CPU's
    capabilities (six ``/sys`` and ``/proc/cpuinfo`` reads and a parse per
    snippet otherwise).  Starts no thread."""
    torch = sys.modules.get("torch")
    try:
        torch.backends.cpu.get_cpu_capability()
    except Exception:
        pass


def _stop_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)  # unwinds to main's finally: the snippet's processes are killed first


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    fd = int(argv[0])
    settings = json.loads(argv[1])
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # `-m` put the start folder on the path; a snippet must not see it

    from cuecast.runner.reaper import become_subreaper, die_with_parent, kill_tree, thread_count

    # SIGTERM, not SIGKILL, when render dies: the handler kills what the
    # current snippet started before the worker goes
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    die_with_parent(signal.SIGTERM)
    subreaper = become_subreaper()
    # A duplicate of the log's descriptor: while a snippet runs, fds 1 and 2
    # capture its output (see fdcapture), but a crash or hang dump must still
    # reach the log.  Forked children inherit it, and the handlers.
    dumps = os.fdopen(os.dup(2), "w")
    faulthandler.enable(file=dumps, all_threads=True)
    faulthandler.register(DUMP_SIGNAL, file=dumps, all_threads=True, chain=False)

    from multiprocessing.connection import Connection

    from cuecast.runner.wire import send

    conn = Connection(fd)
    from cuecast.errors import ConfigError
    from cuecast.runner import child as _child  # noqa: F401  (imported once, here, for every fork)
    from cuecast.runner import execute as _execute  # noqa: F401
    from cuecast.runner.device import installed_torch_version, python_version, resolve_device, resolve_device_in_child
    from cuecast.runner.forkserver import ForkServer, StopWorker, fork_problem
    from cuecast.runner.reads import install as install_read_hook

    import torch  # noqa: F401  (the point of a worker: pay for this once)

    baseline_threads = thread_count()  # native pools torch's import starts are fork-safe (they re-create)
    try:
        if fork_problem(baseline_threads) is None:
            device, device_name = resolve_device_in_child(settings["device"])
        else:
            device, device_name = resolve_device(settings["device"])  # no fork will follow anyway
    except ConfigError as exc:
        send(conn, ("config-error", exc.message, exc.hint))
        return 2
    _warm_torch()
    install_read_hook()
    numpy_warm = ALWAYS_WARM if "numpy" in sys.modules else ()
    _warm((*numpy_warm, *settings.get("warm", ())))
    # plain str() everywhere: torch.__version__ is a torch class, and unpickling
    # it would import torch in the main process
    environment = {
        "device": str(device),
        "device_name": str(device_name),
        "torch_version": str(getattr(sys.modules["torch"], "__version__", installed_torch_version())),
        "python_version": str(python_version()),
    }
    problem = fork_problem(baseline_threads)
    facts = {
        "pid": os.getpid(),
        "fork": problem is None,
        "fork_problem": problem or "",
        "subreaper": subreaper,
        "cuda_initialized": bool(torch.cuda.is_initialized()),
    }
    send(conn, ("ready", environment, facts))

    server = ForkServer(conn, settings, environment, baseline_threads)
    try:
        while True:
            if server.later:
                message = server.later.popleft()
            else:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    return 0
            if message[0] == "stop":
                return 0
            if message[0] == "warm":  # modules the coming snippets need; imported once, here
                _warm(message[1])
                server.warmed()
            elif message[0] == "run":
                job = message[1]
                if any(name not in sys.modules for name in job.warm):
                    _warm(job.warm)
                    server.warmed()
                server.run(job)
            # a "cancel" for a job that has already ended needs nothing
    except StopWorker:
        return 0
    finally:
        kill_tree()


if __name__ == "__main__":
    # no interpreter teardown (torch's takes a while): everything below the
    # worker is already gone, and the pool is waiting for this exit; a
    # SIGTERM (the pool closing while the worker starts) ends here too
    try:
        status = main()
    except SystemExit as stopped:
        status = stopped.code if isinstance(stopped.code, int) else 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
