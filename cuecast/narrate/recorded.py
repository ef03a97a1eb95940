"""The ``recorded:DIR`` voice: the author's own recordings, ``DIR/<beat id>.wav``.

The clip's length is read from the file, so re-recording a beat re-times the
lesson.  Beats without a recording are listed together (one diagnostic each,
at the beat's script line) so the author records them in one session.
"""

from __future__ import annotations

from pathlib import Path

from cuecast.model import Beat, VoiceClip
from cuecast.narrate.base import DEFAULT_WPM, Voice, invalid_audio, wav_duration


class RecordedVoice(Voice):
    kind = "recorded"

    def __init__(self, folder: Path, allow_missing: bool = False, fallback_rate: float = DEFAULT_WPM):
        self.folder = Path(folder)
        #: Time beats without a recording by the silent estimate at ``fallback_rate``
        #: instead of failing (``--allow-missing``).
        self.allow_missing = allow_missing
        self.fallback_rate = fallback_rate

    @property
    def spec(self) -> str:
        return f"recorded:{self.folder}"

    def describe(self) -> str:
        return f"recordings in {self.folder}"

    def recording(self, beat: Beat) -> Path:
        return self.folder / f"{beat.id}.wav"

    def missing(self, beats: list[Beat]) -> list[Beat]:
        return [beat for beat in beats if not self.recording(beat).is_file()]

    def clip(self, beat: Beat, text: str, cache_dir: Path, refresh: bool = False) -> VoiceClip:
        path = self.recording(beat)
        try:
            duration = wav_duration(path)
        except ValueError as exc:
            raise invalid_audio(path, str(exc), beat.location) from None
        return VoiceClip(beat.id, text, str(path.resolve()), duration)
