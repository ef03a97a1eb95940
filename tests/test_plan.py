"""The planner: one clock, ordered gap-free segments, narration that never
overlaps, code cues that outlast their narration when the code is long."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cuecast.errors import ScriptError
from cuecast.model import Beat, Capture, Cue, Lesson, Location, Section, VoiceClip
from cuecast.plan import PlanOptions, audio_path, media_path, place_audio, plan_timeline

CODE = "import torch\nx = torch.ones(3)\nprint(x.dtype)\nprint(x.to(torch.float16))\n"


def loc(line: int = 0) -> Location:
    return Location("script/lesson.yaml", line, 1)


def make_lesson(root: Path) -> Lesson:
    """A small lesson with every cue kind, a subsection, a section that starts
    with a cue and an empty section; its snippets are written under ``root``."""
    (root / "snippets").mkdir(parents=True, exist_ok=True)
    (root / "snippets" / "casting.py").write_text(CODE)
    (root / "snippets" / "tape.py").write_text("import torch\nloss = torch.ones(2, requires_grad=True).sum()\n")

    def cue_beat(beat_id, kind, line, say, points=(), **cue_fields):
        return Beat(beat_id, loc(line), say=say, points=points, cue=Cue(kind, beat_id, loc(line), **cue_fields))

    intro = Section("intro", "Intro", loc(5), beats=(
        Beat("intro-1", loc(7), say="Open source machine learning framework.", bullet="Open source machine learning framework"),
        Beat("intro-2", loc(8), say="Used for neural networks, based on numpy.", bullet="Used for neural networks"),
    ))
    casting = Section("casting", "Casting", loc(10), beats=(
        cue_beat("casting-1", "vscode", 12, "Casting various torch objects to different datatypes.",
                 points=("Half precision halves the memory.",), snippet="snippets/casting.py"),
    ))
    autograd = Section("autograd", "Automatic differentiation", loc(14), beats=(
        cue_beat("autograd-1", "slides", 16, "Differentiation graph also known as a tape.",
                 diagram="autograd", snippet="snippets/tape.py"),
        Beat("autograd-2", loc(19), say="Use requires_grad=True when creating tensors.", bullet="Use `requires_grad=True`"),
        cue_beat("autograd-3", "vscode", 21, "Summing tensors that require grad.", snippet="snippets/tape.py"),
    ))
    pros = Section("pros-of-torch-nn", "Pros of torch.nn", loc(30), level=2, beats=(
        Beat("pros-of-torch-nn-1", loc(31), say="You can create stateful objects.", bullet="Stateful objects"),
    ))
    outro = Section("outro", "Outro", loc(40), level=2)
    modules = Section("modules", "Modules", loc(24), subsections=(pros, outro), beats=(
        Beat("modules-1", loc(25), say="Torch acts like a numpy namespace.", bullet="Like numpy"),
        cue_beat("modules-2", "browser", 27, "Pytorch documentation.", url="https://pytorch.org/docs/stable/nn.html",
                 title="torch.nn"),
    ))
    return Lesson("lesson", "PyTorch", "script/lesson.yaml", str(root), loc(),
                  sections=(intro, casting, autograd, modules), voice="none")


def make_captures() -> dict[str, Capture]:
    return {
        "snippets/casting.py": Capture("snippets/casting.py", "ok", "torch.float32\ntensor([1., 1., 1.], dtype=torch.float16)\n",
                                       torch_version="2.13.0", device="cpu", python_version="3.11.7"),
        "snippets/tape.py": Capture("snippets/tape.py", "ok", "", torch_version="2.13.0", device="cpu"),
    }


def silent_clips(lesson: Lesson, seconds_per_word: float = 0.4) -> dict[str, VoiceClip]:
    from cuecast.narrate import narration_text

    clips = {}
    for _, beat in lesson.beats():
        text = narration_text(beat)
        if text:
            clips[beat.id] = VoiceClip(beat.id, text, None, len(text.split()) * seconds_per_word)
    return clips


def assert_well_formed(timeline, fps=30):
    segments = timeline.segments
    assert segments[0].start == 0
    for before, after in zip(segments, segments[1:]):
        assert after.start == before.end  # gap-free and ordered
    for segment in segments:
        assert segment.end > segment.start
        assert abs(segment.start * fps - round(segment.start * fps)) < 1e-6  # on a frame
    assert sum(s.duration for s in segments) == pytest.approx(timeline.duration)
    for before, after in zip(timeline.narration, timeline.narration[1:]):
        assert after.start >= before.end
    for item in timeline.narration:
        assert 0 <= item.start < item.end <= timeline.duration
    assert len({s.id for s in segments}) == len(segments)


def test_timeline_covers_every_beat_in_order(tmp_path):
    lesson = make_lesson(tmp_path)
    timeline = plan_timeline(lesson, silent_clips(lesson), make_captures())
    assert_well_formed(timeline)
    said = [n.beat_id for n in timeline.narration]
    assert said == [beat.id for _, beat in lesson.beats()]
    shown = [b for s in timeline.segments for b in s.beat_ids]
    assert shown == said
    assert [s.id for s in timeline.segments] == [
        "s000-title", "s001-intro", "s002-casting", "s003-casting-1", "s004-autograd", "s005-autograd-1",
        "s006-autograd-2", "s007-autograd-3", "s008-modules", "s009-modules-2", "s010-pros-of-torch-nn",
        "s011-outro",
    ]
    kinds = {s.id: (s.kind, s.slide_id, s.cue_id) for s in timeline.segments}
    assert kinds["s000-title"] == ("slide", "title", None)
    assert kinds["s003-casting-1"] == ("vscode", None, "casting-1")
    assert kinds["s005-autograd-1"] == ("slide", "cue:autograd-1", "autograd-1")
    assert kinds["s009-modules-2"] == ("browser", None, "modules-2")
    assert kinds["s011-outro"] == ("slide", "section:outro", None)
    assert timeline.metadata["torch_version"] == "2.13.0"
    assert timeline.metadata["lesson_id"] == "lesson"


def test_narration_sits_inside_its_segment_with_padding(tmp_path):
    lesson = make_lesson(tmp_path)
    options = PlanOptions(lead_in=0.5, lead_out=0.7)
    timeline = plan_timeline(lesson, silent_clips(lesson), make_captures(), options)
    owner = {b: s for s in timeline.segments for b in s.beat_ids}
    for item in timeline.narration:
        segment = owner[item.beat_id]
        assert item.start >= segment.start + 0.5 - 1e-9
        assert item.end + 0.7 <= segment.end + 1e-9


def editor_for(tmp_path, code: str, say_seconds: float, **options):
    lesson = make_lesson(tmp_path)
    (tmp_path / "snippets" / "casting.py").write_text(code)
    clips = silent_clips(lesson)
    clips["casting-1"] = VoiceClip("casting-1", clips["casting-1"].text, None, say_seconds)
    plan = PlanOptions(**options)
    timeline = plan_timeline(lesson, clips, make_captures(), plan)
    return next(s for s in timeline.segments if s.cue_id == "casting-1"), plan


def test_short_code_is_typed_at_a_natural_pace_while_it_is_said(tmp_path):
    editor, o = editor_for(tmp_path, CODE, say_seconds=8.0)
    shown = CODE.strip()
    assert editor.type_seconds == pytest.approx(len(shown) / o.typing_chars_per_second, abs=1e-3)
    assert editor.output_at == pytest.approx(o.lead_in + editor.type_seconds + o.output_pause, abs=1e-3)
    assert editor.output_at < 8.0  # the output appears while the narration still runs
    assert editor.duration == pytest.approx(o.lead_in + 8.0 + o.lead_out, abs=1 / 30)  # no hold after it


def test_long_code_is_typed_faster_but_never_faster_than_it_is_read(tmp_path):
    code = "value = torch.ones(3)\n" * 8  # 176 characters: about 10 s at a natural pace
    faster, o = editor_for(tmp_path, code, say_seconds=8.0)
    natural = len(code.strip()) / o.typing_chars_per_second
    assert faster.type_seconds == pytest.approx(o.typing_share * 8.0, abs=1e-3)  # done by 60% of it...
    assert faster.type_seconds < natural  # ...so faster than natural typing
    read, o = editor_for(tmp_path, code, say_seconds=1.0)
    assert read.type_seconds == pytest.approx(8 * o.code_seconds_per_line, abs=1e-3)  # a short narration: read pace


def test_a_long_cell_is_typed_a_part_at_a_time_for_its_capped_reading_time(tmp_path):
    """The 75-line cell once pasted in 2 s and dropped: now it appears over
    its reading time, and the cue lasts until the output has been read too."""
    code = "\n".join(f"value_{n} = torch.ones({n})" if n % 10 else "" for n in range(75)) + "\n"
    lines = sum(1 for line in code.splitlines() if line.strip())
    editor, o = editor_for(tmp_path, code, say_seconds=4.0)
    assert editor.type_seconds == pytest.approx(min(o.code_max_seconds, lines * o.code_seconds_per_line), abs=1e-3)
    reading = o.output_min_seconds + 2 * o.output_seconds_per_line
    assert editor.duration >= editor.output_at + reading + o.lead_out - 1e-6
    huge, o = editor_for(tmp_path, "x = 1\n" * 400, say_seconds=4.0)
    assert huge.type_seconds == o.code_max_seconds  # skimmed, not studied: capped


def test_a_short_narration_over_a_long_read_moves_into_the_middle(tmp_path):
    lesson = make_lesson(tmp_path)
    (tmp_path / "snippets" / "casting.py").write_text("value = torch.ones(3)\n" * 40)
    clips = silent_clips(lesson)
    clips["casting-1"] = VoiceClip("casting-1", clips["casting-1"].text, None, 2.0)
    o = PlanOptions()
    timeline = plan_timeline(lesson, clips, make_captures(), o)
    editor = next(s for s in timeline.segments if s.cue_id == "casting-1")
    said = next(n for n in timeline.narration if n.beat_id == "casting-1")
    before, after = said.start - editor.start, editor.end - said.end
    assert before > o.lead_in + 1.0 and abs(before - after) <= 0.2 + 1 / 15  # two short quiet stretches
    clips["casting-1"] = VoiceClip("casting-1", clips["casting-1"].text, None, 11.0)
    timeline = plan_timeline(lesson, clips, make_captures(), o)
    editor = next(s for s in timeline.segments if s.cue_id == "casting-1")
    said = next(n for n in timeline.narration if n.beat_id == "casting-1")
    assert said.start == pytest.approx(editor.start + o.lead_in, abs=1 / 30)  # long enough: said at once


def test_the_output_is_read_for_one_second_and_a_fifth_a_line(tmp_path):
    editor, o = editor_for(tmp_path, CODE, say_seconds=0.1)
    reading = o.output_min_seconds + 2 * o.output_seconds_per_line  # two output lines
    assert editor.duration == pytest.approx(editor.output_at + reading + o.lead_out, abs=1 / 30)


def test_pace_scales_what_is_watched_and_pause_adds_silence(tmp_path):
    import dataclasses

    lesson = make_lesson(tmp_path)
    clips = silent_clips(lesson)
    normal = plan_timeline(lesson, clips, make_captures())
    relaxed = plan_timeline(dataclasses.replace(lesson, pace="relaxed"), clips, make_captures())
    assert relaxed.segments[0].duration == pytest.approx(normal.segments[0].duration * 1.35, abs=1 / 30)
    assert relaxed.duration > normal.duration
    intro = lesson.sections[0]
    paused = dataclasses.replace(intro, beats=(dataclasses.replace(intro.beats[0], pause=2.0),) + intro.beats[1:])
    with_pause = plan_timeline(dataclasses.replace(lesson, sections=(paused,) + lesson.sections[1:]), clips,
                               make_captures())
    assert with_pause.duration == pytest.approx(normal.duration + 2.0, abs=1 / 30)


def test_then_is_said_once_the_output_is_on_screen(tmp_path):
    import dataclasses

    lesson = make_lesson(tmp_path)
    casting = lesson.sections[1]
    beat = dataclasses.replace(casting.beats[0], then="Half the memory, as promised.")
    lesson = dataclasses.replace(lesson, sections=(lesson.sections[0], dataclasses.replace(casting, beats=(beat,)),
                                                   *lesson.sections[2:]))
    clips = silent_clips(lesson)
    clips["casting-1.then"] = VoiceClip("casting-1.then", beat.then, None, 3.0)
    timeline = plan_timeline(lesson, clips, make_captures())
    editor = next(s for s in timeline.segments if s.cue_id == "casting-1")
    said, then = [n for n in timeline.narration if n.beat_id in ("casting-1", "casting-1.then")]
    assert then.start >= editor.start + editor.output_at - 1e-9 and then.start >= said.end
    assert editor.beat_ids == ("casting-1", "casting-1.then") and then.end <= editor.end


def test_a_slides_cue_shows_every_page(tmp_path):
    lesson = make_lesson(tmp_path)
    timeline = plan_timeline(lesson, silent_clips(lesson), make_captures(), page_counts={"cue:autograd-1": 2})
    pages = [s for s in timeline.segments if s.cue_id == "autograd-1"]
    assert [s.slide_id for s in pages] == ["cue:autograd-1", "cue:autograd-1/2"]
    assert abs(pages[0].duration - pages[1].duration) <= 1 / 30 + 1e-9


def test_a_continued_section_slide_turns_its_page_as_its_bullets_are_said(tmp_path):
    lesson = make_lesson(tmp_path)
    timeline = plan_timeline(lesson, silent_clips(lesson), make_captures(), page_counts={"section:intro": 2},
                             page_beats={"section:intro": ("intro-1",), "section:intro/2": ("intro-2",)})
    assert_well_formed(timeline)
    pages = [s for s in timeline.segments if s.section_id == "intro"]
    assert [(s.slide_id, s.beat_ids) for s in pages] == [("section:intro", ("intro-1",)),
                                                         ("section:intro/2", ("intro-2",))]
    said = {n.beat_id: n for n in timeline.narration}
    for page, beat_id in zip(pages, ("intro-1", "intro-2")):
        assert page.start - 1e-9 <= said[beat_id].start and said[beat_id].end <= page.end + 1e-9


def test_long_narration_makes_a_longer_segment(tmp_path):
    lesson = make_lesson(tmp_path)
    clips = silent_clips(lesson)
    short = plan_timeline(lesson, clips, make_captures())
    clips["casting-1"] = VoiceClip("casting-1", clips["casting-1"].text, None, 40.0)
    long = plan_timeline(lesson, clips, make_captures())
    seg = {s.cue_id: s for s in long.segments if s.cue_id}
    assert seg["casting-1"].duration >= 40.0
    assert long.duration - short.duration > 30


def test_missing_snippet_is_reported_at_the_cue(tmp_path):
    lesson = make_lesson(tmp_path)
    (tmp_path / "snippets" / "casting.py").unlink()
    with pytest.raises(ScriptError) as info:
        plan_timeline(lesson, silent_clips(lesson), make_captures())
    assert info.value.diagnostics[0].location.line == 12
    assert "snippets/casting.py" in info.value.diagnostics[0].message


def test_media_and_audio_paths(tmp_path):
    lesson = make_lesson(tmp_path)
    timeline = plan_timeline(lesson, silent_clips(lesson), make_captures())
    by_kind = {s.kind: s for s in timeline.segments}
    assert media_path(tmp_path, by_kind["slide"]) == tmp_path / "media" / f"{by_kind['slide'].id}.png"
    assert media_path(tmp_path, by_kind["vscode"]).suffix == ".mp4"
    assert media_path(tmp_path, by_kind["browser"]).suffix == ".mp4"
    assert audio_path(tmp_path, "intro-1") == tmp_path / "audio" / "intro-1.wav"


def test_place_audio_links_wavs_into_the_build(tmp_path):
    from cuecast.narrate.base import write_wav

    lesson = make_lesson(tmp_path)
    clips = silent_clips(lesson)
    source = tmp_path / "cache" / "abc.wav"
    source.parent.mkdir()
    write_wav(source, b"\x01\x00" * 22050, 22050)
    clips["intro-1"] = VoiceClip("intro-1", clips["intro-1"].text, str(source), 1.0)
    timeline = place_audio(plan_timeline(lesson, clips, make_captures()), tmp_path / "build")
    placed = {n.beat_id: n.path for n in timeline.narration}
    assert placed["intro-1"] == str((tmp_path / "build" / "audio" / "intro-1.wav").resolve())
    assert Path(placed["intro-1"]).read_bytes() == source.read_bytes()
    assert placed["intro-2"] is None
    place_audio(timeline, tmp_path / "build")  # idempotent
    stale = tmp_path / "build" / "audio" / "gone-1.wav"
    stale.write_bytes(source.read_bytes())
    place_audio(timeline, tmp_path / "build")
    assert sorted(p.name for p in (tmp_path / "build" / "audio").iterdir()) == ["intro-1.wav"]


# --- property: any lesson gives a well-formed clock ---------------------------

_words = st.text(alphabet="abcdefgh ", min_size=0, max_size=60)


@st.composite
def lessons(draw):
    sections = []
    for s in range(draw(st.integers(1, 4))):
        beats = []
        for b in range(draw(st.integers(0, 4))):
            beat_id = f"sec{s}-{b + 1}"
            kind = draw(st.sampled_from([None, "vscode", "slides", "browser"]))
            say = draw(_words)
            cue = None
            if kind == "vscode":
                cue = Cue("vscode", beat_id, loc(), snippet="snippets/casting.py")
            elif kind == "slides":
                cue = Cue("slides", beat_id, loc(), image="x.png")
            elif kind == "browser":
                cue = Cue("browser", beat_id, loc(), url="https://example.com")
            beats.append(Beat(beat_id, loc(), say=say, bullet=None if cue else say, cue=cue))
        subs = ()
        if draw(st.booleans()):
            subs = (Section(f"sub{s}", "Sub", loc(), level=2, beats=(Beat(f"sub{s}-1", loc(), say=draw(_words)),)),)
        sections.append(Section(f"sec{s}", f"Section {s}", loc(), beats=tuple(beats), subsections=subs))
    return sections, draw(st.floats(0.05, 30.0)), draw(st.sampled_from([24, 25, 30, 60]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=lessons())
def test_any_lesson_gives_ordered_gap_free_segments(tmp_path, data):
    sections, seconds, fps = data
    (tmp_path / "snippets").mkdir(exist_ok=True)
    (tmp_path / "snippets" / "casting.py").write_text(CODE)
    lesson = Lesson("p", "P", "p.yaml", str(tmp_path), loc(), sections=tuple(sections))
    clips = silent_clips(lesson)
    for beat_id in list(clips)[:1]:
        clips[beat_id] = VoiceClip(beat_id, clips[beat_id].text, None, seconds)
    timeline = plan_timeline(lesson, clips, {}, PlanOptions(fps=fps))
    assert_well_formed(timeline, fps)
    assert [n.beat_id for n in timeline.narration] == list(clips)
    assert timeline.duration == pytest.approx(sum(s.duration for s in timeline.segments))
