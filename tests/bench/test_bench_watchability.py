"""The watchability measure read from a real OTIO timeline: silence, the
longest silent stretch (on and off code) and narrated code cues."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from tests.support.watchability import leaks, measure, watchability

FPS = 10


def timeline(segments: list[tuple[str, float]], speech: list[tuple[float, float]]) -> otio.schema.Timeline:
    """A timeline as cuecast writes it: video clips tagged with their segment
    kind, and narration clips with gaps between them on the audio track."""
    def span(seconds: float) -> otio.opentime.TimeRange:
        return otio.opentime.TimeRange(otio.opentime.RationalTime(0, FPS),
                                       otio.opentime.RationalTime(round(seconds * FPS), FPS))

    video = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    for kind, seconds in segments:
        clip = otio.schema.Clip(name=kind, source_range=span(seconds))
        clip.metadata["cuecast"] = {"kind": kind}
        video.append(clip)
    audio = otio.schema.Track(kind=otio.schema.TrackKind.Audio)
    at = 0.0
    for start, end in speech:
        if start > at:
            audio.append(otio.schema.Gap(source_range=span(start - at)))
        audio.append(otio.schema.Clip(name="said", source_range=span(end - start)))
        at = end
    result = otio.schema.Timeline()
    result.tracks.extend([video, audio])
    return result


def test_silence_longest_stretches_and_narrated_code_cues():
    # 0-2 title (silent), 2-6 slide (said 2.2-5.8), 6-16 code (said 6.2-9.0: 28%), 16-20 code (said 16.2-19.8)
    made = timeline([("slide", 2), ("slide", 4), ("vscode", 10), ("terminal", 4)],
                    [(2.2, 5.8), (6.2, 9.0), (16.2, 19.8)])
    found = measure(made)
    assert found.duration == pytest.approx(20)
    assert found.silent_share == pytest.approx(1 - (3.6 + 2.8 + 3.6) / 20)
    assert found.longest_silence == pytest.approx(16.2 - 9.0)
    assert found.longest_silence_off_code == pytest.approx(2.2)  # the title slide
    assert (found.code_cues, found.narrated_code_cues) == (2, 1)
    assert found.narrated_code_share == pytest.approx(0.5)


def test_overlapping_speech_counts_once_and_a_silent_end_is_a_stretch():
    found = measure(timeline([("vscode", 10)], [(0.0, 4.0)]))
    assert found.silent_share == pytest.approx(0.6)
    assert found.longest_silence == pytest.approx(6.0)
    assert found.longest_silence_off_code == 0
    assert found.narrated_code_cues == 1  # 40% of its time said: narrated


def test_the_script_reads_a_build_folder(tmp_path, capsys):
    folder = tmp_path / "build" / "lesson"
    folder.mkdir(parents=True)
    otio.adapters.write_to_file(timeline([("vscode", 5)], [(0.5, 4.5)]), str(folder / "timeline.otio"))
    assert watchability.main([str(folder)]) == 0
    assert capsys.readouterr().out.strip() == ("lesson: 5.0 s, silence 20%, longest silent 0.5 s (0.0 s off code), "
                                               "code cues narrated 1/1 (100%), leaks 0")
    assert watchability.main([str(tmp_path / "missing")]) == 2


@pytest.mark.parametrize("said,rules", [
    ("Suppose we are given x one to x T, and x squared.", ["power word"]),
    ("the query $x^{(2)}$ is", ["dollar", "tex script"]),
    ("we need \\frac{a}{b} and \\, here", ["backslash command"]),
    ("Use ``torch.cat`` and **bold**", ["backtick", "bold"]),
    ("see :ref:`bridge-to-np-label` or {py:func}`torch.stack`", ["backtick", "role"]),
    (".. note:: In-place operations", ["directive"]),
    ("See the [docs](./a.md) at https://pytorch.org", ["link"]),
    # what the normaliser leaves is clean: names, prices, times, "Note:"
    ("Note: x_data and __init__ cost $5 at 10:30, then the .view method; torch.nn", []),
])
def test_leaks_name_each_rule_a_line_breaks(said, rules):
    assert [leak.rule for leak in leaks(said, "here")] == rules
    assert all(leak.where == "here" and leak.text == said for leak in leaks(said, "here"))


def test_the_script_lists_the_leaks_in_narration_and_captions(tmp_path, capsys):
    folder = tmp_path / "build" / "lesson"
    folder.mkdir(parents=True)
    otio.adapters.write_to_file(timeline([("vscode", 5)], [(0.5, 4.5)]), str(folder / "timeline.otio"))
    (folder / "narration.csv").write_text("beat_id,file,section_title,start_tc,seconds,text\n"
                                          "intro-1,intro-1.wav,Intro,00:00:00:00,2.0,The index $x^{(2)}$.\n"
                                          "intro-2,intro-2.wav,Intro,00:00:02:00,2.0,Plain words.\n",
                                          encoding="utf-8")
    (folder / "captions.vtt").write_text("WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nUse `x`.\n",
                                         encoding="utf-8")
    assert watchability.main([str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(", leaks 3")
    assert out[1:] == ["  narration.csv:intro-1: dollar: The index $x^{(2)}$.",
                       "  narration.csv:intro-1: tex script: The index $x^{(2)}$.",
                       "  captions.vtt:5: backtick: Use `x`."]
