"""The one rule for which project a script or folder belongs to (``cuecast.projects``)."""

from __future__ import annotations

from cuecast.projects import folder_project, script_project, target_project


def test_a_script_in_a_script_folder_belongs_to_the_folder_above(tmp_path):
    (tmp_path / "script").mkdir()
    (tmp_path / "script" / "a.yaml").write_text("", encoding="utf-8")
    assert script_project(tmp_path / "script" / "a.yaml") == tmp_path
    assert target_project(tmp_path / "script" / "a.yaml") == tmp_path
    assert target_project(tmp_path / "script") == tmp_path == folder_project(tmp_path / "script")


def test_elsewhere_a_script_belongs_to_its_own_folder(tmp_path, monkeypatch):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.yaml").write_text("", encoding="utf-8")
    assert script_project(tmp_path / "lessons" / "a.yaml") == tmp_path / "lessons"
    assert target_project(tmp_path / "lessons") == tmp_path / "lessons"
    monkeypatch.chdir(tmp_path)
    assert target_project(None) == tmp_path
    assert script_project("lessons/a.yaml") == tmp_path / "lessons"  # relative to where it is asked
