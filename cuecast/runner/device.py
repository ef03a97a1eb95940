"""Which device snippets run on, and what the machine is called.

Finding out whether CUDA or MPS is present needs torch, and importing torch
costs more than a whole cached ``render check``.  So the answer is asked for in
a worker (which imports torch anyway) and remembered on disk, keyed by
everything that could change it (torch's installed version, the interpreter,
``CUDA_VISIBLE_DEVICES``, whether the NVIDIA driver is present).  A fully
cached run reads the remembered answer and never imports torch.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

from cuecast.errors import ConfigError

PROBE_FILE = "device.json"


@dataclass(frozen=True)
class Environment:
    """What a Capture depends on besides the snippet itself."""

    device: str  # cpu | cuda | mps
    device_name: str
    torch_version: str
    python_version: str


def capture_environment(environment) -> dict:
    """The Capture fields that say where a run happened (``device``,
    ``device_name``, ``torch_version``, ``python_version``), from an
    ``Environment`` or a worker's dict of one: the one place they are copied
    into a Capture (``Capture(..., **capture_environment(env))``)."""
    found = asdict(environment) if isinstance(environment, Environment) else dict(environment or {})
    return {
        "device": found.get("device", "cpu"),
        "device_name": found.get("device_name", ""),
        "torch_version": found.get("torch_version", ""),
        "python_version": found.get("python_version", ""),
    }


_VERSION_LINE = re.compile(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@functools.lru_cache(maxsize=None)
def installed_torch_version() -> str:
    """torch's ``__version__`` without importing it: read from the installed
    ``torch/version.py`` (a path lookup and a small file read, where
    ``importlib.metadata`` alone costs ~0.1 s of a cached run's budget)."""
    import importlib.util

    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "torch is not installed in this Python environment",
            hint=f"install it with: {sys.executable} -m pip install torch",
        )
    for folder in spec.submodule_search_locations:
        try:
            match = _VERSION_LINE.search(Path(folder, "version.py").read_text(encoding="utf-8"))
        except OSError:
            continue
        if match:
            return match.group(1)
    from importlib import metadata

    return metadata.version("torch")


def python_version() -> str:
    return platform.python_version()


def cpu_name() -> str:
    """The CPU's marketing name (``/proc/cpuinfo``), else what platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


def resolve_device(requested: str) -> tuple[str, str]:
    """``(device, device_name)`` for ``--device``; imports torch, so call it in
    a worker (or a test).  ``auto`` picks CUDA, then MPS, then CPU; naming an
    absent device raises ``ConfigError`` with a hint."""
    if requested == "cpu":
        return "cpu", cpu_name()
    import torch

    cuda = torch.cuda.is_available()
    mps_backend = getattr(torch.backends, "mps", None)
    mps = bool(mps_backend and mps_backend.is_available())
    if requested in ("auto", "cuda") and cuda:
        return "cuda", torch.cuda.get_device_name(0)
    if requested == "cuda":
        raise ConfigError(
            "--device cuda requested but no CUDA device is available",
            hint=f"torch {torch.__version__} sees no GPU (torch.cuda.is_available() is False); "
            "use --device auto or --device cpu, or install a CUDA build of torch",
        )
    if requested in ("auto", "mps") and mps:
        return "mps", "Apple MPS"
    if requested == "mps":
        raise ConfigError(
            "--device mps requested but no MPS device is available",
            hint="MPS needs Apple silicon and a macOS build of torch; use --device auto or --device cpu",
        )
    return "cpu", cpu_name()


def resolve_device_in_child(requested: str) -> tuple[str, str]:
    """``resolve_device`` in a forked child, so that this process (a worker
    that forks a child per snippet) never initialises CUDA.

    ``torch.cuda.is_available()`` calls ``cudaGetDeviceCount``, which
    initialises the CUDA driver (``cuInit``); a process forked after that
    cannot use CUDA ("poison fork", see torch's multiprocessing notes).
    ``PYTORCH_NVML_BASED_CUDA_CHECK=1`` makes ``is_available`` ask NVML
    instead, which does not poison fork, but the device's name still needs
    CUDA and NVML's answer can differ from what CUDA gives the child.  A
    throwaway child gives the real answer for the cost of one fork."""
    if requested == "cpu":
        return resolve_device(requested)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            try:
                device, name = resolve_device(requested)
                answer = {"device": device, "name": name}
            except ConfigError as exc:
                answer = {"error": exc.message, "hint": exc.hint}
            except BaseException as exc:
                answer = {"error": f"could not probe --device {requested}: {type(exc).__name__}: {exc}", "hint": ""}
            os.write(write, json.dumps(answer).encode("utf-8"))
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    while True:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    try:
        answer = json.loads(b"".join(chunks).decode("utf-8"))
    except ValueError:
        raise ConfigError(
            f"could not probe --device {requested}: the probe process ended with status "
            f"{os.waitstatus_to_exitcode(status)}",
            hint="try --device cpu",
        ) from None
    if "error" in answer:
        raise ConfigError(answer["error"], hint=answer.get("hint") or "")
    return str(answer["device"]), str(answer["name"])


def system_facts() -> list:
    """The kernel, machine and C library: what ``platform.platform()`` is
    made of, read directly (it runs ``uname -p`` in a subprocess and scans
    the interpreter's binary for its C library, 6 ms of every cached build)."""
    uname = os.uname()
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError):  # not glibc: musl, macOS
        libc = None
    return [uname.sysname, uname.release, uname.version, uname.machine, libc]


def probe_key(requested: str) -> str:
    """Everything that could change what ``resolve_device(requested)`` says,
    short of importing torch."""
    facts = {
        "requested": requested,
        "torch": installed_torch_version(),
        "python": sys.executable,
        "cuda_visible": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "nvidia": os.path.exists("/dev/nvidiactl") or os.path.exists("/proc/driver/nvidia/version"),
        "system": system_facts(),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:24]


def local_environment(requested: str, cache_dir: Optional[Path]) -> Optional[Environment]:
    """The environment known without importing torch: always for ``cpu``,
    otherwise only when a worker's answer was remembered under ``cache_dir``."""
    torch_version = installed_torch_version()
    if requested == "cpu":
        return Environment("cpu", cpu_name(), torch_version, python_version())
    if cache_dir is None:
        return None
    try:
        entries = json.loads((Path(cache_dir) / PROBE_FILE).read_text(encoding="utf-8"))
        found = entries[probe_key(requested)]
        return Environment(str(found["device"]), str(found["device_name"]), torch_version, python_version())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember_environment(requested: str, cache_dir: Path, environment: Environment) -> None:
    """Store a worker's answer so the next fully cached run need not ask."""
    from cuecast.atomic import write_text

    path = Path(cache_dir) / PROBE_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entries, dict):
            entries = {}
    except (OSError, ValueError):
        entries = {}
    entries[probe_key(requested)] = asdict(environment)
    try:
        write_text(path, json.dumps(entries, indent=1, sort_keys=True))
    except OSError:
        pass  # a read-only build folder only costs the next run a probe
