"""A Piper model as cuecast runs it: the voice file's settings unless the
author set them, a file that is not a Piper VITS graph refused with why, the
noise nodes replaced by inputs fed the same seeded noise, so a sentence is
the same samples whatever was said before and however much noise it was
given, and phoneme ids laid out as Piper lays them out."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("piper", reason="the cuecast[voice] extra is not installed")

import onnx  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402

from cuecast.narrate import piper_model  # noqa: E402
from cuecast.narrate.piper import packaged_model  # noqa: E402
from cuecast.narrate.piper_files import NotAPiperModel  # noqa: E402
from cuecast.narrate.piper_model import NOISE_SEED, PiperModel, PiperSettings, patched_graph  # noqa: E402

TEXT = "A tensor holds numbers. Autograd records every operation on it."


@pytest.fixture(scope="module")
def model() -> PiperModel:
    return PiperModel(patched_graph(packaged_model()), str(packaged_model()) + ".json")


@pytest.fixture(scope="module")
def settings(model) -> dict:
    return PiperSettings().resolved(model.config)


def samples(spoken) -> np.ndarray:
    return np.frombuffer(spoken.samples, dtype="<i2")


def test_settings_left_unset_are_the_voice_files_own():
    config = {"inference": {"length_scale": 1.2, "noise_scale": 0.5, "noise_w": 0.6}, "num_speakers": 1}
    assert PiperSettings().resolved(config) == {"length_scale": 1.2, "noise_scale": 0.5, "noise_w": 0.6,
                                                "speaker": None, "sentence_pause": 0.25, "noise_seed": NOISE_SEED}
    mine = PiperSettings(length_scale=0.9, noise_w=0.0, speaker=3, sentence_pause=1.0).resolved(config)
    assert (mine["length_scale"], mine["noise_scale"], mine["noise_w"], mine["sentence_pause"]) == (0.9, 0.5, 0.0, 1.0)
    assert mine["speaker"] is None  # a single-speaker voice has no speaker to pick
    assert PiperSettings(speaker=3).resolved({**config, "num_speakers": 4})["speaker"] == 3
    assert PiperSettings().resolved({})["length_scale"] == 1.0  # a config without inference values: Piper's


def graph_file(path, inputs, ops) -> None:
    """A small valid ONNX model with ``inputs`` and a chain of one-input ``ops``."""
    nodes, last = [], inputs[0]
    for n, op in enumerate(ops):
        nodes.append(helper.make_node(op, [last], [f"v{n}"]))
        last = f"v{n}"
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(name, TensorProto.FLOAT, [1])
                                           for name in inputs],
                              [helper.make_tensor_value_info(last, TensorProto.FLOAT, [1])])
    onnx.save(helper.make_model(graph), str(path))


def test_a_file_that_is_not_a_piper_vits_graph_is_refused_with_why(tmp_path):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"this is not an onnx graph" * 10)
    with pytest.raises(NotAPiperModel, match="junk.onnx is not an ONNX model"):
        patched_graph(junk)
    other = tmp_path / "other.onnx"
    graph_file(other, ["x"], ["Ceil"])
    with pytest.raises(NotAPiperModel, match=r"has inputs \['x'\], not a Piper voice's"):
        patched_graph(other)
    noiseless = tmp_path / "noiseless.onnx"
    graph_file(noiseless, ["input", "input_lengths", "scales"], ["Relu"])
    with pytest.raises(NotAPiperModel, match="no phoneme widths or noise found"):
        patched_graph(noiseless)


def test_the_noise_nodes_become_inputs_and_the_phoneme_widths_an_output():
    serialised, inputs = patched_graph(packaged_model())
    assert patched_graph(packaged_model())[0] is serialised  # made once per process and file
    graph = onnx.load_from_string(serialised).graph
    assert not [node for node in graph.node if node.op_type == "RandomNormalLike"]
    assert inputs and set(inputs) <= {i.name for i in graph.input}
    (ceil,) = [node for node in graph.node if node.op_type == "Ceil"]
    assert ceil.output[0] in [o.name for o in graph.output]


def test_ids_are_bos_pad_each_phoneme_then_pad_and_eos(model):
    id_map = model.config["phoneme_id_map"]
    ids, spans = model.ids(["h", "ə", "no such phoneme", "l"])
    pad = id_map["_"]
    assert ids == [*id_map["^"], *pad, *id_map["h"], *pad, *id_map["ə"], *pad, *id_map["l"], *pad, *id_map["$"]]
    start = len(id_map["^"]) + len(pad)
    h_end = start + len(id_map["h"]) + len(pad)
    assert spans[0] == (start, h_end)
    assert spans[2][0] == spans[2][1]  # a phoneme the voice lacks gives no ids


def test_a_sentence_is_the_same_samples_whatever_was_said_before(model, settings):
    first = model.speak(TEXT, settings)
    model.speak("Something else entirely, said in between.", settings)
    again = model.speak(TEXT, settings)
    assert first == again and np.abs(samples(first)).max() > 3000


def test_a_sentence_given_too_little_noise_is_spoken_again_the_same(model, settings, monkeypatch):
    enough = model.speak(TEXT, settings)
    monkeypatch.setattr(piper_model, "NOISE_FRAMES", 8)  # far fewer frames than either sentence takes
    assert model.speak(TEXT, settings) == enough


def test_sentences_are_joined_by_the_pause_and_every_word_is_timed_in_order(model, settings):
    plain = model.speak(TEXT, settings)
    paused = model.speak(TEXT, {**settings, "sentence_pause": 1.25})
    assert len(samples(paused)) - len(samples(plain)) == round(1.0 * model.sample_rate)
    duration = len(samples(paused)) / model.sample_rate
    assert [w.text for w in paused.words] == TEXT.split()
    starts = [w.start for w in paused.words]
    assert starts == sorted(starts) and all(0 <= w.start <= w.end <= duration for w in paused.words)
    # the second sentence's first word starts after the pause
    second = TEXT.split().index("Autograd")
    gap = paused.words[second].start - paused.words[second - 1].end
    assert gap >= 1.25
