"""Run one snippet inside the current process, the way ``python FILE`` would.

In a run that process is the snippet's own (``child``: forked from the
worker, ended after the snippet), so nothing here has to undo what a
snippet did, and ``disposable=True`` says so: only the streams and the
folder are put back.  By default ``execute`` puts back what it changes (cwd,
argv, ``sys.path``, the snippet's project modules, the standard streams,
``os.environ``, the cheap torch globals) so it can also run in a process
that goes on, as the tests call it.

Modelled on sphinx-gallery's executor: the code is compiled with the real file
name so tracebacks point into the snippet at the right line; the runner's own
frames are cut from the traceback.  Each snippet gets a ``__main__``
namespace, the same seed, no stdin and an empty temporary working folder
that is deleted afterwards, so files it writes never land in the project.
"""

from __future__ import annotations

import builtins
import linecache
import os
import shutil
import sys
import tempfile
import time
import traceback
import types
import warnings
from pathlib import Path
from typing import Any, Callable, Optional

from cuecast.model import (
    STATUS_ERROR,
    STATUS_EXPECTED_ERROR,
    STATUS_MISSING_ERROR,
    STATUS_OK,
    Capture,
    SnippetException,
)
from cuecast.cells import split_cells
from cuecast.runner.autograd import NoGraphError, autograd_graph
from cuecast.runner.cellrun import cell_results, file_status, first_failure, run_cells
from cuecast.runner.device import capture_environment
from cuecast.runner.fdcapture import DescriptorCapture
from cuecast.runner.job import Job
from cuecast.runner.reads import ReadWatch
from cuecast.runner.seeding import seed_everything
from cuecast.runner.streams import RESULT, NoInput, OutputRecorder, RecordingStream, bounded_text, split_by_cell

#: Bytes of an exception's message, and of its traceback, kept.
EXCEPTION_TEXT_LIMIT = 200_000


def exception_type_name(exc_type: type) -> str:
    """The name Python's own traceback prints: ``ValueError``, ``torch.OutOfMemoryError``."""
    module = getattr(exc_type, "__module__", "builtins")
    name = exc_type.__qualname__
    return name if module in ("builtins", "__main__") else f"{module}.{name}"


#: Frames from files under this folder are cuecast's, never the snippet's.
CUECAST_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")


def _trim(tb: Optional[types.TracebackType], path: str) -> Optional[types.TracebackType]:
    """Drop the frames above the snippet's first frame (the runner's own); a
    SyntaxError from compiling the snippet has none left, like ``python FILE``."""
    head = tb
    while head is not None and head.tb_frame.f_code.co_filename != path:
        head = head.tb_next
    return head


def _innermost_snippet_line(tb: Optional[types.TracebackType], path: str) -> Optional[int]:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _rename(te: traceback.TracebackException, path: str, shown: str) -> None:
    """Show the snippet's project-relative path instead of the absolute one, so
    captures (and the cache) do not depend on where the project is checked out,
    and drop any frame of cuecast's own."""
    seen: set[int] = set()
    while te is not None and id(te) not in seen:
        seen.add(id(te))
        # cuecast's own frames below the snippet (the stdin stand-in) go too
        te.stack[:] = [f for f in te.stack if not f.filename.startswith(CUECAST_DIR)]
        for frame in te.stack:
            if frame.filename == path:
                frame.filename = shown
        if getattr(te, "filename", None) == path:
            te.filename = shown
        te = te.__cause__ or te.__context__  # type: ignore[assignment]


def describe_exception(exc: BaseException, path: str, shown: str) -> SnippetException:
    """Render an exception raised by the snippet at ``path`` into plain data."""
    tb = _trim(exc.__traceback__, path)
    te = traceback.TracebackException(type(exc), exc, tb, compact=True)
    _rename(te, path, shown)
    text = "".join(te.format())
    line = _innermost_snippet_line(tb, path)
    if line is None and isinstance(exc, SyntaxError) and exc.filename == path:
        line = exc.lineno
    message = str(exc)
    if isinstance(exc, SyntaxError):
        message = exc.msg or message
    elif isinstance(exc, SystemExit):
        message = f"exit code {exc.code}" if isinstance(exc.code, int) else str(exc.code)
    # kept as output is (surrogates replaced, long lines cut): a message is shown and cached like output
    return SnippetException(type=exception_type_name(type(exc)), message=bounded_text(message, EXCEPTION_TEXT_LIMIT),
                            traceback=bounded_text(text, EXCEPTION_TEXT_LIMIT), line=line)


def _relative_warnings(show: Callable, path: str, shown: str) -> Callable:
    """``warnings.showwarning`` naming the snippet by its project-relative
    path, as tracebacks do: output must not depend on where the project is
    checked out (it is cached, compared with golden files and shown)."""

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if filename == path:
            filename = shown
            if line is None:
                line = linecache.getline(path, lineno)
        show(message, category, filename, lineno, file, line)

    return showwarning


class _TorchState:
    """Torch globals a snippet can flip and that would leak into the next one."""

    def __init__(self):
        self.torch = sys.modules.get("torch")
        if self.torch is None:
            return
        torch = self.torch
        self.dtype = torch.get_default_dtype()
        self.grad = torch.is_grad_enabled()
        self.threads = torch.get_num_threads()
        get_device = getattr(torch, "get_default_device", None)
        self.device = get_device() if get_device else None

    def restore(self) -> None:
        torch = self.torch if self.torch is not None else sys.modules.get("torch")
        if torch is None:
            return
        if self.torch is None:  # the snippet imported torch: restore to torch's defaults
            torch.set_default_dtype(torch.float32)
            torch.set_grad_enabled(True)
            torch.set_printoptions(profile="default")
            return
        torch.set_default_dtype(self.dtype)
        torch.set_grad_enabled(self.grad)
        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        if self.device is not None and hasattr(torch, "set_default_device"):
            if torch.get_default_device() != self.device:
                torch.set_default_device(None if self.device.type == "cpu" else self.device)
        torch.set_printoptions(profile="default")


def _forget_project_modules(before: set[str], folders: tuple[str, ...]) -> None:
    """Unimport modules the snippet loaded from the project or its temp folder,
    so the next snippet imports its own copy; library modules stay loaded
    (torch's lazily imported parts cannot be imported twice)."""
    for name in [name for name in sys.modules if name not in before]:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None) or ""
        if file and os.path.abspath(file).startswith(folders):
            del sys.modules[name]


def _put_back(job: Job, workdir: str, saved_input, saved_argv, saved_path, saved_main, saved_modules,
              saved_environ, torch_state: _TorchState) -> None:
    """Undo what a snippet did to this process, for a process that goes on."""
    builtins.input = saved_input
    sys.argv = saved_argv
    sys.path[:] = saved_path
    if saved_main is not None:
        sys.modules["__main__"] = saved_main
    _forget_project_modules(
        saved_modules,
        tuple(os.path.join(os.path.abspath(p), "") for p in (job.root, os.path.dirname(job.path), workdir)),
    )
    if os.environ != saved_environ:
        os.environ.clear()
        os.environ.update(saved_environ)
    try:
        torch_state.restore()
    except Exception:
        pass


def _status(exception: Optional[SnippetException], expect_error: bool) -> str:
    if expect_error:
        return STATUS_EXPECTED_ERROR if exception else STATUS_MISSING_ERROR
    return STATUS_ERROR if exception else STATUS_OK


def _run_cells(job: Job, text: str, cells: tuple, namespace: dict, recorder: OutputRecorder,
               below_python: DescriptorCapture, on_cell: Optional[Callable[[int], None]]) -> dict:
    """Run a cell file's cells (see ``cellrun``) with the streams already
    redirected; a bare last expression's repr is recorded in its place."""
    result_stream = RecordingStream(recorder, RESULT, before_write=below_python.drain)

    def mark(index: int) -> None:
        below_python.drain()  # what the last cell wrote below Python is its own
        recorder.mark_cell(index)
        if on_cell is not None:
            on_cell(index)

    def expected(cell) -> Optional[bool]:
        """True: the cue of this cell expects it to raise; None: a cue showing
        the whole file expects some cell to raise (this one may or may not)."""
        if cell.number in job.expect_error_cells:
            return True
        return None if job.expect_error else False

    return run_cells(
        text, cells, path=job.path, snippet=job.snippet, namespace=namespace, mark=mark,
        show_result=result_stream.write, describe=lambda exc: describe_exception(exc, job.path, job.snippet),
        expected=expected,
    )


def execute(job: Job, environment: dict[str, str], tee: Optional[Callable[[str, str], None]] = None,
            on_cell: Optional[Callable[[int], None]] = None, finish: Optional[Callable[[], None]] = None,
            disposable: bool = False, seed: Optional[Callable[[int], None]] = None,
            capture: Optional[Callable[[OutputRecorder], DescriptorCapture]] = None,
            workdir: Optional[str] = None) -> Capture:
    """Run ``job`` here and return its Capture; never raises for what the
    snippet does (except what kills the process, which the pool reports).
    ``tee`` gets the output as it is written (see ``OutputRecorder``);
    ``on_cell`` the index of each cell of a cell file as it starts;
    ``finish`` runs after the code, still captured (the snippet's process
    waits for its threads and runs its ``atexit`` callbacks there, see
    ``child``).

    ``disposable=True`` is for a process that ends with the snippet (the
    forked child): only what the Capture needs is put back (the streams, the
    folder), not the interpreter state nor the snippet's globals (its daemon
    threads may still use them).  Saving that state means touching every
    module and environment entry, and in a forked process each object
    touched is a page copied.  ``seed`` replaces ``seed_everything`` (the
    child's is cheaper: the worker seeded before forking, see
    ``seeding``); ``capture`` makes the ``DescriptorCapture`` (the child
    reuses the worker's files).  ``workdir`` is an empty folder the caller
    made and removes (the worker, which removes it even when the snippet's
    process was killed); by default one is made here and removed after."""
    path = job.path
    recorder = OutputRecorder(job.output_limit, tee)
    exception: Optional[SnippetException] = None
    namespace: dict[str, Any] = {}
    duration = 0.0

    saved_cwd = os.getcwd()
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    if not disposable:
        saved_argv = sys.argv[:]
        saved_path = sys.path[:]
        saved_modules = set(sys.modules)
        saved_main = sys.modules.get("__main__")
        saved_environ = dict(os.environ)
        saved_input = builtins.input
        torch_state = _TorchState()
    own_workdir = workdir is None
    if own_workdir:
        workdir = tempfile.mkdtemp(prefix="cuecast-snippet-")
    reads: Optional[ReadWatch] = None
    unreadable = False
    cells: tuple = ()
    outcomes: dict = {}

    try:
        linecache.checkcache(path)
        try:
            source = Path(path).read_bytes()
            text = source.decode("utf-8-sig", "replace")
            cells = split_cells(text, regions=job.region_cells)
            # a cell file compiles cell by cell as it runs (see cellrun)
            code = True if cells else compile(source, path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            exception = describe_exception(exc, path, job.snippet)
            code = None
        except OSError as exc:
            exception = SnippetException(type(exc).__name__, f"cannot read {job.snippet}: {exc.strerror}", "", None)
            code = None
            unreadable = True  # gone since its key was made (deleted while the run went on): never cached
        if code is not None:
            module = types.ModuleType("__main__")
            namespace = module.__dict__
            namespace.update({"__file__": path, "__builtins__": builtins, "__cached__": None})
            sys.modules["__main__"] = module
            sys.argv = [path]
            sys.path.insert(0, os.path.dirname(path))
            os.chdir(workdir)
            sys.stdin = NoInput()
            below_python = capture(recorder) if capture is not None else DescriptorCapture(recorder)
            reads = ReadWatch(job.root, ignore=(workdir,), snippet=path, writes=job.writes)
            sys.stdout = RecordingStream(recorder, "stdout", before_write=below_python.drain)
            sys.stderr = RecordingStream(recorder, "stderr", before_write=below_python.drain)
            (seed or seed_everything)(job.seed)
            with warnings.catch_warnings(), below_python, reads:
                warnings.showwarning = _relative_warnings(warnings.showwarning, path, job.snippet)
                started = time.perf_counter()
                try:
                    if cells:
                        outcomes = _run_cells(job, text, cells, namespace, recorder, below_python, on_cell)
                    else:
                        exec(code, namespace)
                except SystemExit as exc:
                    if exc.code not in (None, 0):
                        exception = describe_exception(exc, path, job.snippet)
                except BaseException as exc:  # the snippet's failure is data, not ours
                    exception = describe_exception(exc, path, job.snippet)
                finally:
                    if finish is not None:
                        try:
                            finish()
                        except BaseException:
                            pass  # python itself only prints what an atexit callback raises
                    duration = time.perf_counter() - started
                    for stream in (sys.stdout, sys.stderr):
                        try:
                            stream.flush()
                        except Exception:
                            pass
                    below_python.drain()
                    recorder.seal()  # what threads write from here on comes after the end
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        if not disposable:
            _put_back(job, workdir, saved_input, saved_argv, saved_path, saved_main, saved_modules,
                      saved_environ, torch_state)
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    graph = None
    if job.diagram == "autograd" and exception is None:
        try:
            graph = autograd_graph(namespace)
        except NoGraphError as exc:
            exception = SnippetException(
                "DiagramError",
                f"diagram: autograd cannot draw {job.snippet}: {exc}",
                f"DiagramError: {exc}\n",
                None,
            )
    if not disposable:
        namespace.clear()  # drop the snippet's tensors now, not at the next collection
    read_digests = reads.digests(skip=(path,)) if reads is not None else ()
    if reads is not None and reads.refused and (exception is None or exception.type != "PermissionError"):
        # the snippet caught the refusal (or failed otherwise after it): the change it tried is its failure
        line, message = reads.refused[0]
        where = f'  File "{job.snippet}", line {line}\n' if line else ""
        exception = SnippetException("PermissionError", message,
                                     f"Traceback (most recent call last):\n{where}PermissionError: {message}\n", line)

    streams, _ = split_by_cell(recorder.chunks())
    status = _status(exception, job.expect_error)
    results: tuple = ()
    if cells and outcomes:
        results = cell_results(cells, recorder.chunks(), outcomes)
        if exception is None:
            status, exception = file_status(results, job.expect_error), first_failure(results)
        # else: the diagram could not be drawn after the cells ran; the file failed
    return Capture(
        snippet=job.snippet,
        status=status,
        output="".join(text for _, text in streams),
        streams=streams,
        cells=results,
        exception=exception,
        duration=duration,
        truncated=recorder.truncated,
        key="" if unreadable else job.key,
        graph=graph,
        reads=read_digests,
        **capture_environment(environment),
    )
