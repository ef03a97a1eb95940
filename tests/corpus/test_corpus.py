"""The bad-input corpus: every broken script, snippet, theme, recording and
option in tests/corpus/ goes through the real ``render`` CLI in a subprocess,
and must give its exact message (file:line and caret), its exit code, no
Python traceback from cuecast, and leave every existing output untouched.

A case is a folder ``tests/corpus/<name>/`` laid over ``tests/corpus/_base/``
(a project with a working snippet) and holding:

* the project files it breaks (``script/case.yaml``, ``snippets/``,
  ``slides/theme.yaml``, ``rec/``...);
* ``expected.txt``: for exit 2, the whole stderr; for other exit codes, lines
  that must each appear in the output.  ``{tmp}`` stands for the folder the
  project was copied into (messages that name absolute paths);
* ``args`` (optional): the command line, default ``check script/case.yaml``;
* ``exit`` (optional): the exit code, default 2;
* ``generate`` (optional): what the test makes at run time instead of
  committing it: ``10mb`` (a 10 MB script), ``symlink-out`` (a snippet that
  is a symlink to a file outside the project), ``deep-lists`` and
  ``deep-mappings`` (a script nesting 10,000 levels), ``deep-theme`` (a theme
  nesting 10,000 levels), ``long-file-name`` (a script whose 240-character
  file name would be its lesson id).

Exit 0 and 1 cases say lines that must appear in the output; all cases must
leave every earlier output as it was.  Limits that let a build finish (a cut
line, a cut title, an unusual frame rate) are tested further down, through
whole builds.
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest

from tests.support.broken_sources import restore_broken_sources
from tests.support.paths import CORPUS
from tests.support.cli import run_render

CASE_FILES = ("expected.txt", "args", "exit", "generate")
#: Outputs a previous build left; a failed command must not touch any of them.
PREVIOUS_OUTPUTS = ("slides.pptx", "video.mp4", "captions.srt", "captions.vtt", "timeline.otio",
                    "timeline.edl", "timeline.xml", "cues.json", "code.ipynb", "index.html", ".build.json",
                    "slides/01-title.png", "slides/02-section-s.png", "media/s000-title.png", "audio/s-1.wav")
#: Cases that run snippets in a worker (seconds each): marked slow.
RUNS_SNIPPETS = ("snippet-syntax-error", "snippet-raises", "snippet-timeout",
                 "jinja-python-internals", "jinja-unknown-name", "jinja-syntax", "jinja-divide-by-zero",
                 "jinja-nested-loops", "yaml-merge-key", "snippet-raises-surrogate", "snippet-prints-surrogate",
                 "snippet-prints-long-line", "snippet-deletes-snippet", "snippet-overwrites-review-page",
                 "snippet-removes-build-tree", "snippet-moves-script")
#: Levels of nesting the generated deep documents have.
DEEP = 10_000

CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _param(name: str):
    marks = [pytest.mark.slow] if name in RUNS_SNIPPETS else []
    return pytest.param(name, id=name, marks=marks)


def make_project(name: str, tmp: Path) -> Path:
    case = CORPUS / name
    project = tmp / "proj"
    shutil.copytree(CORPUS / "_base", project)
    shutil.copytree(case, project, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*CASE_FILES))
    restore_broken_sources(project)
    generate = (case / "generate").read_text().strip() if (case / "generate").exists() else ""
    if generate == "symlink-out":
        (tmp / "outside.py").write_text("print('outside')\n")
        (project / "snippets" / "link.py").symlink_to(tmp / "outside.py")
    elif generate == "10mb":
        beat = "      - say: Another beat of a very long lesson that nobody should write by hand.\n"
        body = "lesson: Huge\nsections:\n  - title: S\n    beats:\n" + beat * (10_000_000 // len(beat) + 1)
        (project / "script").mkdir(exist_ok=True)  # git keeps no empty folder
        (project / "script" / "case.yaml").write_text(body, encoding="utf-8")
    elif generate in ("deep-lists", "deep-mappings"):
        nested = "[" * DEEP + "]" * DEEP if generate == "deep-lists" else "{a: " * DEEP + "}" * DEEP
        (project / "script").mkdir(exist_ok=True)
        (project / "script" / "case.yaml").write_text(
            f"lesson: Deep\nsections:\n  - title: S\n    beats:\n      - say: hello\n        points: {nested}\n")
    elif generate == "deep-theme":
        (project / "slides").mkdir(exist_ok=True)
        (project / "slides" / "theme.yaml").write_text("colors:\n  accent: " + "[" * DEEP + "]" * DEEP + "\n")
    elif generate == "long-file-name":
        (project / "script").mkdir(exist_ok=True)
        (project / "script" / ("lesson-" * 34 + "end.yaml")).write_text(
            "lesson: Long name\nsections:\n  - title: S\n    beats:\n      - bullet: hello\n")
    elif generate:
        raise AssertionError(f"unknown generate {generate!r} in {name}")
    return project


def snapshot(build: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file under build/ except the snippet cache
    (a failed build may still cache snippets it ran) and the lock file
    ``render build`` holds while it runs (``build/.lock``, not an output)."""
    files = {}
    for path in sorted(build.rglob("*")):
        rel = path.relative_to(build)
        if path.is_file() and rel.parts[0] != ".cache" and rel.as_posix() != ".lock":
            files[str(rel)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return files


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40
    for name in CASES:
        assert (CORPUS / name / "expected.txt").is_file(), f"{name} has no expected.txt"


@pytest.mark.parametrize("name", [_param(n) for n in CASES])
def test_bad_input_gives_its_message_and_exit_code_and_touches_nothing(name, tmp_path):
    case = CORPUS / name
    project = make_project(name, tmp_path)
    previous = project / "build" / "case"
    previous.mkdir(parents=True)
    for output in PREVIOUS_OUTPUTS:
        (previous / output).parent.mkdir(parents=True, exist_ok=True)
        (previous / output).write_bytes(f"previous {output}\n".encode())
        os.utime(previous / output, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = snapshot(project / "build")

    args = shlex.split((case / "args").read_text()) if (case / "args").exists() else ["check", "script/case.yaml"]
    exit_code = int((case / "exit").read_text()) if (case / "exit").exists() else 2
    result = run_render(*args, cwd=project, timeout=120)

    output = result.stdout + result.stderr
    expected = (case / "expected.txt").read_text(encoding="utf-8").replace("{tmp}", str(tmp_path))
    assert result.returncode == exit_code, output
    if exit_code == 2:
        assert "Traceback" not in output
        assert result.stderr.rstrip("\n") == expected.rstrip("\n")
    else:
        # a failing snippet's own traceback is shown on purpose; cuecast's never
        assert 'cuecast/' not in output, output
        lines = output.splitlines()
        for line in expected.splitlines():
            assert line in lines, f"{line!r} not in output:\n{output}"
    assert snapshot(project / "build") == before


# --- limits that let the build finish ----------------------------------------
# What is bounded rather than refused (a long output line, a long title, an
# odd character, a low frame rate) must still build every output.


def limit_project(tmp_path: Path, script: str, snippets: dict[str, str] | None = None) -> Path:
    project = tmp_path / "proj"
    shutil.copytree(CORPUS / "_base", project)
    restore_broken_sources(project)
    (project / "script").mkdir()
    (project / "script" / "case.yaml").write_text(script, encoding="utf-8")
    for name, text in (snippets or {}).items():
        (project / "snippets" / name).write_text(text, encoding="utf-8")
    return project


def notebook_output(project: Path) -> list[str]:
    """The output lines of every code cell of the built notebook."""
    import json

    notebook = json.loads((project / "build" / "case" / "code.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(output.get("text", ())) for cell in notebook["cells"] for output in cell.get("outputs", ()))
    return text.splitlines()


def one_cue(snippet: str) -> str:
    return ("lesson: Limits\nsections:\n  - title: S\n    beats:\n      - bullet: hello\n"
            f"      - show: vscode\n        snippet: snippets/{snippet}\n        say: Look at the output\n")


@pytest.mark.slow
def test_a_10_mb_line_is_cut_with_a_note_and_check_and_build_finish(tmp_path):
    project = limit_project(tmp_path, one_cue("wide.py"),
                            {"wide.py": "print('x' * 10_000_000)\nprint('after the long line')\n"})
    check = run_render("check", "script/case.yaml", cwd=project, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    build = run_render("build", "script/case.yaml", "--voice", "none", cwd=project, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert notebook_output(project) == ["x" * 10_000 + "… (line cut after 10,000 characters)", "after the long line"]
    review = (project / "build" / "case" / "index.html").read_text(encoding="utf-8")
    assert "… (line cut after 10,000 characters)" in review
    assert (project / "build" / "case" / "video.mp4").stat().st_size > 0
    assert (project / "build" / "case" / "slides.pptx").stat().st_size > 0


@pytest.mark.slow
def test_surrogates_and_invalid_bytes_in_output_are_kept_as_replacement_characters(tmp_path):
    snippet = ("import os\nimport sys\n\nprint('caf\\udce9')\nsys.stdout.buffer.write(b'\\xff\\xfe bytes\\n')\n"
               "sys.stdout.buffer.write(b'split \\xe2\\x82')\nsys.stdout.buffer.write(b'\\xac euro\\n')\n"
               "sys.stdout.flush()\nos.write(1, b'\\xc3 below python\\n')\nprint('done')\n")
    project = limit_project(tmp_path, one_cue("odd.py"), {"odd.py": snippet})
    check = run_render("check", "script/case.yaml", cwd=project, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    build = run_render("build", "script/case.yaml", "--voice", "none", cwd=project, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    assert notebook_output(project) == ["caf\ufffd", "\ufffd\ufffd bytes", "split € euro", "\ufffd below python", "done"]
    assert "caf\ufffd" in (project / "build" / "case" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_2000_character_title_gives_a_bounded_id_and_the_build_finishes(tmp_path):
    title = "A very long section title " * 80  # 2080 characters
    script = (f"lesson: Limits\nsections:\n  - title: {title.strip()}\n    beats:\n      - bullet: hello\n"
              "      - show: vscode\n        snippet: snippets/ok.py\n        say: The snippet\n")
    project = limit_project(tmp_path, script)
    build = run_render("build", "script/case.yaml", "--voice", "none", cwd=project, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    names = [path.name for path in (project / "build").rglob("*")]
    assert max(len(name.encode()) for name in names) < 200
    assert any(name.startswith("02-section-a-very-long-section-title-") for name in names)


@pytest.mark.slow
@pytest.mark.parametrize("fps", [1, 5, 12])
def test_every_export_and_the_video_take_an_unusual_frame_rate(tmp_path, fps):
    project = limit_project(tmp_path, one_cue("ok.py"))
    timeline = run_render("timeline", "script/case.yaml", "--voice", "none", "--fps", str(fps), cwd=project, timeout=600)
    assert timeline.returncode == 0, timeline.stdout + timeline.stderr
    video = run_render("video", "script/case.yaml", "--voice", "none", "--fps", str(fps), cwd=project, timeout=600)
    assert video.returncode == 0, video.stdout + video.stderr
    built = project / "build" / "case"
    for name in ("timeline.otio", "timeline.edl", "timeline.xml", "timeline.kdenlive", "captions.srt", "video.mp4"):
        assert (built / name).stat().st_size > 0, name
    assert "Traceback" not in timeline.stderr + video.stderr
