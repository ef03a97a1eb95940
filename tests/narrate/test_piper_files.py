"""A Piper voice's files checked without the voice (no ``cuecast[voice]``
needed): the script parser's check of ``voice: piper:PATH.onnx``."""

from __future__ import annotations

import json

import pytest

from cuecast.errors import ConfigError
from cuecast.model import Location
from cuecast.narrate.piper_files import NotAPiperModel, read_config, voice_files

WHERE = Location("script/l.yaml", 3, 8)


def test_a_model_with_its_config_beside_it_is_a_voice(tmp_path):
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"weights")
    config = tmp_path / "voice.onnx.json"
    config.write_text(json.dumps({"audio": {"sample_rate": 22050}, "phoneme_id_map": {"a": [1]}}))
    assert voice_files(model) == (model, config)
    assert read_config(config)["audio"] == {"sample_rate": 22050}


def test_a_missing_model_or_config_is_a_located_error_saying_what_to_do(tmp_path):
    model = tmp_path / "voice.onnx"
    with pytest.raises(ConfigError, match="does not exist") as missing:
        voice_files(model, WHERE)
    assert missing.value.location == WHERE and missing.value.hint.startswith("voice: piper:")
    with pytest.raises(ConfigError, match="is a folder"):
        voice_files(tmp_path)
    model.write_bytes(b"weights")
    with pytest.raises(ConfigError, match="no config voice.onnx.json beside it") as lonely:
        voice_files(model, WHERE)
    assert ".onnx.json" in lonely.value.hint


@pytest.mark.parametrize("text, reason", [
    ('{"not": "piper"}', "lacks audio, phoneme_id_map"),
    ("[1, 2]", "lacks audio, phoneme_id_map"),
    ("{broken", "not a readable JSON config"),
])
def test_a_config_that_is_not_a_piper_voices_says_why(tmp_path, text, reason):
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"weights")
    config = tmp_path / "voice.onnx.json"
    config.write_text(text)
    with pytest.raises(NotAPiperModel, match=reason):
        read_config(config)
    with pytest.raises(ConfigError, match=reason) as error:
        voice_files(model, WHERE)
    assert error.value.location == WHERE
