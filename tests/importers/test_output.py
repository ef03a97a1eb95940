"""``importers.output``: an import writes inside the project only, never over
a file unless asked, and all of its files or none."""

from __future__ import annotations

import pytest

from cuecast.errors import ConfigError
from cuecast.importers import Imported
from cuecast.importers.output import targets, write_import


def imported(cell_text="# %% A\nx = 1\n") -> Imported:
    return Imported("percent", "demo", {"lesson": "Demo", "sections": []}, "snippets/demo.py", cell_text)


def test_both_files_are_planned_in_the_project_and_written(tmp_path):
    planned = targets(imported(), tmp_path, None)
    assert [path for path, _ in planned] == [tmp_path / "script" / "demo.yaml", tmp_path / "snippets" / "demo.py"]
    assert write_import(planned, force=False) == [path for path, _ in planned]
    assert (tmp_path / "script" / "demo.yaml").read_text().startswith("lesson: Demo\n")
    assert (tmp_path / "snippets" / "demo.py").read_text() == "# %% A\nx = 1\n"


def test_no_cell_file_is_planned_when_there_is_no_code(tmp_path):
    assert [path for path, _ in targets(imported(cell_text=None), tmp_path, None)] == [
        tmp_path / "script" / "demo.yaml"]


def test_a_path_outside_the_project_is_refused_symlinks_included(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    with pytest.raises(ConfigError, match="is outside the project folder"):
        targets(imported(), project, tmp_path / "elsewhere.yaml")
    (tmp_path / "outside").mkdir()
    (project / "script").symlink_to(tmp_path / "outside")
    with pytest.raises(ConfigError, match="nothing was written"):
        targets(imported(), project, None)
    assert list((tmp_path / "outside").iterdir()) == []


def test_one_existing_file_stops_both_unless_forced(tmp_path):
    planned = targets(imported(), tmp_path, None)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "demo.py").write_text("mine\n")
    with pytest.raises(ConfigError, match="demo.py already exists; nothing was written"):
        write_import(planned, force=False)
    assert not (tmp_path / "script" / "demo.yaml").exists()
    assert (tmp_path / "snippets" / "demo.py").read_text() == "mine\n"
    write_import(planned, force=True)
    assert (tmp_path / "snippets" / "demo.py").read_text() == "# %% A\nx = 1\n"


def test_a_folder_in_the_way_is_refused_even_when_forced(tmp_path):
    planned = targets(imported(), tmp_path, None)
    (tmp_path / "script" / "demo.yaml").mkdir(parents=True)
    with pytest.raises(ConfigError, match="is not a file; nothing was written"):
        write_import(planned, force=True)
    assert not (tmp_path / "snippets" / "demo.py").exists()
