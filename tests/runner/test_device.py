"""Device resolution: the remembered probe that lets a cached run skip torch,
and the clear error for a device that is not there."""

from __future__ import annotations

import os
import sys

import pytest

from cuecast.errors import ConfigError
from cuecast.runner.device import (
    Environment,
    cpu_name,
    installed_torch_version,
    local_environment,
    probe_key,
    remember_environment,
    resolve_device,
    system_facts,
)


def test_torch_version_is_read_without_importing_torch():
    pytest.importorskip("torch")  # installed; this reads its version.py
    import subprocess

    script = ("import sys; from cuecast.runner.device import installed_torch_version as v; "
              "print(v()); assert 'torch' not in sys.modules")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import torch

    assert done.stdout.strip() == torch.__version__ == installed_torch_version()


def test_cpu_is_known_without_a_probe(tmp_path):
    environment = local_environment("cpu", None)
    assert environment.device == "cpu" and environment.device_name == cpu_name()
    assert resolve_device("cpu") == ("cpu", cpu_name())


def test_auto_is_remembered_per_probe_key(tmp_path, monkeypatch):
    assert local_environment("auto", tmp_path) is None
    seen = Environment("cuda", "NVIDIA H100", installed_torch_version(), "3.11.7")
    remember_environment("auto", tmp_path, seen)
    back = local_environment("auto", tmp_path)
    assert (back.device, back.device_name) == ("cuda", "NVIDIA H100")
    assert local_environment("mps", tmp_path) is None  # another request, another answer
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")  # GPUs hidden: the old answer no longer applies
    assert local_environment("auto", tmp_path) is None


def test_probe_key_follows_what_could_change_the_answer(monkeypatch):
    before = probe_key("auto")
    assert probe_key("cuda") != before
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert probe_key("auto") != before
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    assert probe_key("auto") == before
    real = os.uname()
    monkeypatch.setattr(os, "uname", lambda: os.uname_result(real[:2] + ("6.99-other-kernel",) + real[3:]))
    assert probe_key("auto") != before  # another kernel: ask a worker again


def test_system_facts_are_platform_s():
    import platform

    system, release, _, machine, libc = system_facts()
    assert (system, release, machine) == (platform.system(), platform.release(), platform.machine())
    if libc is not None:
        assert libc.replace(" ", "") in platform.platform().replace("-", "")


def test_corrupt_probe_file_is_ignored(tmp_path):
    (tmp_path / "device.json").write_text("{oops")
    assert local_environment("auto", tmp_path) is None
    remember_environment("auto", tmp_path, Environment("cpu", "x", "1", "2"))
    assert local_environment("auto", tmp_path).device_name == "x"


def test_absent_cuda_is_a_config_error_with_a_hint():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ConfigError) as raised:
        resolve_device("cuda")
    assert raised.value.message == "--device cuda requested but no CUDA device is available"
    assert "--device cpu" in raised.value.hint
    assert resolve_device("auto")[0] in ("cpu", "mps")
