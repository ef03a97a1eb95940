"""The timeline's formats (the timeline stage's entries in
``cuecast.outputs.OUTPUTS``): each writes its file and nothing else, and
writing again replaces the files atomically."""

from __future__ import annotations

from cuecast.export import write_timeline_outputs
from cuecast.outputs import stage_outputs

TIMELINE_FILES = [entry.file for entry in stage_outputs("timeline")]


def test_every_writer_wrote_its_file_and_nothing_else(written_timeline):
    _, _, build_dir, paths = written_timeline
    assert list(paths) == TIMELINE_FILES  # keyed by file name, in the table's order
    for name, path in paths.items():
        assert path == build_dir / name and path.stat().st_size > 0
    assert not list(build_dir.glob(".*part"))


def test_writing_again_replaces_files_atomically(written_timeline):
    lesson, timeline, build_dir, paths = written_timeline
    before = paths["cues.json"].stat().st_ino
    write_timeline_outputs(timeline, lesson, build_dir)
    assert paths["cues.json"].stat().st_ino != before  # renamed into place, not rewritten
    assert sorted(p.name for p in build_dir.iterdir() if p.is_file()) == sorted(TIMELINE_FILES)
