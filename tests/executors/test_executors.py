"""``cuecast.executors``: which executor a spec names, how Ray is connected to,
and the in-process default the stages fall back on."""

from __future__ import annotations

import pytest

from cuecast import executors
from cuecast.executors import ExecutorError, check_spec, open_executor


@pytest.mark.parametrize("spec", ["local", "ray", "ray://10.0.0.5:10001", "ray:10.0.0.5:6379"])
def test_specs_that_name_an_executor(spec):
    assert check_spec(spec) == spec


@pytest.mark.parametrize("spec", ["dask", "ray:", "Ray", ""])
def test_other_specs_are_usage_errors(spec):
    with pytest.raises(ExecutorError, match="expected: local, ray, ray://HOST:PORT") as caught:
        check_spec(spec)
    assert caught.value.exit_code == 2


def test_outside_a_build_work_runs_here_in_order():
    assert not executors.current().remote
    calls = [(i, i + 1) for i in range(5)]
    assert executors.current().map(pow, calls) == [pow(*c) for c in calls]
    inner = open_executor("local", 2)
    with executors.using(inner):
        assert executors.current() is inner
    assert executors.current() is not inner


class FlakyRay:
    """Ray's ``init`` as a Ray Client proxy answers it: its per-client server
    fails to start ``failures`` times (what Ray raises then), then connects."""

    def __init__(self, failures: int, error: Exception):
        self.failures, self.error, self.calls = failures, error, 0

    def init(self, **settings):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error

    def is_initialized(self):
        return self.calls > self.failures

    def cluster_resources(self):
        return {"CPU": 2.0}


SERVER_DIED = ConnectionAbortedError("Initialization failure from server:\nTraceback …\npsutil.ZombieProcess: PID still exists but it's a zombie")


def ray_executor(fake: FlakyRay):
    from cuecast.executors.ray_executor import RayExecutor

    executor = RayExecutor("ray://127.0.0.1:10001")  # the real class, only its Ray swapped
    executor.ray = fake
    return executor


def test_a_ray_client_server_that_dies_while_it_starts_is_asked_again(monkeypatch):
    from cuecast.executors import ray_executor as module

    monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
    fake = FlakyRay(failures=2, error=SERVER_DIED)
    assert ray_executor(fake).workers == 2
    assert fake.calls == 3


def test_a_ray_client_server_that_never_starts_is_an_error_that_says_how_often_it_was_tried(monkeypatch):
    from cuecast.executors import ray_executor as module

    monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
    fake = FlakyRay(failures=99, error=SERVER_DIED)
    with pytest.raises(ExecutorError, match=r"tried 3 times\): Initialization failure from server") as caught:
        ray_executor(fake).workers
    assert fake.calls == module.CLIENT_TRIES == 3
    assert "ray start --head" in caught.value.hint


@pytest.mark.parametrize("error", [ConnectionError("Ray Client could not connect to 127.0.0.1:10001"),
                                   ConnectionAbortedError("Unauthenticated: the token was refused")])
def test_other_connection_errors_are_not_tried_again(monkeypatch, error):
    from cuecast.executors import ray_executor as module

    monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
    fake = FlakyRay(failures=1, error=error)
    with pytest.raises(ExecutorError, match="cannot connect to Ray at ray://127.0.0.1:10001: ") as caught:
        ray_executor(fake).workers
    assert "tried" not in str(caught.value)
    assert fake.calls == 1
