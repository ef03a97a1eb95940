"""The piper voice, read back: real speech at a plausible rate, each word
timed in order inside its clip, the same samples every time (in this process,
in a worker, whatever was said before), cached with its words so a second
narration speaks nothing, and a clear error for a voice file that is missing,
lacks its config or is not a Piper voice."""

from __future__ import annotations

import json
import os
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("piper", reason="the cuecast[voice] extra is not installed")

from cuecast.errors import ConfigError, ScriptError  # noqa: E402
from cuecast.narrate import default_voice, get_voice, narrate_lesson  # noqa: E402
from cuecast.narrate.cache import read_words  # noqa: E402
from cuecast.narrate.piper import packaged_model, synthesise_all  # noqa: E402
from tests.narrate.test_narrate import lesson_of  # noqa: E402

SENTENCES = (
    "A tensor holds numbers, and autograd records every operation on it.",
    "Call backward on the loss, then read the gradient from each parameter.",
    "Move the model to the GPU with one line — two, if you count the data.",
)


def samples_of(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as handle:
        assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
        return np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2"), handle.getframerate()


@pytest.fixture(scope="module")
def piper():
    return get_voice("piper")


def test_piper_is_the_default_voice_when_installed():
    assert default_voice() == "piper"


def test_piper_speaks_each_clip_at_a_plausible_rate_with_every_word_timed(piper, tmp_path):
    clips = narrate_lesson(lesson_of(*SENTENCES), piper, tmp_path)
    for text, clip in zip(SENTENCES, clips.values()):
        samples, rate = samples_of(Path(clip.path))
        assert clip.duration == pytest.approx(len(samples) / rate)
        assert np.sqrt(np.mean(samples.astype(float) ** 2)) > 1000  # speech, not silence (~0)
        words_per_minute = len(text.split()) / clip.duration * 60
        assert 90 < words_per_minute < 260, words_per_minute
        assert [w.text for w in clip.words] == text.split()
        starts = [w.start for w in clip.words]
        assert starts == sorted(starts) and all(0 <= w.start <= w.end <= clip.duration for w in clip.words)
        # the words fill the clip: the first is said near its start, the last near its end
        assert clip.words[0].start < 0.4 and clip.words[-1].end > clip.duration - 0.6
        # each spoken word is really loud where it is said (its middle tenth is not silence)
        for word in clip.words:
            if word.end - word.start > 0.1:
                middle = (word.start + word.end) / 2
                piece = samples[int((middle - 0.05) * rate):int((middle + 0.05) * rate)].astype(float)
                assert np.sqrt(np.mean(piece ** 2)) > 300, word


def test_piper_gives_the_same_samples_whatever_was_said_before_and_wherever(piper, tmp_path):
    first = narrate_lesson(lesson_of(SENTENCES[0]), piper, tmp_path / "a")["s-1"]
    # another text first, then the same one, from scratch
    again = narrate_lesson(lesson_of(SENTENCES[1], SENTENCES[0]), piper, tmp_path / "b", refresh=True)["s-2"]
    assert Path(first.path).read_bytes() == Path(again.path).read_bytes()
    assert first.words == again.words
    # two spawned workers (the parallel path) give the bytes this process gives
    jobs = [("k0", SENTENCES[2]), ("k1", SENTENCES[0])]
    if os.cpu_count() and os.cpu_count() > 1:
        spoken = dict(synthesise_all(piper.model, piper.config_path, piper.settings, jobs))
        samples, _ = samples_of(Path(first.path))
        assert spoken["k1"].samples == samples.tobytes()


def test_a_second_narration_speaks_nothing_and_keeps_the_words(piper, tmp_path):
    lesson = lesson_of(*SENTENCES)
    cold = narrate_lesson(lesson, piper, tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    warm = narrate_lesson(lesson, piper, tmp_path)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps  # nothing written
    assert warm == cold and all(clip.words for clip in warm.values())
    # an entry that lost its words is spoken again
    words = Path(cold["s-1"].path).with_name(Path(cold["s-1"].path).stem + ".words.json")
    words.unlink()
    assert narrate_lesson(lesson, piper, tmp_path)["s-1"].words == cold["s-1"].words
    assert read_words(Path(cold["s-1"].path)) == cold["s-1"].words


def test_length_scale_and_sentence_pause_change_the_clip_and_its_key(tmp_path):
    lesson = lesson_of(SENTENCES[0] + " " + SENTENCES[1])
    normal = narrate_lesson(lesson, get_voice("piper"), tmp_path)["s-1"]
    slow = narrate_lesson(lesson, get_voice("piper", length_scale=1.4), tmp_path)["s-1"]
    paused = narrate_lesson(lesson, get_voice("piper", sentence_pause=1.25), tmp_path)["s-1"]
    assert slow.duration > normal.duration * 1.25
    assert paused.duration == pytest.approx(normal.duration + 1.0, abs=0.01)
    assert len({normal.path, slow.path, paused.path}) == 3


def test_piper_voice_record_names_engine_model_and_settings():
    record = get_voice("piper", length_scale=1.1).record()
    assert record["engine"] == "piper" and record["model"] == "en_US-joe-medium"
    assert record["settings"]["length_scale"] == 1.1 and record["settings"]["sentence_pause"] == 0.25


def test_a_piper_path_that_is_missing_or_lacks_its_config_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        get_voice(f"piper:{tmp_path / 'nope.onnx'}")
    lonely = tmp_path / "voice.onnx"
    shutil.copyfile(packaged_model(), lonely)
    with pytest.raises(ConfigError, match="no config voice.onnx.json") as info:
        get_voice(f"piper:{lonely}")
    assert ".onnx.json" in info.value.hint
    (tmp_path / "voice.onnx.json").write_text('{"not": "piper"}')
    with pytest.raises(ConfigError, match="not a Piper voice config"):
        get_voice("piper:voice.onnx", base=tmp_path)
    with pytest.raises(ConfigError, match="no speaker"):
        get_voice("piper", speaker="alice")


def test_a_file_that_is_not_a_piper_model_is_named_when_it_must_speak(tmp_path):
    model = tmp_path / "fake.onnx"
    model.write_bytes(b"this is not an onnx graph" * 100)
    shutil.copyfile(str(packaged_model()) + ".json", tmp_path / "fake.onnx.json")
    voice = get_voice(f"piper:{model}")  # the config is fine: it loads lazily
    with pytest.raises(ConfigError, match="fake.onnx is not a Piper voice"):
        narrate_lesson(lesson_of(SENTENCES[0]), voice, tmp_path / "cache")


def test_a_script_naming_a_missing_piper_voice_fails_at_its_line(tmp_path):
    from cuecast.script import load_lesson

    script = tmp_path / "script" / "l.yaml"
    script.parent.mkdir()
    script.write_text("lesson: L\nid: l\nvoice: piper:voices/nope.onnx\nsections:\n"
                      "  - id: s\n    title: S\n    beats:\n      - say: Hello.\n")
    with pytest.raises(ScriptError) as info:
        load_lesson(script, root=tmp_path)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.location.line == 3 and "does not exist" in diagnostic.message


def test_cues_json_word_times_match_the_clip(piper, tmp_path):
    """The words the voice timed reach the cue sheet on the lesson clock."""
    from cuecast.export import narrated_timeline
    from cuecast.export.cuesheet import clip_rows

    timeline = narrated_timeline(lesson_of(*SENTENCES[:2]), {}, piper, tmp_path / "build", tmp_path / "cache")
    rows = clip_rows(timeline)
    assert timeline.voice_record["engine"] == "piper"
    for row in rows:
        times = [t for _, start, end in row["words"] for t in (start, end)]
        assert times == sorted(times) and row["start"] <= times[0] and times[-1] <= row["end"] + 0.001
        assert [w for w, _, _ in row["words"]] == row["text"].split()
    json.dumps(rows)  # plain data


def test_an_english_lesson_with_a_voice_of_another_language_is_warned_at_its_first_beat(tmp_path):
    from cuecast.narrate.base import VoiceWarning

    model = tmp_path / "de_DE-test.onnx"
    shutil.copyfile(packaged_model(), model)
    config = json.loads(Path(str(packaged_model()) + ".json").read_text())
    config["language"] = {"code": "de_DE", "family": "de"}
    config["espeak"] = {"voice": "de"}
    (tmp_path / "de_DE-test.onnx.json").write_text(json.dumps(config))
    german = get_voice(f"piper:{model}")
    lesson = lesson_of(*SENTENCES)
    lines = [(beat, beat.say) for _, beat in lesson.beats()]
    with pytest.warns(VoiceWarning, match=r"script/l.yaml:4:1: the narration reads as English, but Piper voice "
                                          r"de_DE-test speaks 'de'"):
        german.check_language(lines)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        get_voice("piper").check_language(lines)  # English with an English voice: nothing to say


def replaced_model(source: Path, target: Path) -> None:
    """Write at ``target`` another voice: ``source`` with the weights of one
    attention layer of its text encoder scaled, so it speaks differently."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(source))
    weight = next(t for t in graph.graph.initializer if t.name == "enc_p.encoder.attn_layers.0.conv_o.weight")
    weight.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weight) * np.float32(1.5), weight.name))
    onnx.save(graph, str(target))


def test_a_model_replaced_under_the_same_name_changes_the_voices_identity_and_clip_keys(tmp_path):
    model = tmp_path / "mine.onnx"
    shutil.copyfile(packaged_model(), model)
    shutil.copyfile(str(packaged_model()) + ".json", str(model) + ".json")
    before = get_voice(f"piper:{model}")
    identity, key = before.identity(), before.key(SENTENCES[0])
    assert identity == get_voice(f"piper:{model}").identity()  # the same files: the same identity
    replaced_model(packaged_model(), model)
    after = get_voice(f"piper:{model}")
    assert after.record() == before.record() and after.spec == before.spec  # what the user sees is the same
    assert after.identity() != identity and after.key(SENTENCES[0]) != key


@pytest.mark.slow
def test_a_build_notices_a_piper_model_replaced_under_the_same_name(tmp_path):
    from cuecast.build import BuildOptions
    from tests.test_build import build, copy_tiny, statuses

    model = tmp_path / "voices" / "mine.onnx"
    model.parent.mkdir()
    shutil.copyfile(packaged_model(), model)
    shutil.copyfile(str(packaged_model()) + ".json", str(model) + ".json")
    script = copy_tiny(tmp_path / "project")
    audio = script.parent.parent / "build" / "tiny" / "audio"
    options = BuildOptions(size=(320, 180), fps=10, device="cpu", voice=f"piper:{model}", only=("timeline",))

    def said() -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in audio.glob("*.wav")}

    build(script, options)
    spoken = said()
    assert spoken
    again, _ = build(script, options)
    assert statuses(again)["timeline"] == "skipped"
    replaced_model(packaged_model(), model)
    third, _ = build(script, options)  # in this process, which has spoken with the model before
    assert statuses(third)["timeline"] == "built"
    assert set(said()) == set(spoken) and all(said()[beat] != audio for beat, audio in spoken.items())
