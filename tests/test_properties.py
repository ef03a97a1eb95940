"""Property: any valid lesson, written as YAML the way a tool (or an author)
would write it, loads back with every field it was given — whatever the text
(quotes, colons, '#', emoji, right-to-left scripts).  The timeline property
(ordered, gap-free segments summing to the duration) lives in test_plan.py."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cuecast.speech import speech
from cuecast.script import load_lesson

SNIPPET = "import math\n\n# region main\nx = math.pi\nprint(x)\n# endregion\nprint('done')\n"

#: Text an author might write: letters of several scripts, emoji, and the
#: characters YAML treats specially (quotes, colon, hash, dash, braces).
#: No backtick: `say` drops them on purpose (they are markup, not speech).
_alphabet = st.sampled_from(list("abcXYZ019 ,.?!'\":#-[]{}&*|>%@") + ["é", "ß", "日本", "שלום", "مرحبا", "🔥", "👩‍💻"])
text = st.lists(_alphabet, min_size=1, max_size=12).map("".join).map(str.strip).filter(
    lambda s: s and "{{" not in s and "{%" not in s and "{#" not in s)


@st.composite
def cue(draw, beat_id: str) -> dict:
    kind = draw(st.sampled_from(["vscode", "slides", "browser"]))
    if kind == "vscode":
        fields = {"show": "vscode", "snippet": "snippets/ok.py"}
        choice = draw(st.sampled_from(["all", "lines", "region"]))
        if choice == "lines":
            start = draw(st.integers(1, 7))
            fields["lines"] = f"{start}-{draw(st.integers(start, 7))}"
        elif choice == "region":
            fields["region"] = "main"
        if draw(st.booleans()):
            fields["timeout"] = draw(st.integers(1, 600))
        if draw(st.booleans()):
            fields["expect_error"] = draw(st.booleans())
        return fields
    if kind == "slides":
        return {"show": "slides", "diagram": "autograd", "snippet": "snippets/ok.py"}
    path = draw(st.sampled_from(["", "docs", "docs/stable/nn.html"]))
    fields = {"show": "browser", "url": f"https://pytorch.org/{path}"}
    if draw(st.booleans()):
        fields["title"] = draw(text)
    return fields


@st.composite
def lessons(draw) -> dict:
    sections = []
    for s in range(draw(st.integers(1, 3))):
        beats = []
        for b in range(draw(st.integers(1, 3))):
            beat: dict = {"id": f"b{s}-{b}"}
            if draw(st.booleans()):
                beat["bullet"] = draw(text)
                beat["points"] = draw(st.lists(text, max_size=3))
            else:
                beat.update(draw(cue(beat["id"])))
            if "bullet" not in beat or draw(st.booleans()):
                beat["say"] = draw(text)
            beats.append(beat)
        sections.append({"title": f"{draw(text)} {s}", "id": f"sec-{s}", "beats": beats})
    lesson = {"lesson": draw(text), "sections": sections}
    if draw(st.booleans()):
        lesson["prepare"] = draw(st.lists(text, max_size=3))
    if draw(st.booleans()):
        lesson["voice"] = draw(st.sampled_from(["espeak", "none"]))
    return lesson


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=lessons(), flow=st.booleans())
def test_any_valid_lesson_round_trips_through_yaml(tmp_path: Path, data: dict, flow: bool):
    (tmp_path / "snippets").mkdir(exist_ok=True)
    (tmp_path / "snippets" / "ok.py").write_text(SNIPPET, encoding="utf-8")
    (tmp_path / "script").mkdir(exist_ok=True)
    path = tmp_path / "script" / "gen.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=flow),
                    encoding="utf-8")

    lesson = load_lesson(path)

    assert lesson.title == data["lesson"]
    assert lesson.prepare == tuple(data.get("prepare", ()))
    assert lesson.voice == data.get("voice")
    assert [s.id for s in lesson.sections] == [s["id"] for s in data["sections"]]
    assert [s.title for s in lesson.sections] == [s["title"] for s in data["sections"]]
    for section, given_section in zip(lesson.sections, data["sections"]):
        assert [b.id for b in section.beats] == [b["id"] for b in given_section["beats"]]
        for beat, given_beat in zip(section.beats, given_section["beats"]):
            assert beat.bullet == given_beat.get("bullet")
            assert beat.points == tuple(given_beat.get("points", ()))
            if "say" in given_beat:  # narration is the text as a voice reads it (speech.speech: no
                # '**' marks, runs of spaces collapsed), whatever YAML quoting it took to store it
                assert beat.say == speech(given_beat["say"])
            if "show" not in given_beat:
                assert beat.cue is None
                continue
            cue = beat.cue
            assert cue.kind == given_beat["show"]
            assert cue.snippet == given_beat.get("snippet")
            assert cue.url == given_beat.get("url")
            assert cue.title == given_beat.get("title")
            assert cue.diagram == given_beat.get("diagram")
            assert cue.expect_error == given_beat.get("expect_error", False)
            assert cue.timeout == given_beat.get("timeout")
            if "lines" in given_beat:
                start, end = map(int, given_beat["lines"].split("-"))
                assert cue.lines == (start, end)
            elif given_beat.get("region") == "main":
                assert cue.lines == (4, 5)
