"""A snippet worker: a long-lived process that imports torch once and then runs
snippets one at a time for the pool, over one socket.

Started by ``cuecast.runner.pool`` as ``python -m cuecast.runner.worker FD
OPTIONS_JSON``.  It is the only kind of cuecast process that imports torch.
Its protocol, each message a pickled tuple:

    worker → pool   ("ready", environment dict)  once torch is imported
                    ("config-error", message, hint)  e.g. --device cuda without a GPU
                    ("cell", key, index)  as each cell of a cell file starts
                    ("done", key, Capture)  after each job
    pool → worker   ("run", Job)   |   ("warm", [module, …])   |   ("stop",)

The worker's own stdout/stderr (faulthandler dumps, anything printed between
snippets) go to a log file the pool reads when the worker dies or hangs, to
say where it was (a snippet's own output below Python is captured, see
``fdcapture``);
the snippet's output is also written, as it happens, to a "tee" file, so the
pool can show what a snippet printed before it hung or crashed.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys

#: The signal the pool sends a hung worker to make faulthandler print where it is.
DUMP_SIGNAL = signal.SIGUSR1


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the pool's process dies, so no worker outlives a
    killed ``render``."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except Exception:
            pass


def _set_memory_limit(limit) -> None:
    if not limit:
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = int(limit) if hard == resource.RLIM_INFINITY else min(int(limit), hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _truncate_log() -> None:
    """Start each job with an empty log (stderr is opened in append mode, so
    writes after the truncation land at the start)."""
    try:
        os.ftruncate(2, 0)
    except OSError:
        pass


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    fd = int(argv[0])
    settings = json.loads(argv[1])
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # `-m` put the start folder on the path; a snippet must not see it
    _die_with_parent()
    # A duplicate of the log's descriptor: while a snippet runs, fds 1 and 2
    # capture its output (see fdcapture), but a crash or hang dump must still
    # reach the log the pool reads.
    dumps = os.fdopen(os.dup(2), "w")
    faulthandler.enable(file=dumps, all_threads=True)
    faulthandler.register(DUMP_SIGNAL, file=dumps, all_threads=True, chain=False)

    from multiprocessing.connection import Connection

    conn = Connection(fd)
    from cuecast.errors import ConfigError
    from cuecast.runner.device import installed_torch_version, python_version, resolve_device

    try:
        import torch  # noqa: F401  (the point of a worker: pay for this once)

        device, device_name = resolve_device(settings["device"])
    except ConfigError as exc:
        conn.send(("config-error", exc.message, exc.hint))
        return 2
    for name in settings.get("warm", ()):
        try:
            __import__(name)
        except Exception:
            pass
    _set_memory_limit(settings.get("memory_limit"))
    # plain str() everywhere: torch.__version__ is a torch class, and unpickling
    # it would import torch in the main process
    environment = {
        "device": str(device),
        "device_name": str(device_name),
        "torch_version": str(getattr(sys.modules["torch"], "__version__", installed_torch_version())),
        "python_version": str(python_version()),
    }
    conn.send(("ready", environment))

    from cuecast.runner.execute import execute
    from cuecast.runner.streams import tee_frame

    tee_fd = os.open(settings["tee"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if settings.get("tee") else None

    def tee(stream: str, text: str) -> None:
        os.write(tee_fd, tee_frame(stream, text))

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return 0
        if message[0] == "stop":
            return 0
        if message[0] == "warm":  # modules the coming snippets need; import before the first runs
            for name in message[1]:
                try:
                    __import__(name)
                except Exception:
                    pass
        if message[0] == "run":
            job = message[1]
            _truncate_log()
            if tee_fd is not None:
                os.ftruncate(tee_fd, 0)
                os.lseek(tee_fd, 0, os.SEEK_SET)
            def on_cell(index: int) -> None:  # the pool restarts the clock for each cell
                conn.send(("cell", job.key, index))

            capture = execute(job, environment, tee if tee_fd is not None else None, on_cell)
            conn.send(("done", job.key, capture))


if __name__ == "__main__":
    sys.exit(main())
