"""What every simulated screen shares: fonts, the scene protocol the encoder
reads, and burned-in captions.

A *scene* is one segment's picture over time, described as the frames where
the picture changes (``keyframes``, known before drawing so the encoder can be
told in advance) and then drawn in that order (``render``), incrementally:
each step draws only what changed since the previous keyframe.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Iterator, Optional, Protocol, Sequence

from PIL import Image, ImageDraw, ImageFont

from cuecast.deck.theme import FONT_DIRS, hex_rgb  # noqa: F401  (hex_rgb re-exported: the video's drawers use it)
from cuecast.video.hold import hold_of

MONO = "DejaVuSansMono.ttf"
MONO_BOLD = "DejaVuSansMono-Bold.ttf"
SANS = "DejaVuSans.ttf"
SANS_BOLD = "DejaVuSans-Bold.ttf"


@functools.lru_cache(maxsize=None)
def font_file(name: str) -> Optional[str]:
    for folder in FONT_DIRS:  # the deck's faces, so slides and video match
        candidate = folder / name
        if candidate.is_file():
            return str(candidate)
    return None


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A TrueType font by file name and pixel size, falling back to Pillow's
    bundled default face when no DejaVu is installed.  Each thread gets its
    own font objects: segments draw in parallel, and a FreeType face is not
    safe to share between threads."""
    return _font(name, max(6, int(size)), threading.get_ident())


@functools.lru_cache(maxsize=512)
def _font(name: str, size: int, thread: int) -> ImageFont.FreeTypeFont:
    path = font_file(name)
    if path is not None:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def fit_text(text: str, fnt: ImageFont.FreeTypeFont, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` pixels."""
    if fnt.getlength(text) <= width:
        return text
    while text and fnt.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def wrap_text(text: str, fnt: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap to ``width`` pixels; over-long words are cut."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split()
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if fnt.getlength(trial) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            line = fit_text(word, fnt, width)
        lines.append(line)
    return lines


class Scene(Protocol):
    """One segment's picture over time (see the module docstring)."""

    n_frames: int

    def keyframes(self) -> list[int]:
        """Ascending frame indices where the picture changes, starting at 0."""

    def render(self) -> Iterator[tuple[int, Image.Image]]:
        """``(frame index, picture)`` for each keyframe in order.  The picture
        may be the scene's working image, valid only until the next step."""


class StillScene:
    """A picture that does not change: a slide."""

    def __init__(self, image: Image.Image, n_frames: int):
        self.image = image
        self.n_frames = n_frames

    def keyframes(self) -> list[int]:
        return [0]

    def hold(self) -> tuple[int, int]:
        """Held from the first frame (see ``cuecast.video.hold``)."""
        return 0, 1

    def render(self) -> Iterator[tuple[int, Image.Image]]:
        yield 0, self.image


# --- burned-in captions ------------------------------------------------------


@dataclass(frozen=True)
class Caption:
    """Caption text shown from frame ``start`` (inclusive) to ``end``
    (exclusive), on a segment's own frame clock."""

    start: int
    end: int
    text: str


def caption_chunks(text: str, start: float, end: float, fnt, width: float, max_lines: int = 2
                   ) -> list[tuple[float, float, list[str]]]:
    """Split one narration into screens of at most ``max_lines`` wrapped
    lines, each on screen for a share of the narration's time proportional to
    its length (the way subtitle editors split long lines)."""
    lines = [line for line in wrap_text(" ".join(text.split()), fnt, width) if line]
    if not lines:
        return []
    screens = [lines[i : i + max_lines] for i in range(0, len(lines), max_lines)]
    weights = [max(1, sum(len(line) for line in screen)) for screen in screens]
    total = float(sum(weights))
    chunks = []
    t = start
    for screen, weight in zip(screens, weights):
        t_end = t + (end - start) * weight / total
        chunks.append((t, t_end, screen))
        t = t_end
    return chunks


def caption_style(size: tuple[int, int]):
    """(font, max text width, line height) for captions at a frame size."""
    width, height = size
    fnt = font(SANS, max(9, round(height * 0.036)))
    line_height = round(fnt.size * 1.3)
    return fnt, width * 0.8, line_height


def draw_caption_overlay(size: tuple[int, int], lines: Sequence[str]) -> tuple[Image.Image, tuple[int, int]]:
    """An RGBA box holding the caption lines and where to paste it: centred
    near the bottom, white on translucent black, as players draw subtitles."""
    width, height = size
    fnt, _, line_height = caption_style(size)
    text_width = max(fnt.getlength(line) for line in lines)
    if text_width > width * 0.92:  # a long sidecar line: shrink to fit the frame
        fnt = font(SANS, max(6, int(fnt.size * width * 0.92 / text_width)))
        line_height = round(fnt.size * 1.3)
        text_width = max(fnt.getlength(line) for line in lines)
    pad = max(3, round(fnt.size * 0.45))
    box_w = int(text_width + 2 * pad)
    box_h = int(line_height * len(lines) + 2 * pad - (line_height - fnt.size) * 0.5)
    overlay = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 190))
    draw = ImageDraw.Draw(overlay)
    for i, line in enumerate(lines):
        x = (box_w - fnt.getlength(line)) / 2
        draw.text((x, pad + i * line_height), line, font=fnt, fill=(255, 255, 255, 255))
    x = (width - box_w) // 2
    y = height - box_h - round(height * 0.05)
    return overlay, (x, y)


class CaptionedScene:
    """A scene with captions burned in: the caption boundaries become extra
    keyframes, and each caption (drawn once) is pasted on a copy of the
    scene's picture, so the scene's own incremental drawing is untouched."""

    def __init__(self, scene: Scene, captions: Sequence[Caption], size: tuple[int, int]):
        self.scene = scene
        self.n_frames = scene.n_frames
        self.size = size
        self.captions = [c for c in captions if c.end > c.start and c.start < scene.n_frames]
        self._overlays: dict[int, tuple[Image.Image, tuple[int, int]]] = {}

    def _caption_at(self, frame: int) -> Optional[int]:
        for i, caption in enumerate(self.captions):
            if caption.start <= frame < caption.end:
                return i
        return None

    def keyframes(self) -> list[int]:
        frames = set(self.scene.keyframes())
        for caption in self.captions:
            frames.add(max(0, caption.start))
            if caption.end < self.n_frames:
                frames.add(caption.end)
        return sorted(f for f in frames if 0 <= f < self.n_frames)

    def hold(self) -> tuple[int, int]:
        """The scene's hold, from the last caption change on."""
        first, period = hold_of(self.scene)
        changes = [edge for c in self.captions for edge in (c.start, c.end) if edge < self.n_frames]
        return max([first] + changes), period

    def _overlay(self, index: int):
        if index not in self._overlays:
            self._overlays[index] = draw_caption_overlay(self.size, self.captions[index].text.split("\n"))
        return self._overlays[index]

    def render(self) -> Iterator[tuple[int, Image.Image]]:
        # Advance the scene only at its own keyframes: it draws into one
        # working image, so pulling its next frame early would change the
        # picture still being shown.
        base_keys = iter(self.scene.keyframes())
        base_frames = self.scene.render()
        next_base = next(base_keys, None)
        picture: Optional[Image.Image] = None
        for frame in self.keyframes():
            if next_base is not None and frame == next_base:
                _, picture = next(base_frames)
                next_base = next(base_keys, None)
            assert picture is not None
            index = self._caption_at(frame)
            if index is None:
                yield frame, picture
                continue
            overlay, position = self._overlay(index)
            composed = picture.copy()
            composed.paste(overlay, position, overlay)
            yield frame, composed
