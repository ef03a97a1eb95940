"""cuecast installed from its wheel, as a course author outside this repository
gets it: the package must carry everything it needs (fonts, templates), and
`render new` then `render build` must work in an empty folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from tests.support.paths import PROJECT



@pytest.mark.slow
def test_the_wheel_builds_a_new_lesson_in_an_empty_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(PROJECT)], check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("cuecast-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("cuecast/fonts/DejaVuSans.ttf", "cuecast/fonts/DejaVuSansMono-Bold.ttf",
                    "cuecast/templates/review.html.j2"):
        assert shipped in names

    # The dependencies come from this environment, cuecast only from the wheel.  Not
    # `venv --system-site-packages`: run from inside a virtualenv, that sees the
    # base interpreter's packages, not this environment's.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=180)
    python, render = venv / "bin" / "python", venv / "bin" / "render"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "outer-environment.pth").write_text("\n".join(this_environment_site_packages()) + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)

    folder = tmp_path / "course"
    folder.mkdir()
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    where = subprocess.run([python, "-c", "import cuecast; print(cuecast.__file__)"], cwd=folder, env=env,
                           capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(venv)

    made = subprocess.run([render, "new", "First Steps"], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made.stderr
    built = subprocess.run([render, "build", "--voice", "none", "--size", "320x180", "--fps", "10", "--device", "cpu"],
                           cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    out = folder / "build" / "first-steps"
    deck = Presentation(str(out / "slides.pptx"))
    text = " ".join(s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame)
    assert "First Steps" in text and "shape: (2, 3)" in text
    for name in ("video.mp4", "timeline.otio", "code.ipynb", "index.html"):
        assert (out / name).is_file(), name


def this_environment_site_packages() -> list[str]:
    """Where this interpreter's packages are: a plain path line each, so a
    ``.pth`` in the new venv finds the dependencies but runs none of their
    ``.pth`` hooks (this environment's editable cuecast stays out)."""
    import site

    found = [*site.getsitepackages(), site.getusersitepackages()]
    return [folder for folder in dict.fromkeys(found) if os.path.isdir(folder)]
