"""Build-level faults in the caches and the voice: a corrupt capture entry,
a truncated WAV in the voice cache, and a missing or broken espeak library
are all survived by ``render build``, which rebuilds or falls back and says so."""

from __future__ import annotations

import json
import os
import shutil
import wave
from pathlib import Path

import pytest
import srt

from tests.faults.test_interrupt import BUILD_ARGS, TINY
from tests.support.cli import run_render

ONLY = ["--only", "timeline,notebook"]


@pytest.fixture
def espeak_tiny(tmp_path) -> Path:
    """The tiny lesson narrated by espeak (so there are WAVs in the voice cache)."""
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project, ignore=shutil.ignore_patterns("build"))
    script = project / "script" / "tiny.yaml"
    script.write_text(script.read_text().replace("voice: none", "voice: espeak"))
    return project


@pytest.mark.slow
def test_corrupt_capture_and_truncated_voice_clip_are_rebuilt(espeak_tiny):
    project = espeak_tiny
    first = run_render(*BUILD_ARGS, *ONLY, cwd=project)
    if "espeak-ng is unavailable" in first.stderr:
        pytest.skip("espeak-ng is not available here")
    assert first.returncode == 0, first.stderr
    cache = project / "build" / ".cache"
    captures = sorted((cache / "captures").glob("*.json"))
    clips = sorted((cache / "voice").rglob("*.wav"))
    assert captures and clips
    captures[0].write_text('{"truncated": ', encoding="utf-8")
    clips[0].write_bytes(clips[0].read_bytes()[:60])  # a header and a few samples: cut short by a crash

    second = run_render(*BUILD_ARGS, *ONLY, cwd=project)
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stdout + second.stderr
    assert "ran snippets/" in second.stdout + second.stderr  # the corrupt capture was re-run, not trusted
    json.loads(captures[0].read_text(encoding="utf-8"))
    with wave.open(str(clips[0])) as clip:
        assert clip.getnframes() > 1000
    subs = list(srt.parse((project / "build" / "tiny" / "captions.srt").read_text(encoding="utf-8")))
    assert any("Tensors are n-dimensional arrays" in s.content for s in subs)


@pytest.mark.slow
def test_broken_espeak_library_falls_back_to_silence_with_a_warning(espeak_tiny, tmp_path):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "espeakng_loader.py").write_text(
        "def get_library_path():\n    return '/nonexistent/libespeak-ng.so.1'\n"
        "def get_data_path():\n    return '/nonexistent/espeak-ng-data'\n")
    result = run_render(*BUILD_ARGS, *ONLY,
                    env={"PYTHONPATH": os.pathsep.join([str(fake), os.environ.get("PYTHONPATH", "")])}, cwd=espeak_tiny)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output and "VoiceWarning" not in output
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning: espeak-ng is unavailable")]
    assert len(warning) == 1 and warning[0].endswith("narrating silently")
    assert "voice none (silent" in result.stdout  # the timeline stage's note
    subs = list(srt.parse((espeak_tiny / "build" / "tiny" / "captions.srt").read_text(encoding="utf-8")))
    assert any("Tensors are n-dimensional arrays" in s.content for s in subs)


def test_a_build_lock_that_cannot_be_written_is_a_clear_error(tmp_path):
    import pytest

    from cuecast.errors import ConfigError
    from cuecast.lock import project_lock

    (tmp_path / "build" / ".lock").mkdir(parents=True)  # fails for root too, unlike chmod
    with pytest.raises(ConfigError, match=r"cannot write the build lock .*\.lock: Is a directory"):
        with project_lock(tmp_path / "build"):
            pass


@pytest.mark.slow
def test_a_failing_snippet_fails_the_build_with_its_file_line_and_error(tmp_path):
    """The rest of the lesson is still built (the slide shows the error), and
    the build says which snippet failed where, once, and exits 1."""
    project = tmp_path / "tiny"
    shutil.copytree(TINY, project, ignore=shutil.ignore_patterns("build"))
    snippet = project / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text() + "print(undefined_name)\n")
    line = len(snippet.read_text().splitlines())
    done = run_render(*BUILD_ARGS, "--only", "slides,notebook", cwd=project)
    assert done.returncode == 1, done.stderr
    errors = [l for l in done.stderr.splitlines() if l.startswith("error: ")]
    assert errors == [f"error: snippets/shapes.py:{line}: NameError: name 'undefined_name' is not defined"]
    assert "1 snippet(s) failed; run `render check` for details" in done.stderr
    assert (project / "build" / "tiny" / "slides.pptx").is_file()
