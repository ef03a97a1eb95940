"""A Piper voice model loaded for cuecast: the same samples for the same
text every time, and the time each word is said.

Piper's VITS graph draws Gaussian noise twice per sentence (the phoneme
widths and the spectrogram prior) with ``RandomNormalLike`` nodes that
onnxruntime seeds at random, so the same sentence came out differently each
run.  Seeding the nodes is not enough either: their generator runs on from
one call to the next, so a clip would depend on the clips spoken before it in
the same process, and an incremental build would differ from one from
scratch.  Each noise node is therefore replaced, in memory, by a slice of a
graph input that we feed with the same seeded noise for every sentence.  The
node that rounds each phoneme's width up to whole frames is exposed as a
second output: its values, times the hop length, are the samples each
phoneme id takes, which is where the word times come from.

onnxruntime runs one thread per session (``intra_op_num_threads=1``): a
result must not depend on how a thread pool split a sum, and the lesson's
clips are spread over processes instead (``piper.synthesise_all``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from cuecast.model import Word
from cuecast.narrate.piper_files import NotAPiperModel, read_config
from cuecast.narrate.word_times import time_words

#: The seed of the noise every sentence is given (any fixed value would do).
NOISE_SEED = 2026
#: Frames of noise fed at first; a longer sentence is spoken again with more
#: (the first frames are the same, so the result does not depend on it).
NOISE_FRAMES = 4096
#: The most frames of noise tried (over an hour of one sentence) before its error is raised.
MAX_NOISE_FRAMES = 1 << 20
#: Peak of a spoken sentence, a little under full scale (Piper scales each
#: sentence to its own peak).
PEAK = 0.9
#: Channels of the noise fed: each node slices the channels it needs (2 for
#: the phoneme widths, the model's inter channels, 192 in Piper's voices, for
#: the prior).
NOISE_CHANNELS = 256


@dataclass(frozen=True)
class PiperSettings:
    """How a Piper voice speaks; every field is part of a clip's cache key.
    ``None`` takes the voice file's own value."""

    length_scale: Optional[float] = None  # > 1 slower, < 1 faster
    speaker: Optional[int] = None  # multi-speaker voices: the speaker's id
    sentence_pause: float = 0.25  # seconds of silence between sentences
    noise_scale: Optional[float] = None
    noise_w: Optional[float] = None

    def resolved(self, config: dict) -> dict:
        """The values the model is run with, as cues.json records them."""
        inference = config.get("inference", {})
        return {
            "length_scale": self.length_scale if self.length_scale is not None else inference.get("length_scale", 1.0),
            "noise_scale": self.noise_scale if self.noise_scale is not None else inference.get("noise_scale", 0.667),
            "noise_w": self.noise_w if self.noise_w is not None else inference.get("noise_w", 0.8),
            "speaker": self.speaker if int(config.get("num_speakers", 1)) > 1 else None,
            "sentence_pause": self.sentence_pause,
            "noise_seed": NOISE_SEED,
        }


def _patched_graph(model_path: Path) -> tuple[bytes, list[str]]:
    """The model with each noise node fed from an input of its own and the
    phoneme widths exposed; ``(serialised model, the noise inputs' names)``."""
    import onnx
    from onnx import TensorProto, helper

    try:
        model = onnx.load(str(model_path))
    except Exception as exc:  # onnx raises DecodeError, ValueError, … for a file that is not a model
        raise NotAPiperModel(f"{model_path} is not an ONNX model ({type(exc).__name__})") from None
    graph = model.graph
    names = {i.name for i in graph.input}
    if not {"input", "input_lengths", "scales"} <= names:
        raise NotAPiperModel(f"{model_path} has inputs {sorted(names)}, not a Piper voice's (input, input_lengths, scales)")
    ceil = [node for node in graph.node if node.op_type == "Ceil"]
    noise = [node for node in graph.node if node.op_type == "RandomNormalLike"]
    if len(ceil) != 1 or not noise:
        raise NotAPiperModel(f"{model_path} is not a Piper VITS voice (no phoneme widths or noise found)")
    inputs = []
    for index, node in enumerate(noise):
        template, output = node.input[0], node.output[0]
        name = f"cuecast_noise_{index}"
        at = list(graph.node).index(node)
        graph.node.remove(node)
        graph.node.insert(at, helper.make_node("Shape", [template], [f"{name}_shape"]))
        graph.node.insert(at + 1, helper.make_node("Mul", [f"{name}_shape", f"{name}_zero"], [f"{name}_starts"]))
        graph.node.insert(at + 2, helper.make_node("Slice", [name, f"{name}_starts", f"{name}_shape"], [output]))
        graph.initializer.append(helper.make_tensor(f"{name}_zero", TensorProto.INT64, [1], [0]))
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["b", "c", "t"]))
        inputs.append(name)
    widths = helper.ValueInfoProto()
    widths.name = ceil[0].output[0]
    graph.output.append(widths)
    return model.SerializeToString(), inputs


_patched: dict[tuple, tuple[bytes, list[str]]] = {}


def patched_graph(model_path: Path) -> tuple[bytes, list[str]]:
    """The voice's graph as cuecast runs it (see ``_patched_graph``), made
    once per process and file (its size and modification time too, so a
    model replaced under the same name is read again), here in the build's
    process: the workers are handed it and never import onnx.
    ``NotAPiperModel`` unless the file is a Piper VITS graph."""
    stat = Path(model_path).stat()
    key = (str(model_path), stat.st_size, stat.st_mtime_ns)
    if key not in _patched:
        _patched[key] = _patched_graph(model_path)
    return _patched[key]


@dataclass(frozen=True)
class Spoken:
    """One clip: mono 16-bit samples and each word of its text, timed."""

    samples: bytes
    sample_rate: int
    words: tuple[Word, ...]


class PiperModel:
    """One Piper voice in this process: loaded once, spoken many times."""

    def __init__(self, graph: tuple[bytes, list[str]], config_path: Path):
        """``graph``: what ``patched_graph`` made of the voice file."""
        import numpy as np
        import onnxruntime

        self.config = read_config(config_path)
        self.sample_rate = int(self.config["audio"]["sample_rate"])
        self.hop = int(self.config.get("hop_length", 256))
        serialised, inputs = graph
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(serialised, sess_options=options,
                                                    providers=["CPUExecutionProvider"])
        self._np = np
        self._noise_inputs = inputs
        self._noise: dict[str, object] = {}
        from piper import PiperVoice
        from piper.config import PiperConfig

        # Piper's own phonemiser (espeak-ng's rules, as the voice was trained with)
        self._piper = PiperVoice(config=PiperConfig.from_dict(self.config), session=None)
        self._probe()

    def _probe(self) -> None:
        """Run the graph once on one phoneme: a file that loads but is not a
        voice fails here, at load, with its reason."""
        try:
            self.session.run(None, self._feeds([1, 0, 2], 1.0, 0.0, 0.0, None, frames=64))
        except Exception as exc:  # noqa: BLE001 - onnxruntime's errors are plain RuntimeErrors
            raise NotAPiperModel(f"the voice did not run on a test phoneme ({str(exc)[:200]})") from None

    def _noise_array(self, name: str, frames: int):
        """Seeded noise ``[1, NOISE_CHANNELS, frames]``, the first frames the same
        whatever ``frames`` is (rows of frames are drawn first)."""
        key = f"{name}:{frames}"
        if key not in self._noise:
            rng = self._np.random.default_rng([NOISE_SEED, self._noise_inputs.index(name)])
            self._noise[key] = self._np.ascontiguousarray(
                rng.standard_normal((frames, NOISE_CHANNELS), dtype=self._np.float32).T[None])
        return self._noise[key]

    def _feeds(self, ids, length_scale, noise_scale, noise_w, speaker, frames) -> dict:
        np = self._np
        feeds = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([noise_scale, length_scale, noise_w], dtype=np.float32),
        }
        if int(self.config.get("num_speakers", 1)) > 1:
            feeds["sid"] = np.array([speaker or 0], dtype=np.int64)
        for name in self._noise_inputs:
            feeds[name] = self._noise_array(name, frames)
        return feeds

    def phonemize(self, text: str) -> list[list[str]]:
        return self._piper.phonemize(text)

    def ids(self, phonemes: list[str]) -> tuple[list[int], list[tuple[int, int]]]:
        """Phoneme ids as Piper builds them (BOS, PAD, each phoneme then PAD,
        EOS) and, per phoneme, the range of ids it gave (phonemes the voice
        lacks give none)."""
        id_map = self.config["phoneme_id_map"]
        ids = list(id_map["^"]) + list(id_map["_"])
        spans = []
        for phoneme in phonemes:
            start = len(ids)
            if phoneme in id_map:
                ids.extend(id_map[phoneme])
                ids.extend(id_map["_"])
            spans.append((start, len(ids)))
        ids.extend(id_map["$"])
        return ids, spans

    def sentence(self, phonemes: list[str], settings: dict):
        """``(float samples, samples per phoneme id, spans)`` of one sentence."""
        np = self._np
        ids, spans = self.ids(phonemes)
        frames = max(NOISE_FRAMES, len(ids))  # the phoneme widths' noise has a frame per id
        while True:
            feeds = self._feeds(ids, settings["length_scale"], settings["noise_scale"], settings["noise_w"],
                                settings["speaker"], frames)
            try:
                audio, widths = self.session.run(None, feeds)[:2]
            except Exception as exc:  # noqa: BLE001 - onnxruntime's errors are plain RuntimeErrors
                # noise shorter than the sentence's frames fails to broadcast against them
                if "broadcast" not in str(exc) or frames >= MAX_NOISE_FRAMES:
                    raise
                frames *= 2
                continue
            id_samples = (np.asarray(widths).reshape(-1) * self.hop).astype(np.int64)
            if int(id_samples.sum()) <= frames * self.hop:
                break
            frames *= 2  # the sentence needed more noise than it was given: the same again, longer
        return np.asarray(audio, dtype=np.float32).reshape(-1), id_samples, spans

    def speak(self, text: str, settings: dict) -> Spoken:
        """``text`` spoken sentence by sentence with ``sentence_pause``
        between, each word of ``text.split()`` timed."""
        np = self._np
        pieces = []
        sounds: list[tuple[str, float, float]] = []  # each phoneme said, with its time in seconds
        at = 0  # samples so far
        pause = np.zeros(int(round(settings["sentence_pause"] * self.sample_rate)), dtype=np.float32)
        for number, phonemes in enumerate(p for p in self.phonemize(text) if p):
            if number and len(pause):
                pieces.append(pause)
                at += len(pause)
            audio, id_samples, spans = self.sentence(phonemes, settings)
            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            pieces.append(audio * (PEAK / peak) if peak > 1e-8 else np.zeros_like(audio))
            edges = np.concatenate([[0], np.cumsum(id_samples)])
            sounds.extend((phoneme, (at + edges[a]) / self.sample_rate, (at + edges[b]) / self.sample_rate)
                          for phoneme, (a, b) in zip(phonemes, spans) if b > a)
            at += len(audio)
        samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        pcm = np.clip(np.round(samples * 32767.0), -32767, 32767).astype("<i2").tobytes()
        tokens = text.split()
        written = [[p for sentence in self.phonemize(token) for p in sentence] for token in tokens]
        words = time_words(tokens, written, sounds, len(samples) / self.sample_rate)
        return Spoken(pcm, self.sample_rate, words)
