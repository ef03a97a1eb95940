"""A Piper voice's two files, checked as far as can be without loading the
model: the script parser checks ``voice: piper:PATH.onnx`` with them, so a
wrong path is a located error before anything runs, and the parser never
imports the voice itself (which belongs to a later stage)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from cuecast.errors import ConfigError
from cuecast.model import Location


class NotAPiperModel(ValueError):
    """The files are not a Piper voice (the reason as text)."""


def read_config(config_path: Path) -> dict:
    """The voice's JSON config; ``NotAPiperModel`` when it is not one."""
    try:
        config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise NotAPiperModel(f"{config_path} is not a readable JSON config ({exc})") from None
    missing = [key for key in ("audio", "phoneme_id_map") if not isinstance(config, dict) or key not in config]
    if missing:
        raise NotAPiperModel(f"{config_path} lacks {', '.join(missing)}: it is not a Piper voice config")
    return config


def voice_files(model: Path, location: Optional[Location] = None) -> tuple[Path, Path]:
    """``(model, config)`` of a Piper voice, checked as far as can be without
    loading it: the model exists and its ``.json`` config lies beside it."""
    where = f"--voice piper:{model}" if location is None else f"voice: piper:{model}"
    if not model.is_file():
        state = "is a folder" if model.is_dir() else "does not exist"
        raise ConfigError(f"Piper voice {model} {state}", location,
                          hint=f"{where} expects a Piper voice file (VOICE.onnx, with VOICE.onnx.json beside it)")
    config = model.with_name(model.name + ".json")
    if not config.is_file():
        raise ConfigError(f"Piper voice {model} has no config {config.name} beside it", location,
                          hint="download the voice's .onnx.json with its .onnx (both are on the voice's page)")
    try:
        read_config(config)
    except NotAPiperModel as exc:
        raise ConfigError(str(exc), location, hint="a Piper voice is VOICE.onnx plus its VOICE.onnx.json") from None
    return model, config
