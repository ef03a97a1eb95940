"""A snippet cannot change the project it belongs to: a write, delete,
rename or new file anywhere under it (build/ included) is refused before it
happens and is that snippet's failure, at its line (``render check``, exit
1), even when the snippet catches the error.  Its own folder (its current
directory) is its to change."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.cli import run_render

SNIPPETS = {
    "deletes": "import os\nhere = os.path.dirname(os.path.abspath(__file__))\n"
               "os.remove(os.path.join(here, 'victim.py'))\nprint('deleted')\n",
    "victim": "print('still here')\n",
    "overwrites_build": "import os\nroot = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
                        "try:\n    open(os.path.join(root, 'build', 'faults', 'index.html'), 'w').write('owned')\n"
                        "except OSError as exc:\n    print('caught:', type(exc).__name__)\n",
    "renames_data": "import os\nroot = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
                    "os.replace(os.path.join(root, 'data.csv'), os.path.join(root, 'moved.csv'))\n",
    "own_files": "import os, shutil\nos.mkdir('out')\n"
                 "with open('out/a.txt', 'w') as f:\n    f.write('1')\n"
                 "with open('out/a.txt', 'a') as f:\n    f.write('2')\n"
                 "os.replace('out/a.txt', 'out/b.txt')\nprint(open('out/b.txt').read())\nshutil.rmtree('out')\n"
                 "import victim\n",
    "appends_log": "import os\nroot = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
                   "with open(os.path.join(root, 'notes.log'), 'a') as f:\n    f.write('appended')\n",
    "new_file": "import os\nroot = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
                "with open(os.path.join(root, 'results.csv'), 'w') as f:\n    f.write('x')\n",
}

SCRIPT = """lesson: Faults
id: faults
voice: none
sections:
  - title: Faults
    beats:
""" + "".join(f"      - show: vscode\n        snippet: snippets/{name}.py\n        say: {name}\n" for name in SNIPPETS)


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    project = tmp_path_factory.mktemp("protected")
    (project / "script").mkdir()
    (project / "script" / "faults.yaml").write_text(SCRIPT)
    (project / "snippets").mkdir()
    for name, source in SNIPPETS.items():
        (project / "snippets" / f"{name}.py").write_text(source)
    (project / "data.csv").write_text("a,b\n1,2\n")
    (project / "notes.log").write_text("kept\n")
    (project / "build" / "faults").mkdir(parents=True)
    (project / "build" / "faults" / "index.html").write_text("the review page")
    done = run_render("check", "script/faults.yaml", "-j", "1", "--no-cache", cwd=project, env={"COLUMNS": "250"})
    return project, done


def _failure(done: subprocess.CompletedProcess, snippet: str) -> str:
    lines = [line for line in done.stdout.splitlines() if line.startswith(f"FAILED snippets/{snippet}.py")]
    assert len(lines) == 1, done.stdout + done.stderr
    return lines[0]


def test_a_snippet_that_deletes_another_snippet_fails_at_its_line_and_the_other_is_kept(checked):
    project, done = checked
    assert done.returncode == 1 and "Traceback (most recent call last)" not in done.stderr
    assert _failure(done, "deletes") == (
        "FAILED snippets/deletes.py:3: PermissionError: a snippet may not delete snippets/victim.py: "
        "a snippet changes no file of its project but those its cue lists in writes: "
        "(write in its current directory, a folder of its own)")
    assert (project / "snippets" / "victim.py").read_text() == SNIPPETS["victim"]
    assert "FAILED snippets/victim.py" not in done.stdout  # it ran, from its file, and passed


def test_a_change_under_build_fails_even_when_the_snippet_catches_the_error(checked):
    project, done = checked
    assert _failure(done, "overwrites_build") == (
        "FAILED snippets/overwrites_build.py:4: PermissionError: a snippet may not write to "
        "build/faults/index.html: build/ holds cuecast's outputs and caches")
    assert (project / "build" / "faults" / "index.html").read_text() == "the review page"


def test_moving_appending_to_or_adding_a_project_file_is_refused(checked):
    project, done = checked
    assert _failure(done, "renames_data").startswith(
        "FAILED snippets/renames_data.py:3: PermissionError: a snippet may not rename data.csv:")
    assert (project / "data.csv").read_text() == "a,b\n1,2\n" and not (project / "moved.csv").exists()
    assert _failure(done, "appends_log").startswith(
        "FAILED snippets/appends_log.py:3: PermissionError: a snippet may not write to notes.log:")
    assert (project / "notes.log").read_text() == "kept\n"
    assert _failure(done, "new_file").startswith(
        "FAILED snippets/new_file.py:3: PermissionError: a snippet may not write to results.csv:")
    assert not (project / "results.csv").exists()


def test_a_snippets_own_folder_is_its_own(checked):
    project, done = checked
    assert "FAILED snippets/own_files.py" not in done.stdout, done.stdout
    assert sorted(p.name for p in project.iterdir()) == ["build", "data.csv", "notes.log", "script", "snippets"]


WRITER = """import os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.makedirs(os.path.join(root, 'outputs', 'run'), exist_ok=True)
with open(os.path.join(root, 'outputs', 'run', 'model.txt'), 'w') as f:
    f.write('weights')
with open(os.path.join(root, 'data.csv'), 'a') as f:
    f.write('3,4\\n')
print(open(os.path.join(root, 'data.csv')).read().count('\\n'), 'rows')
try:
    open(os.path.join(root, 'notes.log'), 'w').write('not listed')
except PermissionError as exc:
    print('refused:', exc)
"""


def test_writes_lets_a_snippet_change_only_the_files_its_cue_lists(tmp_path):
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "writer.py").write_text(WRITER)
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "notes.log").write_text("kept\n")
    (tmp_path / "script" / "w.yaml").write_text(
        "lesson: Writes\nvoice: none\nsections:\n  - title: S\n    beats:\n"
        "      - show: vscode\n        snippet: snippets/writer.py\n        writes: [outputs/, data.csv]\n")
    done = run_render("check", "script/w.yaml", "--no-cache", cwd=tmp_path)
    # the listed folder and file were changed; the unlisted one was refused, and that fails the snippet
    assert (tmp_path / "outputs" / "run" / "model.txt").read_text() == "weights"
    assert (tmp_path / "data.csv").read_text() == "a,b\n1,2\n3,4\n"
    assert (tmp_path / "notes.log").read_text() == "kept\n"
    assert done.returncode == 1, done.stdout + done.stderr
    assert "a snippet may not write to notes.log" in done.stdout
    # listing it too makes the run clean
    script = tmp_path / "script" / "w.yaml"
    script.write_text(script.read_text().replace("[outputs/, data.csv]", "[outputs/, data.csv, notes.log]"))
    again = run_render("check", "script/w.yaml", "--no-cache", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (tmp_path / "notes.log").read_text() == "not listed"


LINKER = """import os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.makedirs(os.path.join(root, 'outputs'), exist_ok=True)
attempts = {
    'symlink in a writes: folder': lambda: (os.symlink(os.path.join(root, 'script', 'l.yaml'),
                                                       os.path.join(root, 'outputs', 'link')),
                                            open(os.path.join(root, 'outputs', 'link'), 'a').write('#')),
    'hard link in a writes: folder': lambda: os.link(os.path.join(root, 'snippets', 'linker.py'),
                                                     os.path.join(root, 'outputs', 'hard')),
    'symlink in its own folder': lambda: (os.symlink(os.path.join(root, 'notes.log'), 'mine'),
                                          open('mine', 'w').write('through a link')),
    'symlink into build/': lambda: (os.symlink(os.path.join(root, 'build'), os.path.join(root, 'outputs', 'b')),
                                    open(os.path.join(root, 'outputs', 'b', 'x.txt'), 'w').write('x')),
}
for name, attempt in attempts.items():
    try:
        attempt()
        print(name, 'went through')
    except PermissionError:
        print(name, 'refused')
"""


def test_links_carry_no_write_past_the_guard(tmp_path):
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "build").mkdir()
    (tmp_path / "snippets" / "linker.py").write_text(LINKER)
    (tmp_path / "notes.log").write_text("kept\n")
    script = ("lesson: Links\nvoice: none\nsections:\n  - title: S\n    beats:\n"
              "      - show: vscode\n        snippet: snippets/linker.py\n        writes: [outputs/]\n")
    (tmp_path / "script" / "l.yaml").write_text(script)
    done = run_render("check", "script/l.yaml", "--no-cache", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr  # refusals fail the snippet, even when caught
    assert (tmp_path / "script" / "l.yaml").read_text() == script
    assert (tmp_path / "notes.log").read_text() == "kept\n"
    assert not (tmp_path / "build" / "x.txt").exists()
    assert (tmp_path / "snippets" / "linker.py").stat().st_nlink == 1
    assert "PermissionError: a snippet may not write to script/l.yaml" in done.stdout


def test_a_cached_writer_whose_file_is_gone_runs_again(tmp_path):
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "w.py").write_text(
        "import os\nroot = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
        "os.makedirs(os.path.join(root, 'outputs'), exist_ok=True)\n"
        "open(os.path.join(root, 'outputs', 'x.txt'), 'w').write('made')\nprint('wrote')\n")
    (tmp_path / "script" / "w.yaml").write_text(
        "lesson: W\nvoice: none\nsections:\n  - title: S\n    beats:\n"
        "      - show: vscode\n        snippet: snippets/w.py\n        writes: [outputs/]\n")
    first = run_render("check", "script/w.yaml", cwd=tmp_path)
    assert first.returncode == 0 and "(0 from cache)" in first.stdout, first.stdout + first.stderr
    assert "(1 from cache)" in run_render("check", "script/w.yaml", cwd=tmp_path).stdout
    (tmp_path / "outputs" / "x.txt").unlink()
    again = run_render("check", "script/w.yaml", cwd=tmp_path)
    assert again.returncode == 0 and "(0 from cache)" in again.stdout, again.stdout
    assert (tmp_path / "outputs" / "x.txt").read_text() == "made"


def test_a_snippet_cannot_remove_its_whole_project(tmp_path):
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "wipe.py").write_text(
        "import os, shutil\nroot = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
        "shutil.rmtree(root)\n")
    (tmp_path / "script" / "w.yaml").write_text(
        "lesson: W\nvoice: none\nsections:\n  - title: S\n    beats:\n"
        "      - show: vscode\n        snippet: snippets/wipe.py\n")
    done = run_render("check", "script/w.yaml", "--no-cache", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "PermissionError: a snippet may not delete ." in done.stdout
    assert (tmp_path / "snippets" / "wipe.py").is_file() and (tmp_path / "script" / "w.yaml").is_file()
