"""The ``espeak`` voice: offline speech from the espeak-ng library that the
PyPI package ``espeakng-loader`` ships, called through ctypes.

No system package is needed and a sentence takes milliseconds.  The library
keeps global state, so it is initialised once per process (synchronous
retrieval mode: ``espeak_Synth`` returns after our callback has collected every
sample) and each clip is spoken in a child forked from that pristine state,
so the same words always give the same samples (see ``_Engine.synthesise``).
"""

from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path
from typing import Optional

from cuecast.errors import ConfigError
from cuecast.model import Beat, VoiceClip, Word
from cuecast.narrate.base import DEFAULT_WPM, Voice, write_wav
from cuecast.narrate.cache import cached_clip, clip_key, read_words

# espeak_AUDIO_OUTPUT, espeak_PARAMETER, espeak_POSITION_TYPE and flag values
# from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_PARAM_RATE = 1
_PARAM_PITCH = 3
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK = 0

DEFAULT_VOICE_NAME = "en-us"
DEFAULT_PITCH = 50

_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1


class _Event(ctypes.Structure):
    """espeak_EVENT (speak_lib.h): what was reached, where in the text
    (characters from 1) and when (ms from the start of the speech)."""

    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class EspeakUnavailable(Exception):
    """espeak-ng could not be loaded or initialised here (the reason as text)."""


class _Engine:
    """The process-wide espeak-ng instance."""

    def __init__(self):
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - it is a dependency
            raise EspeakUnavailable(f"espeakng-loader is not installed ({exc})") from None
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as exc:
            raise EspeakUnavailable(str(exc)) from None
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), 0)
        if rate <= 0:
            raise EspeakUnavailable(f"espeak_Initialize failed with data at {data_path}")
        self.lib = lib
        self.sample_rate = rate
        self.version = (lib.espeak_Info(None) or b"?").decode("ascii", "replace")
        self._chunks: list[bytes] = []
        self._words: list[tuple[int, int]] = []  # (character position from 1, ms) of each word event
        # Kept on self: ctypes must not collect the callback while C holds it.
        self._callback = _CALLBACK(self._collect)
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, samples, count, events) -> int:
        if samples and count > 0:
            self._chunks.append(ctypes.string_at(samples, count * 2))
        index = 0
        while events and events[index].type != _EVENT_LIST_TERMINATED:
            if events[index].type == _EVENT_WORD:
                self._words.append((events[index].text_position, events[index].audio_position))
            index += 1
        return 0  # 0 = keep going

    def synthesise(self, text: str, voice_name: str, rate: int, pitch: int) -> tuple[bytes, list]:
        """Mono 16-bit little-endian samples of ``text`` spoken as configured,
        the same samples every time, and espeak's word events
        (``[character position from 1, ms]``).

        espeak-ng keeps state in static variables that no call resets (its
        voice "flutter" runs on from one utterance to the next), so the same
        sentence came out a few samples longer or shorter depending on what
        was said before, and an incremental build differed from one from
        scratch.  Each clip is therefore synthesised in a process forked from
        this one, which has loaded the library but never spoken: every clip
        starts from the same state."""
        if not hasattr(os, "fork"):
            return self._synthesise_here(text, voice_name, rate, pitch)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: speak, hand the samples (or the error) back, and never return
            status = 1
            try:
                os.close(read_end)
                try:
                    samples, words = self._synthesise_here(text, voice_name, rate, pitch)
                    payload = b"ok" + len(samples).to_bytes(8, "big") + samples + json.dumps(words).encode()
                except ConfigError as exc:
                    payload = b"er" + json.dumps([exc.message, exc.hint]).encode()
                view = memoryview(len(payload).to_bytes(8, "big") + payload)
                while view:
                    view = view[os.write(write_end, view):]
                status = 0
            finally:
                os._exit(status)  # whatever happened, the child never runs the caller's code
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, code = os.waitpid(pid, 0)
        size = int.from_bytes(data[:8], "big") if len(data) >= 8 else -1
        payload = data[8:]
        if code != 0 or size != len(payload):  # killed, or cut short: never cache a partial clip
            raise ConfigError(f"espeak-ng died while speaking {text[:40]!r} (status {code})",
                              hint="run the build again; if it persists, try --voice none")
        if payload[:2] == b"ok":
            length = int.from_bytes(payload[2:10], "big")
            return payload[10:10 + length], json.loads(payload[10 + length:])
        message, hint = json.loads(payload[2:])
        raise ConfigError(message, hint=hint)

    def _synthesise_here(self, text: str, voice_name: str, rate: int, pitch: int) -> tuple[bytes, list]:
        if self.lib.espeak_SetVoiceByName(voice_name.encode("utf-8")) != _EE_OK:
            raise ConfigError(
                f"espeak-ng has no voice named {voice_name!r}",
                hint="try en-us, en (British), en-029, de, fr, es; the names are the files under espeak-ng-data/lang",
            )
        self.lib.espeak_SetParameter(_PARAM_RATE, int(rate), 0)
        self.lib.espeak_SetParameter(_PARAM_PITCH, int(pitch), 0)
        data = text.encode("utf-8") + b"\0"
        self._chunks, self._words = [], []
        status = self.lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        if status != _EE_OK:
            raise ConfigError(f"espeak-ng failed to synthesise {text[:40]!r} (error {status})")
        samples, self._chunks = b"".join(self._chunks), []
        words, self._words = [list(w) for w in self._words], []
        return samples, words


_engine: Optional[_Engine] = None
_engine_error: Optional[str] = None


def engine() -> _Engine:
    """The shared engine, loaded on first use; ``EspeakUnavailable`` if it
    cannot load (remembered, so a failing load is tried once per process)."""
    global _engine, _engine_error
    if _engine is None:
        if _engine_error is not None:
            raise EspeakUnavailable(_engine_error)
        try:
            _engine = _Engine()
        except EspeakUnavailable as exc:
            _engine_error = str(exc)
            raise
    return _engine


class EspeakVoice(Voice):
    kind = "espeak"

    def __init__(self, rate: Optional[float] = None, pitch: Optional[int] = None, name: Optional[str] = None):
        self.rate = int(rate or DEFAULT_WPM)
        self.pitch = DEFAULT_PITCH if pitch is None else int(pitch)
        self.name = name or DEFAULT_VOICE_NAME
        if not 80 <= self.rate <= 450:
            raise ConfigError(f"--rate {self.rate} is out of range (espeak-ng speaks 80 to 450 words per minute)")
        if not 0 <= self.pitch <= 100:
            raise ConfigError(f"--pitch {self.pitch} is out of range (0 to 100, default {DEFAULT_PITCH})")
        self.engine = engine()  # raises EspeakUnavailable for get_voice to handle

    def describe(self) -> str:
        return f"espeak-ng {self.engine.version} ({self.name}, {self.rate} wpm, pitch {self.pitch})"

    def record(self) -> dict:
        return {"engine": "espeak-ng", "model": self.name,
                "settings": {"rate": self.rate, "pitch": self.pitch, "version": self.engine.version}}

    def key(self, text: str) -> str:
        return clip_key(
            text=text, voice="espeak", name=self.name, rate=self.rate, pitch=self.pitch,
            engine="espeak-ng", engine_version=self.engine.version, sample_rate=self.engine.sample_rate,
        )

    def clip(self, beat: Beat, text: str, cache_dir: Path, refresh: bool = False) -> VoiceClip:
        def make(tmp: Path):
            samples, events = self.engine.synthesise(text, self.name, self.rate, self.pitch)
            write_wav(tmp, samples, self.engine.sample_rate)
            return word_times(text, events, len(samples) / 2 / self.engine.sample_rate)

        path, duration, _ = cached_clip(cache_dir, self.key(text), make, refresh, timed=True)
        return VoiceClip(beat.id, text, str(path), duration, words=read_words(path))


def word_times(text: str, events: list, duration: float) -> tuple[Word, ...]:
    """Each token of ``text.split()`` timed from espeak's word events: a
    token starts at its first event and ends where the next token starts
    (the clip's end for the last); one espeak said nothing for (a dash) takes
    the instant the one before it ended."""
    starts: list[Optional[float]] = []
    position = 0  # characters into text
    tokens = text.split()
    for token in tokens:
        begin = text.index(token, position)
        position = begin + len(token)
        inside = [ms for at, ms in events if begin < at <= position]
        starts.append(min(inside) / 1000 if inside else None)
    words, said_to = [], 0.0  # said_to: where the last word said ended
    for index, token in enumerate(tokens):
        if starts[index] is None:
            words.append(Word(token, round(said_to, 3), round(said_to, 3)))
            continue
        start = min(max(starts[index], words[-1].start if words else 0.0), duration)
        following = next((s for s in starts[index + 1:] if s is not None), duration)
        said_to = max(start, min(following, duration))
        words.append(Word(token, round(start, 3), round(said_to, 3)))
    return tuple(words)
