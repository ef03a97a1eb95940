"""``cuecast.runner.worker``: the fork server's protocol with the pool, spoken
here to one real worker (``python -m cuecast.runner.worker``, torch imported
once): ready with its facts, warm, run, cancel, stop."""

from __future__ import annotations

import json
import os
import pickle
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

import pytest

from cuecast.model import STATUS_OK
from cuecast.runner.ending import ChildEnd
from cuecast.runner.job import Job
from cuecast.runner.options import RunOptions
from cuecast.runner.pool import worker_environment
from cuecast.runner.wire import send
from tests.support.processes import alive


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """A worker process and our end of its pipe, started as the pool starts one."""
    folder = tmp_path_factory.mktemp("worker")
    ours, theirs = socket.socketpair()
    log = folder / "worker.log"
    settings = {"device": "cpu", "memory_limit": None, "warm": [], "tee": str(folder / "worker.tee"),
                "log": str(log)}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cuecast.runner.worker", str(theirs.fileno()), json.dumps(settings)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, pass_fds=(theirs.fileno(),),
            env=worker_environment(RunOptions(device="cpu"), os.environ), cwd=folder, start_new_session=True)
    theirs.close()
    conn = Connection(ours.detach())
    yield process, conn, folder
    if process.poll() is None:
        process.kill()
        process.wait()
    conn.close()


def job_in(folder, name: str, source: str, timeout: float = 30) -> Job:
    path = folder / f"{name}.py"
    path.write_text(source)
    return Job(key=name, snippet=f"snippets/{name}.py", path=str(path), root=str(folder), timeout=timeout)


def receive_until(conn, kinds: tuple[str, ...], timeout: float = 120) -> list:
    """Messages up to and including the first whose kind is in ``kinds``."""
    messages = []
    while conn.poll(timeout):
        messages.append(conn.recv())
        if messages[-1][0] in kinds:
            return messages
    raise AssertionError(f"no {kinds} from the worker; got {messages}")


def test_the_worker_serves_warm_run_cancel_and_stop(worker):
    process, conn, folder = worker
    ready = receive_until(conn, ("ready", "config-error"))[-1]
    assert ready[0] == "ready"
    environment, facts = ready[1], ready[2]
    assert environment["device"] == "cpu" and environment["torch_version"]
    assert facts["pid"] == process.pid and facts["fork"] and facts["subreaper"]
    assert not facts["cuda_initialized"]

    send(conn, ("warm", ["json.tool"]))
    send(conn, ("run", job_in(folder, "ok", "import sys\nprint('json.tool' in sys.modules, 40 + 2)\n")))
    messages = receive_until(conn, ("done", "ended"))
    assert [m[0] for m in messages] == ["started", "done"]
    child = messages[0][2]
    assert child != process.pid and not alive(child)  # its own process, gone by the time it is reported
    capture = pickle.loads(messages[-1][2])
    assert capture.status == STATUS_OK and capture.output == "True 42\n"

    hang = job_in(folder, "hangs", "import time\nprint('asleep', flush=True)\ntime.sleep(60)\n")
    send(conn, ("run", hang))
    started = receive_until(conn, ("started",))[-1]
    send(conn, ("cancel", hang.key))
    ended = receive_until(conn, ("done", "ended"))[-1]
    assert ended[:2] == ("ended", "hangs") and isinstance(ended[2], ChildEnd) and ended[2].cancelled
    assert not alive(started[2])

    send(conn, ("stop",))
    assert process.wait(timeout=30) == 0
