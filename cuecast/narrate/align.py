"""When each word of a recorded take is said, by aligning it offline with the
same text spoken by a voice whose word times are known.

A recording has no phoneme events, and no speech recogniser ships with
cuecast.  But the text is known, and Piper says it with each word timed
(``word_times``): the two utterances say the same words in the same order,
only at another pace, with other pauses and another voice.  Dynamic time
warping over frame features (MFCCs of a log-mel spectrum, every 10 ms, each
coefficient normalised over its utterance so the voice and the microphone
weigh less than what is said) finds the monotone map from the take's frames
to the reference's, and each reference word's start and end are carried
through it.  Numpy only; a long take is aligned on a coarser hop so the
warping table stays small.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from cuecast.model import Word

#: Seconds between feature frames (the resolution of the word times).
HOP = 0.010
#: Seconds each frame's spectrum is taken over.
WINDOW = 0.025
#: Mel bands, and the cepstral coefficients kept (c0, the loudness, is dropped).
MEL_BANDS = 40
CEPSTRA = 13
#: The band the features cover; a telephone-grade microphone still has it.
LOW_HZ, HIGH_HZ = 60.0, 7600.0
#: Cells of the warping table at most (one byte each): a longer pair of
#: utterances is aligned on a proportionally coarser hop.
MAX_CELLS = 40_000_000
#: Reference frames one take frame may advance at most: the take may be said
#: up to this many times faster than the reference (slower has no bound).
MAX_STEP = 3
#: Seconds of quiet put before and after the reference, so a take's leading
#: and trailing silence has silence to match and the first word starts where
#: the take's speech does.
LEAD = 0.4
#: A faint, seeded noise floor added to both, so digital silence has features
#: like a microphone's quiet room (and the result is the same every run).
DITHER = 3e-4


def features(samples: np.ndarray, rate: int, hop: float = HOP) -> np.ndarray:
    """MFCCs (frames × ``CEPSTRA - 1``) of mono float ``samples``, each
    coefficient normalised to zero mean and unit variance over the utterance."""
    samples = np.asarray(samples, dtype=np.float64)
    step, width = max(1, int(round(hop * rate))), int(round(WINDOW * rate))
    size = 1 << (width - 1).bit_length()
    padded = np.concatenate([samples, np.zeros(max(0, width - len(samples) % step + width))])
    count = max(1, (len(samples) + step - 1) // step)
    starts = np.arange(count) * step
    frames = padded[starts[:, None] + np.arange(width)[None, :]]
    frames = np.concatenate([frames[:, :1], frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)  # pre-emphasis
    power = np.abs(np.fft.rfft(frames * np.hamming(width), n=size)) ** 2
    mel = np.log(power @ _mel_bank(rate, size).T + 1e-8)
    cepstra = mel @ _dct(MEL_BANDS, CEPSTRA).T
    cepstra = cepstra[:, 1:]
    return (cepstra - cepstra.mean(axis=0)) / (cepstra.std(axis=0) + 1e-8)


def _mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _mel_bank(rate: int, size: int) -> np.ndarray:
    """Triangular filters, equally spaced in mel, over ``LOW_HZ``–``HIGH_HZ``
    (capped at the Nyquist rate), so takes at any sample rate compare."""
    high = min(HIGH_HZ, rate / 2)
    edges = 700.0 * (10 ** (np.linspace(_mel(LOW_HZ), _mel(high), MEL_BANDS + 2) / 2595.0) - 1.0)
    bins = np.fft.rfftfreq(size, 1.0 / rate)
    bank = np.zeros((MEL_BANDS, len(bins)))
    for band in range(MEL_BANDS):
        low, mid, top = edges[band:band + 3]
        rising, falling = (bins - low) / (mid - low), (top - bins) / (top - mid)
        bank[band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


def _dct(bands: int, count: int) -> np.ndarray:
    n = np.arange(bands)
    return np.cos(np.pi / bands * (n[None, :] + 0.5) * np.arange(count)[:, None])


def warp(take: np.ndarray, reference: np.ndarray, slack: int = 0) -> np.ndarray:
    """For each take frame, the reference frame it is said with: it starts
    in the reference's first ``slack`` frames (its lead of quiet) and ends in
    its last, never goes back and advances at most ``MAX_STEP`` a frame.

    Every take frame is matched to exactly one reference frame, so every
    path has the same length and none is favoured for being short; a pause
    in the take stays on one reference frame.  ``ValueError`` when the take
    is too short to say the reference even at ``MAX_STEP``."""
    rows, cols = len(take), len(reference)
    if cols - 2 * slack > MAX_STEP * (rows - 1) + 1:
        raise ValueError(f"the take is over {MAX_STEP} times faster than the reference")
    squares = (reference ** 2).sum(axis=1)
    back = np.zeros((rows, cols), dtype=np.int8)
    total = np.full(cols, np.inf)
    total[:slack + 1] = 0.0
    for row in range(rows):
        cost = np.sqrt(np.maximum((take[row] ** 2).sum() + squares - 2.0 * reference @ take[row], 0.0))
        if row == 0:
            total = np.where(np.isfinite(total), cost, np.inf)
            continue
        options = np.full((MAX_STEP + 1, cols), np.inf)
        for step in range(MAX_STEP + 1):
            options[step, step:] = total[:cols - step]
        choice = np.argmin(options, axis=0)
        back[row] = choice
        total = cost + options[choice, np.arange(cols)]
    path = np.empty(rows, dtype=np.int64)
    col = int(np.argmin(np.where(np.arange(cols) >= cols - 1 - slack, total, np.inf)))
    for row in range(rows - 1, -1, -1):
        path[row] = col
        col -= int(back[row, col])
    return path


def align(take: np.ndarray, take_rate: int, reference: np.ndarray, reference_rate: int,
          words: Sequence[Word]) -> tuple[Word, ...]:
    """``words`` (timed in ``reference``) timed in ``take``: each word starts
    at the first take frame warped to its start, and ends at the first warped
    past its end.  Times never go back and stay inside the take."""
    take, reference = _quiet(take, take_rate, 0), _quiet(reference, reference_rate, int(LEAD * reference_rate))
    take_seconds, reference_seconds = len(take) / take_rate, len(reference) / reference_rate
    cells = (take_seconds / HOP) * (reference_seconds / HOP)
    hop = HOP * max(1.0, float(np.sqrt(cells / MAX_CELLS)))
    path = warp(features(take, take_rate, hop), features(reference, reference_rate, hop), int(LEAD / hop))

    def at(seconds: float) -> float:
        frame = int(round((seconds + LEAD) / hop))
        reached = int(np.searchsorted(path, frame, side="left"))
        return min(reached * hop, take_seconds)

    timed, last = [], 0.0
    for word in words:
        start = max(at(word.start), last)
        end = max(at(word.end), start)
        timed.append(Word(word.text, round(start, 3), round(end, 3)))
        last = end
    return tuple(timed)


def _quiet(samples: np.ndarray, rate: int, lead: int) -> np.ndarray:
    """``samples`` with ``lead`` samples of quiet before and after, over the
    seeded noise floor."""
    padded = np.concatenate([np.zeros(lead), np.asarray(samples, dtype=np.float64), np.zeros(lead)])
    return padded + DITHER * np.random.default_rng(rate).standard_normal(len(padded))
