"""``cuecast.runner.child``: the process one snippet runs in.  Its pipe and
tee survive a snippet that closes descriptors, and ``run_job`` ends the
process as ``python FILE`` ends, in a child forked here as the worker forks
one."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import resource
from pathlib import Path

from cuecast.model import STATUS_ERROR, STATUS_OK
from cuecast.runner.child import FAILED_STATUS, Channel, Tee, run_job, set_memory_limit
from cuecast.runner.ending import PIPE_LOST_NOTE, PIPE_LOST_STATUS
from cuecast.runner.job import Job
from cuecast.runner.streams import read_tee

ENVIRONMENT = {"device": "cpu", "device_name": "test", "torch_version": "x", "python_version": "y"}


def test_a_channel_says_so_when_its_descriptor_now_names_another_file(tmp_path):
    ours, theirs = multiprocessing.Pipe()
    channel = Channel(theirs)
    assert channel.send(("cell", "k", 1)) and ours.recv() == ("cell", "k", 1)
    theirs.close()  # what os.closerange(3, 4096) in a snippet does to the descriptor …
    reused = os.open(tmp_path / "snippet.txt", os.O_WRONLY | os.O_CREAT)  # … and the number is given out again
    try:
        assert reused == channel.fd
        assert not channel.send(("done", "k", b"capture"))
        assert channel.lost and (tmp_path / "snippet.txt").read_bytes() == b""
    finally:
        os.close(reused)
        ours.close()


def test_the_tee_writes_frames_and_stops_quietly_once_its_descriptor_is_gone(tmp_path):
    path = tmp_path / "tee"
    path.write_bytes(b"")
    tee = Tee(str(path))
    tee.write("stdout", "a")
    tee.write("stderr", "b\n")
    os.close(tee.fd)
    tee.write("stdout", "lost")  # no exception reaches the snippet
    assert tee.fd is None
    assert read_tee(path.read_bytes()) == (("stdout", "a"), ("stderr", "b\n"))
    Tee(None).write("stdout", "nowhere")  # no tee asked for


def run_forked(tmp_path: Path, source: str, **settings) -> tuple[list, int, str]:
    """``run_job`` in a child forked from this process, as the worker runs it:
    the messages it sent, its exit status, its worker log."""
    snippet = tmp_path / "snippets" / "s.py"
    snippet.parent.mkdir(exist_ok=True)
    snippet.write_text(source)
    job = Job(key="k", snippet="snippets/s.py", path=str(snippet), root=str(tmp_path), timeout=30)
    settings = {"log": str(tmp_path / "worker.log"), **settings}
    ours, theirs = multiprocessing.Pipe()
    worker = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: run_job never returns
        try:
            ours.close()
            run_job(theirs, job, settings, ENVIRONMENT, worker)
        finally:
            os._exit(99)
    theirs.close()
    messages = []
    try:
        while True:
            messages.append(ours.recv())
    except EOFError:
        pass
    _, status = os.waitpid(pid, 0)
    log = tmp_path / "worker.log"
    return messages, os.waitstatus_to_exitcode(status), log.read_text() if log.exists() else ""


def test_a_snippet_ends_as_python_ends_it_with_threads_and_atexit_inside_the_capture(tmp_path):
    source = ("import atexit, threading, time\n"
              "atexit.register(print, 'at exit')\n"
              "threading.Thread(target=lambda: (time.sleep(0.05), print('thread done'))).start()\n"
              "print('main done')\n")
    messages, status, _ = run_forked(tmp_path, source)
    assert status == 0 and [m[:2] for m in messages] == [("done", "k")]
    capture = pickle.loads(messages[0][2])
    assert capture.status == STATUS_OK and capture.output == "main done\nthread done\nat exit\n"


def test_a_snippet_that_closes_its_pipe_exits_with_the_status_that_says_so(tmp_path):
    messages, status, log = run_forked(tmp_path, "import os\nprint('closing')\nos.closerange(3, 4096)\n")
    assert messages == [] and status == PIPE_LOST_STATUS
    assert PIPE_LOST_NOTE in log


def test_the_memory_limit_is_a_memory_error_at_the_snippets_line(tmp_path):
    with open("/proc/self/status") as handle:  # the limit is on address space: start from what this process maps
        mapped = next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmSize:"))
    messages, status, _ = run_forked(tmp_path, "print('before')\nblock = bytearray(1 << 31)\n",
                                     memory_limit=mapped + (256 << 20))
    capture = pickle.loads(messages[0][2])
    assert status == 0 and capture.status == STATUS_ERROR
    assert (capture.exception.type, capture.exception.line) == ("MemoryError", 2)


def test_no_memory_limit_leaves_the_process_as_it_was():
    before = resource.getrlimit(resource.RLIMIT_AS)
    set_memory_limit(None)
    set_memory_limit(0)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_a_failure_of_cuecasts_own_code_is_reported_with_its_traceback(tmp_path):
    messages, status, _ = run_forked(tmp_path, "print('never run')\n", tee=7)  # a tee that is no path
    assert status == FAILED_STATUS
    assert [m[:2] for m in messages] == [("failed", "k")] and "Traceback" in messages[0][2]
