"""The tool version in every fingerprint: a cuecast whose files changed
(an upgrade, a local edit of a layout rule) rebuilds what an older one made."""

from __future__ import annotations

import os

from cuecast import __version__, tool_version as tool
from cuecast.build import BuildOptions
from cuecast.catalogue import build_lessons
from cuecast.script import load_lessons
from tests.test_stages import SMALL, write_project


def test_the_stamp_follows_the_package_s_files_not_its_bytecode(tmp_path):
    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n", encoding="utf-8")
    first = tool.package_stamps(package)
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"compiled")
    assert tool.package_stamps(package) == first
    (package / "a.py").write_text("A = 22\n", encoding="utf-8")
    assert tool.package_stamps(package) != first
    (package / "b.j2").write_text("{{ x }}", encoding="utf-8")  # a template is part of the tool too
    assert [name for name, _, _ in tool.package_stamps(package)] == ["a.py", "b.j2"]


def test_the_version_names_the_release_and_is_computed_once(monkeypatch):
    version = tool.tool_version()
    assert version.startswith(f"{__version__}+")
    monkeypatch.setattr(tool, "package_stamps", lambda *a: (_ for _ in ()).throw(AssertionError("walked again")))
    assert tool.tool_version() == version


def test_another_tool_version_builds_every_stage_again(tmp_path, monkeypatch):
    import cuecast.build as build

    script = write_project(tmp_path / "project")
    options = BuildOptions(**{**SMALL.__dict__, "only": ("slides", "timeline", "notebook", "review")})
    build_lessons(load_lessons(script), options)
    (current,) = build_lessons(load_lessons(script), options)
    assert {r.stage: r.status for r in current.results if r.stage != "check"} == \
        {"slides": "skipped", "timeline": "skipped", "notebook": "skipped", "review": "skipped"}
    monkeypatch.setattr(build, "tool_version", lambda: f"{__version__}+upgraded")
    (upgraded,) = build_lessons(load_lessons(script), options)
    assert {r.stage: r.status for r in upgraded.results if r.stage != "check"} == \
        {"slides": "built", "timeline": "built", "notebook": "built", "review": "built"}
    notebook = tmp_path / "project" / "build" / "stages" / "code.ipynb"
    assert os.path.getsize(notebook) > 0
