"""Narration: one voice clip per spoken beat, from a pluggable voice.

``get_voice("piper" | "piper:PATH.onnx" | "espeak" | "none" | "recorded:DIR", ...)``
picks the backend (``default_voice``: piper when the ``voice`` extra is
installed, else espeak);
``narrate_lesson`` turns every beat that says something into a ``VoiceClip``.
Beats with nothing to say get no clip; the planner gives them screen time only.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Callable, Optional

from cuecast.errors import ConfigError, Diagnostic, ScriptError
from cuecast.model import Beat, Lesson, VoiceClip, then_id
from cuecast.narrate.base import (
    DEFAULT_WPM,
    Voice,
    VoiceWarning,
    estimate_seconds,
    narration_text,
    wav_duration,
)

__all__ = [
    "DEFAULT_WPM", "Voice", "VoiceWarning", "VOICE_KINDS", "get_voice", "narrate_lesson",
    "narration_text", "estimate_seconds", "wav_duration", "voice_cache_dir", "lesson_voice", "default_voice",
]

#: The voice specs ``--voice`` and ``voice:`` accept.
VOICE_KINDS = ("piper", "piper:PATH.onnx", "espeak", "none", "recorded:DIR")

#: ``on_event(kind, beat_id, message)``; kind is ``clip`` (message: its length) or
#: ``missing`` (a recording is missing and the silent estimate is used).
EventHandler = Callable[[str, str, str], None]


def voice_cache_dir(root: Path) -> Path:
    return Path(root) / "build" / ".cache" / "voice"


def default_voice() -> str:
    """``piper`` when its extra is installed (``pip install cuecast[voice]``), else ``espeak``."""
    from cuecast.narrate.piper import piper_installed

    return "piper" if piper_installed() else "espeak"


def get_voice(
    spec: Optional[str],
    *,
    rate: Optional[float] = None,
    pitch: Optional[int] = None,
    name: Optional[str] = None,
    length_scale: Optional[float] = None,
    speaker: Optional[str] = None,
    sentence_pause: Optional[float] = None,
    base: Optional[Path] = None,
    allow_missing: bool = False,
    location=None,
) -> Voice:
    """The voice named by ``spec`` (``default_voice()`` when empty).

    ``base`` is the folder a relative ``recorded:DIR`` or ``piper:PATH`` is
    resolved against, ``location`` where the spec was written (the script's
    ``voice:``).  When espeak-ng cannot load, the silent voice is returned and a
    ``VoiceWarning`` is issued (the CLI prints it), so a build still finishes.
    """
    spec = (spec or default_voice()).strip()
    if spec == "piper" or spec.startswith("piper:"):
        from cuecast.narrate.piper import PiperVoice

        model = None
        if spec.startswith("piper:"):
            model = Path(spec[len("piper:"):].strip()).expanduser()
            if not model.is_absolute() and base is not None:
                model = Path(base) / model
        return PiperVoice(model, length_scale=length_scale, speaker=speaker, sentence_pause=sentence_pause,
                          location=location)
    if spec == "none":
        from cuecast.narrate.silent import SilentVoice

        return SilentVoice(rate or DEFAULT_WPM)
    if spec == "espeak":
        from cuecast.narrate.espeak import EspeakUnavailable, EspeakVoice

        try:
            return EspeakVoice(rate=rate, pitch=pitch, name=name)
        except EspeakUnavailable as exc:
            from cuecast.narrate.silent import SilentVoice

            warnings.warn(VoiceWarning(f"espeak-ng is unavailable ({exc}); narrating silently"), stacklevel=2)
            return SilentVoice(rate or DEFAULT_WPM)
    if spec.startswith("recorded:") and spec[len("recorded:"):].strip():
        from cuecast.narrate.recorded import RecordedVoice
        from cuecast.narrate.take_words import reference_voice

        folder = Path(spec[len("recorded:"):].strip()).expanduser()
        if not folder.is_absolute() and base is not None:
            folder = Path(base) / folder
        if not folder.is_dir():
            state = "is not a folder" if folder.exists() else "does not exist"
            raise ConfigError(f"recordings folder {folder} {state}", hint="--voice recorded:DIR expects DIR/<beat id>.wav (or .flac, .mp3, .m4a, .ogg)")
        return RecordedVoice(folder, allow_missing=allow_missing, fallback_rate=rate or DEFAULT_WPM,
                             reference=reference_voice())
    raise ConfigError(f"unknown voice {spec!r} (expected one of: {', '.join(VOICE_KINDS)})")


def lesson_voice(lesson: Lesson, override: Optional[str] = None, **options) -> Voice:
    """The voice for ``lesson``: ``override`` (``--voice``; a relative
    ``recorded:DIR`` or ``piper:PATH`` is taken from the current folder) wins
    over the script's ``voice:`` (relative to the lesson's root), else
    ``default_voice()``.  ``options`` go to ``get_voice``."""
    from cuecast.narrate.recorded import RecordedVoice
    from cuecast.narrate.takes import WithTakes, has_takes, takes_folder

    base = Path.cwd() if override else Path(lesson.root)
    location = None if override or not lesson.voice else lesson.location
    voice = get_voice(override or lesson.voice or default_voice(), base=base, location=location, **options)
    takes = takes_folder(lesson, override)
    if not isinstance(voice, RecordedVoice) and has_takes(takes):
        return WithTakes(voice, takes)  # the author recorded some beats: those are theirs
    return voice


def spoken_lines(beat: Beat) -> list[Beat]:
    """What a beat says, as the clips it is said in: the beat itself, then,
    for ``then:``, a beat of its own (id ``<beat id>.then``, see
    ``model.then_id``) that the planner places once the output is shown."""
    lines = [beat]
    if beat.then:
        lines.append(replace(beat, id=then_id(beat.id), say=beat.then, bullet=None, points=(), then=""))
    return lines


def narrate_lesson(
    lesson: Lesson,
    voice: Voice,
    cache_dir: Path,
    on_event: Optional[EventHandler] = None,
    refresh: bool = False,
) -> dict[str, VoiceClip]:
    """One clip per beat that says something, keyed by beat id, in spoken order.

    A recorded voice missing recordings raises one ``ScriptError`` listing
    every such beat, unless it was made with ``allow_missing``, in which case
    those beats get the silent estimate and a ``missing`` event.
    """
    notify = on_event or (lambda kind, beat_id, message: None)
    spoken = [(line, narration_text(line)) for _, beat in lesson.beats() for line in spoken_lines(beat)]
    spoken = [(beat, text) for beat, text in spoken if text]
    missing = {beat.id for beat in voice.missing([beat for beat, _ in spoken])}
    if missing and not voice.allow_missing:
        raise ScriptError(
            [
                Diagnostic(beat.location, f"no recording for beat '{beat.id}'", f"expected {voice.expected(beat)}")
                for beat, _ in spoken
                if beat.id in missing
            ],
            message=f"{len(missing)} beat(s) have no recording in {getattr(voice, 'folder', '')}",
        )
    # a voice that speaks the missing clips at once (piper, over the cores) leaves them cached and fresh
    ready = voice.prepare([(beat, text) for beat, text in spoken if beat.id not in missing], Path(cache_dir),
                          refresh=refresh)
    clips: dict[str, VoiceClip] = {}
    for beat, text in spoken:
        if beat.id in missing:
            clips[beat.id] = VoiceClip(beat.id, text, None, estimate_seconds(text, voice.fallback_rate))
            notify("missing", beat.id, f"no recording {voice.expected(beat)}; using a silent estimate")
            continue
        clip = voice.clip(beat, text, Path(cache_dir), refresh=refresh and not ready)
        clips[beat.id] = clip
        notify("clip", beat.id, f"{clip.duration:.2f} s")
    return clips
