"""The ``recorded:DIR`` voice: the author's own recordings, ``DIR/<beat id>.<ext>``.

Authors record in whatever their tool exports: a PCM WAV is copied as it is;
FLAC, MP3, M4A/AAC, OGG/Opus, AIFF and WAVs the stdlib cannot read (32-bit
float, which Audacity exports) are decoded once by the shipped ffmpeg.  Either
way the take lands in the voice cache keyed by the file's path, size and
modification time, and the clip's length is read from the audio, so
re-recording a beat re-times the lesson and rebuilds what it touches.  Its
words are timed by aligning it with a Piper voice saying the same text
(``take_words``), when Piper is installed.  Beats
without a recording are listed together (one diagnostic each, at the beat's
script line) so the author records them in one session.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import partial
from pathlib import Path
from typing import Optional

from cuecast.errors import ConfigError
from cuecast.model import Beat, VoiceClip
from cuecast.narrate.base import DEFAULT_WPM, Voice, invalid_audio, wav_duration
from cuecast.narrate.cache import cached_clip, clip_key

#: Extensions looked for, WAV first (the name shown when a recording is missing).
RECORDING_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus", ".aiff", ".aif")
#: Decoded recordings are mono 16-bit PCM at the narration mix's rate.
DECODE_RATE = 48_000


class RecordedVoice(Voice):
    kind = "recorded"

    def __init__(self, folder: Path, allow_missing: bool = False, fallback_rate: float = DEFAULT_WPM,
                 reference: Optional[Voice] = None):
        self.folder = Path(folder)
        #: The Piper voice takes are aligned against for their word times (none: untimed).
        self.reference = reference
        #: Time beats without a recording by the silent estimate at ``fallback_rate``
        #: instead of failing (``--allow-missing``).
        self.allow_missing = allow_missing
        self.fallback_rate = fallback_rate

    @property
    def spec(self) -> str:
        return f"recorded:{self.folder}"

    def describe(self) -> str:
        from cuecast.narrate.take_words import UNTIMED

        return f"recordings in {self.folder}" + ("" if self.reference is not None else f" ({UNTIMED})")

    def record(self) -> dict:
        return {"engine": "recorded", "model": str(self.folder), "settings": {}}

    def prepare(self, lines: list[tuple[Beat, str]], cache_dir: Path, refresh: bool = False) -> bool:
        """Have the reference say every line at once, over the cores, so
        aligning the takes finds it cached; the takes themselves are not
        made here."""
        if self.reference is not None and not refresh:
            self.reference.prepare(lines, cache_dir)
        return False

    def recordings(self, beat: Beat) -> list[Path]:
        """Every file that could be this beat's recording (normally one)."""
        return [path for suffix in RECORDING_SUFFIXES if (path := self.folder / f"{beat.id}{suffix}").is_file()]

    def recording(self, beat: Beat) -> Path:
        """The beat's recording, or the WAV name expected when there is none.
        Two recordings of one beat are an error: which take is current is the
        author's call, not ours."""
        found = self.recordings(beat)
        if len(found) > 1:
            raise ConfigError(
                f"beat '{beat.id}' has {len(found)} recordings: {', '.join(p.name for p in found)}",
                beat.location,
                hint=f"keep one take in {self.folder}",
            )
        return found[0] if found else self.folder / f"{beat.id}.wav"

    def expected(self, beat: Beat) -> str:
        return f"{self.folder / beat.id}.wav (or {', '.join(RECORDING_SUFFIXES[1:5])}, …)"

    def missing(self, beats: list[Beat]) -> list[Beat]:
        return [beat for beat in beats if not self.recordings(beat)]

    def clip(self, beat: Beat, text: str, cache_dir: Path, refresh: bool = False) -> VoiceClip:
        path = self.recording(beat)
        # a PCM WAV is taken as it is; anything else ffmpeg decodes
        make = partial(shutil.copyfile, path) if _plain_wav(path, beat) else partial(decode_to_wav, path)
        # Every take lands in the cache under a key of its path, size and
        # mtime: a new take gets a new clip path, so the stages after this one
        # see the change even when the new take is exactly as long.
        stat = path.stat()
        key = clip_key(kind="recorded", path=str(path.resolve()), size=stat.st_size, mtime=stat.st_mtime_ns,
                       rate=DECODE_RATE)
        try:
            clip_path, duration, _ = cached_clip(Path(cache_dir), key, make, refresh)
        except ValueError as exc:
            raise ConfigError(
                f"{path} could not be decoded as audio ({exc})",
                beat.location,
                hint="check that it plays, then export it again as WAV, FLAC, MP3, M4A or OGG",
            ) from None
        from cuecast.narrate.take_words import take_words

        words = take_words(clip_path, beat, text, self.reference, Path(cache_dir), refresh)
        return VoiceClip(beat.id, text, str(clip_path), duration, words=words)


def _plain_wav(path: Path, beat: Beat) -> bool:
    """Whether ``path`` is a WAV the stdlib reads (PCM).  A WAV in an encoding
    it lacks (32-bit float) is not, and is decoded; a damaged one is an error
    at the beat, since ffmpeg would quietly decode what is left of it."""
    if path.suffix.lower() != ".wav":
        return False
    try:
        wav_duration(path)
        return True
    except ValueError as exc:
        if str(exc).startswith("unknown format"):
            return False
        raise invalid_audio(path, str(exc), beat.location) from None


def decode_to_wav(source: Path, target: Path) -> None:
    """Decode any audio ffmpeg reads to mono 16-bit WAV at ``DECODE_RATE``;
    ``ValueError`` with ffmpeg's last message when it cannot."""
    from cuecast.ffmpeg import ffmpeg_exe

    args = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
            "-vn", "-ac", "1", "-ar", str(DECODE_RATE), "-c:a", "pcm_s16le", "-f", "wav", str(target)]
    result = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace")
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        # "<file>: Invalid data found…" or "Error opening input files: Invalid
        # data found…" by version: the reason is what follows the last colon
        raise ValueError(lines[-1].rsplit(": ", 1)[-1] if lines else f"ffmpeg exited with {result.returncode}")
