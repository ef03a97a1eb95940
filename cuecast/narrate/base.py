"""What every voice shares: the spoken text of a beat, WAV reading and
writing, and the ``Voice`` base class the backends subclass.

A voice turns one beat's narration into a ``VoiceClip`` whose ``duration`` is
the real length of the audio, because the planner times the whole lesson from
it; an estimate is only used by the silent voice, which has no audio.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Optional

from cuecast.errors import ConfigError
from cuecast.model import Beat, Location, VoiceClip

#: Words per minute of the silent estimate (and the default espeak rate).
DEFAULT_WPM = 160
#: The shortest estimated clip, so a one-word beat is still readable on screen.
MIN_SILENT_SECONDS = 1.2



class VoiceWarning(UserWarning):
    """Something the user should hear about that does not stop the build,
    e.g. espeak-ng could not load and the silent voice is used instead."""

    @staticmethod
    def summary(count: int) -> str:
        """What a build whose timeline and video were current says instead."""
        said = "1 warning" if count == 1 else f"{count} warnings"
        return f"the narration has {said} from when its timeline was built (the outputs are current)"


def narration_text(beat: Beat) -> str:
    """What is said during a beat, as captions show it.

    ``say`` first; a cue beat's ``points`` are said after it (the parser folds
    a bullet beat's points into its ``say`` already, so they are not repeated).
    Markup (maths, code ticks, emphasis, roles) is read by ``speech.speech``,
    the one normaliser, since templating may have filled in new text.
    """
    parts = [beat.say.strip()] if beat.say and beat.say.strip() else []
    if beat.cue is not None:
        parts.extend(p.strip() for p in beat.points if p.strip())
    from cuecast.speech import speech  # its rules compile on import: only for a beat said

    text = " ".join(_ensure_stop(p) if i < len(parts) - 1 else p for i, p in enumerate(parts))
    return speech(text)


def _ensure_stop(text: str) -> str:
    """End a sentence with punctuation so joined parts are spoken as sentences."""
    return text if text[-1:] in ".!?:;" else text + "."


def estimate_seconds(text: str, wpm: float = DEFAULT_WPM) -> float:
    """How long ``text`` takes to say at ``wpm``, never below the minimum."""
    words = len(text.split())
    return max(MIN_SILENT_SECONDS, words * 60.0 / max(wpm, 1.0))


def wav_duration(path: Path) -> float:
    """The length in seconds of a WAV file; ``ValueError`` (with the reason)
    when it is not a readable, non-empty PCM WAV."""
    try:
        with wave.open(str(path), "rb") as handle:
            frames = handle.getnframes()
            rate = handle.getframerate()
            # A header that promises more frames than the file holds is a
            # truncated write; the wave module does not notice it on open.
            data_bytes = frames * handle.getnchannels() * handle.getsampwidth()
            handle.readframes(frames)
            actual = handle.tell()
    except (wave.Error, EOFError, OSError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
    if frames == 0 or rate == 0:
        raise ValueError("no audio frames")
    if actual < frames or Path(path).stat().st_size < data_bytes:
        raise ValueError("truncated audio data")
    return frames / float(rate)


def write_wav(path: Path, samples: bytes, sample_rate: int) -> None:
    """Write mono 16-bit PCM ``samples`` (little-endian bytes) to ``path``."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(samples)


class Voice:
    """One narration backend.  ``spec`` is how the user names it (``espeak``,
    ``none``, ``recorded:DIR``) and is what the timeline records."""

    kind = "none"
    allow_missing = False  # see RecordedVoice
    fallback_rate = DEFAULT_WPM

    @property
    def spec(self) -> str:
        return self.kind

    def describe(self) -> str:
        """A short human description for summaries (``espeak en-us, 160 wpm``)."""
        return self.spec

    def record(self) -> dict:
        """The voice as cues.json records it: what speaks, with which model
        and settings (the same for every clip of a lesson)."""
        return {"engine": self.kind, "model": None, "settings": {}}

    def identity(self, digest=None) -> dict:
        """Everything that shapes this voice's clips, for a saved timeline to
        be reused only while none of it changed: its ``record`` and, where a
        file speaks (a Piper model), that file's digest (by ``digest(path)``
        when given: the build's ``DigestBook``, which spares hashing the
        model again), since a model replaced under the same name keeps the
        record."""
        return self.record()

    def prepare(self, lines: list[tuple[Beat, str]], cache_dir: Path, refresh: bool = False) -> bool:
        """Speak, ahead of ``clip``, the ``(beat, text)`` lines not in the
        cache (all of them when ``refresh``) at once, as a voice that can use
        every core does; True when it did, so ``clip`` finds every one cached
        and fresh."""
        return False

    def clip(self, beat: Beat, text: str, cache_dir: Path, refresh: bool = False) -> VoiceClip:
        """The clip for one beat's ``text``; ``refresh`` ignores cached audio."""
        raise NotImplementedError

    def missing(self, beats: list[Beat]) -> list[Beat]:
        """Beats this voice cannot narrate (recordings not made yet)."""
        return []

    def expected(self, beat: Beat) -> str:
        """Where a missing beat's audio was looked for (see RecordedVoice)."""
        return ""


def invalid_audio(path: Path, reason: str, location: Optional[Location] = None) -> ConfigError:
    return ConfigError(
        f"{path} is not a valid WAV file ({reason})",
        location,
        hint="export the recording as 16-bit PCM WAV (e.g. `ffmpeg -i in.m4a out.wav`)",
    )
