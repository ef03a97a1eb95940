"""The ``none`` voice: no audio, a duration estimated from words per minute.

For fast iteration on a script: the plan, captions and cue sheet are timed as
if the narration were spoken at ``wpm``, without synthesising anything.
"""

from __future__ import annotations

from pathlib import Path

from cuecast.model import Beat, VoiceClip
from cuecast.narrate.base import DEFAULT_WPM, Voice, estimate_seconds


class SilentVoice(Voice):
    kind = "none"

    def __init__(self, rate: float = DEFAULT_WPM):
        self.rate = float(rate or DEFAULT_WPM)

    def describe(self) -> str:
        return f"none (silent, {self.rate:g} wpm estimate)"

    def record(self) -> dict:
        return {"engine": "none", "model": None, "settings": {"rate": self.rate}}

    def clip(self, beat: Beat, text: str, cache_dir: Path, refresh: bool = False) -> VoiceClip:
        return VoiceClip(beat.id, text, None, estimate_seconds(text, self.rate))
