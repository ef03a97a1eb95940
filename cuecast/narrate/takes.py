"""The author's own takes over a synthetic voice: a beat with a take in the
lesson's recordings folder is narrated by it, every other beat by the voice.

Takes are what ``render preview``'s Record button saves (or any file named
as ``recorded:DIR`` expects, ``<beat id>.wav``), so an author can record the
beats they care about and leave the rest to the voice.  With ``voice:
recorded:DIR`` the folder is DIR and every beat needs a take, as before;
otherwise it is ``recordings/`` in the project folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from cuecast.model import Beat, Lesson, VoiceClip
from cuecast.narrate.base import Voice
from cuecast.narrate.recorded import RECORDING_SUFFIXES, RecordedVoice

#: Where takes go when the lesson does not narrate from ``recorded:DIR``.
TAKES_FOLDER = "recordings"


def takes_folder(lesson: Lesson, voice_spec: Optional[str] = None) -> Path:
    """The folder the lesson's takes are in: ``recorded:DIR``'s DIR (the
    ``--voice`` given, else the script's), else ``recordings/``."""
    spec = (voice_spec or lesson.voice or "").strip()
    if spec.startswith("recorded:") and spec[len("recorded:"):].strip():
        folder = Path(spec[len("recorded:"):].strip()).expanduser()
        base = Path.cwd() if voice_spec else Path(lesson.root)
        return folder if folder.is_absolute() else base / folder
    return Path(lesson.root) / TAKES_FOLDER


def has_takes(folder: Path) -> bool:
    return folder.is_dir() and any(p.suffix.lower() in RECORDING_SUFFIXES for p in folder.iterdir() if p.is_file())


class WithTakes(Voice):
    """``voice``, except where the author recorded a take."""

    def __init__(self, voice: Voice, folder: Path):
        from cuecast.narrate.take_words import reference_voice

        self.voice = voice
        self.takes = RecordedVoice(folder, reference=reference_voice(voice))
        self.kind = voice.kind
        self.fallback_rate = voice.fallback_rate

    @property
    def spec(self) -> str:
        return self.voice.spec

    def describe(self) -> str:
        from cuecast.narrate.take_words import UNTIMED

        untimed = "" if self.takes.reference is not None else f" ({UNTIMED})"
        return f"{self.voice.describe()}, takes from {self.takes.folder}{untimed}"

    def record(self) -> dict:
        return self.voice.record()

    def prepare(self, lines: list[tuple[Beat, str]], cache_dir: Path, refresh: bool = False) -> bool:
        """The voice speaks the beats without a take; and the takes' text
        too where it is the one they are aligned with, all in one go."""
        if self.takes.reference is self.voice:
            return self.voice.prepare(lines, cache_dir, refresh)
        taken = {beat.id for beat, _ in lines if self.takes.recordings(beat)}
        self.takes.prepare([line for line in lines if line[0].id in taken], cache_dir, refresh)
        return self.voice.prepare([line for line in lines if line[0].id not in taken], cache_dir, refresh)

    def clip(self, beat: Beat, text: str, cache_dir: Path, refresh: bool = False) -> VoiceClip:
        if self.takes.recordings(beat):
            clip = self.takes.clip(beat, text, cache_dir, refresh)
            return VoiceClip(clip.beat_id, clip.text, clip.path, clip.duration, clip.words,
                             take=str(self.takes.recording(beat)))
        return self.voice.clip(beat, text, cache_dir, refresh)
