"""A simulated VS Code screen capture of one editor segment.

The snippet's shown lines are typed into a Dark+ editor at the segment's pace
(``type_seconds``) with a blinking cursor; then the integrated terminal runs
``python snippets/NAME.py`` and the captured output appears line by line from
``output_at``; an error shows its traceback in red.  A terminal cue
(``terminal_content``) leaves the editor empty and types its command at the
terminal's ``$`` prompt instead.  Nothing is re-run here:
the text on screen is the runner's Capture.

Drawing is incremental: the window chrome is drawn once, each keyframe draws
only the characters, lines and cursors that changed since the previous one
(a cursor is erased by pasting back the pixels it covered).  Only scrolling,
which is rare, redraws a whole pane.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

from PIL import Image, ImageDraw

from cuecast.model import Capture, Cue, Lesson
from cuecast.shown import cell_label, hides_output, output_lines, wrap_terminal_line
from cuecast.snippet_source import read_snippet, shown_numbered_lines
from cuecast.video.canvas import MONO, SANS, fit_text, font, hex_rgb

#: VS Code's Dark+ theme, the colours a viewer recognises.
DARK = {
    "window": "#1e1e1e",
    "titlebar": "#3c3c3c",
    "title_text": "#cccccc",
    "activity": "#333333",
    "activity_icon": "#858585",
    "sidebar": "#252526",
    "sidebar_text": "#cccccc",
    "sidebar_header": "#bbbbbb",
    "sidebar_selected": "#37373d",
    "tabbar": "#252526",
    "tab_active": "#1e1e1e",
    "tab_text": "#ffffff",
    "tab_border": "#007acc",
    "gutter_text": "#858585",
    "gutter_active": "#c6c6c6",
    "cursor": "#aeafad",
    "spoken_line": "#2b3f55",  # the line the narrator is talking about (video.spoken_code)
    "panel_border": "#414141",
    "panel_title": "#e7e7e7",
    "panel_title_dim": "#969696",
    "terminal_text": "#cccccc",
    "terminal_error": "#f14c4c",
    "prompt": "#23d18b",
    "statusbar": "#007acc",
    "status_text": "#ffffff",
}

#: Dark+ syntax colours, keyed by Pygments token type; the most specific
#: type that a token is a subtype of wins (order matters).
SYNTAX = (
    ("Comment", "#6a9955"),
    ("Literal.String.Affix", "#569cd6"),
    ("Literal.String.Interpol", "#569cd6"),
    ("Literal.String.Escape", "#d7ba7d"),
    ("Literal.String", "#ce9178"),
    ("Literal.Number", "#b5cea8"),
    ("Keyword.Namespace", "#c586c0"),
    ("Keyword.Constant", "#569cd6"),
    ("Keyword", "#569cd6"),
    ("Operator.Word", "#569cd6"),
    ("Name.Builtin.Pseudo", "#569cd6"),
    ("Name.Builtin", "#dcdcaa"),
    ("Name.Function", "#dcdcaa"),
    ("Name.Decorator", "#dcdcaa"),
    ("Name.Class", "#4ec9b0"),
    ("Name.Namespace", "#4ec9b0"),
    ("Name.Exception", "#4ec9b0"),
    ("Name", "#9cdcfe"),
)
DEFAULT_CODE = "#d4d4d4"
CALL_COLOUR = "#dcdcaa"
#: Seconds between the last keystroke and running the snippet.
TYPING_PAUSE = 0.4
#: How often typed text updates on screen (fast typing shows several
#: characters per update, as a screen recording of it does).
TYPING_UPDATES_PER_SECOND = 15
#: Control-flow keywords that Dark+ shows purple rather than blue.
CONTROL_KEYWORDS = frozenset(
    "if elif else for while return try except finally raise with break continue pass yield await import from".split()
)


def token_colours(lines: Sequence[str]) -> list[list[str]]:
    """One Dark+ colour per character of each line, from Pygments' Python
    lexer; a name directly followed by ``(`` is coloured as a call, as VS Code's
    semantic highlighting does."""
    from pygments.lexers import PythonLexer
    from pygments.token import string_to_tokentype

    lookup = [(string_to_tokentype(name), colour) for name, colour in SYNTAX]
    text = "\n".join(lines)
    colours: list[str] = []
    tokens = list(PythonLexer(stripnl=False, ensurenl=False).get_tokens(text))
    for position, (ttype, value) in enumerate(tokens):
        colour = DEFAULT_CODE
        for base, candidate in lookup:
            if ttype in base:
                colour = candidate
                break
        if ttype in string_to_tokentype("Keyword") and value in CONTROL_KEYWORDS:
            colour = "#c586c0"
        if ttype is string_to_tokentype("Name"):
            following = tokens[position + 1][1] if position + 1 < len(tokens) else ""
            if following.startswith("("):
                colour = CALL_COLOUR
        colours.extend([colour] * len(value))
    result: list[list[str]] = []
    offset = 0
    for line in lines:
        row = colours[offset : offset + len(line)]
        result.append(row + [DEFAULT_CODE] * (len(line) - len(row)))
        offset += len(line) + 1
    return result


#: The activity bar's icons, top down, as VS Code orders them.
ACTIVITY_ICONS = ("files", "search", "source control", "run")


def draw_activity_icon(draw: ImageDraw.ImageDraw, name: str, box: tuple[int, int, int, int],
                       colour: tuple[int, int, int], width: int) -> None:
    """One activity-bar icon as line art in ``box``, shaped as VS Code's
    (two pages, a magnifier, a branch, a play triangle) so a viewer knows the
    window at a glance."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0

    def at(fx: float, fy: float) -> tuple[float, float]:
        return (x0 + fx * w, y0 + fy * h)

    if name == "files":  # a page with a folded corner, another behind it
        draw.line([at(0.30, 0.15), at(0.30, 0.0), at(0.85, 0.0), at(0.85, 0.70), at(0.70, 0.70)],
                  fill=colour, width=width)
        draw.line([at(0.55, 0.25), at(0.15, 0.25), at(0.15, 1.0), at(0.70, 1.0), at(0.70, 0.40),
                   at(0.55, 0.25), at(0.55, 0.40), at(0.70, 0.40)], fill=colour, width=width)
    elif name == "search":  # a lens and its handle
        draw.ellipse((*at(0.30, 0.0), *at(1.0, 0.70)), outline=colour, width=width)
        draw.line([at(0.42, 0.58), at(0.0, 1.0)], fill=colour, width=width + 1)
    elif name == "source control":  # a branch: two commits on a line, one forking off
        r = max(1.5, w * 0.12)
        for fx, fy in ((0.25, 0.12), (0.25, 0.88), (0.78, 0.30)):
            cx, cy = at(fx, fy)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=max(1, width - 1))
        draw.line([at(0.25, 0.12 + 0.12 * w / max(1, h)), at(0.25, 0.88 - 0.12 * w / max(1, h))],
                  fill=colour, width=width)
        draw.line([at(0.78, 0.42), at(0.78, 0.55), at(0.25, 0.72)], fill=colour, width=width)
    elif name == "run":  # a play triangle
        draw.polygon([at(0.22, 0.05), at(0.22, 0.95), at(0.92, 0.50)], outline=colour, width=width)
    else:
        raise ValueError(f"no activity-bar icon named {name!r}; known: {', '.join(ACTIVITY_ICONS)}")


@dataclass(frozen=True)
class TerminalLine:
    text: str
    error: bool = False


@dataclass(frozen=True)
class EditorContent:
    """What an editor segment shows, gathered from the Lesson and Capture."""

    file_name: str  # the tab: casting.py
    snippet: str  # project-relative path, for the terminal command
    numbers: tuple[int, ...]  # file line number of each shown line
    lines: tuple[str, ...]  # the shown code, tabs expanded
    output: tuple[TerminalLine, ...]
    title: str = ""  # window title
    project: str = ""  # the explorer's folder name
    files: tuple[str, ...] = ()  # snippet files listed in the explorer
    cell: str = ""  # the cell shown, when a cue shows one cell of a cell file
    shell: str = ""  # a terminal cue's command: typed at the prompt, no code in the editor

    @property
    def command(self) -> str:
        """What the terminal shows being run: the terminal cue's command, the
        file, or the cell (Run Cell)."""
        if self.shell:
            return self.shell
        return f"# %% {self.cell}  (Run Cell in {self.snippet})" if self.cell else f"python {self.snippet}"


def terminal_lines(capture: Optional[Capture]) -> tuple[TerminalLine, ...]:
    """The terminal's text for a capture: the same lines the slide shows
    (``cuecast.shown.output_lines``), failures in red, tabs expanded."""
    if capture is None:
        return (TerminalLine("(no captured output)", error=True),)
    lines, _ = output_lines(capture)
    return tuple(TerminalLine(text.expandtabs(4), error) for text, error in lines)


def explorer_files(lesson: Lesson) -> tuple[str, ...]:
    """The snippet files the explorer lists."""
    return tuple(c.snippet.rsplit("/", 1)[-1] for c in lesson.snippet_cues() if c.snippet)


def editor_content(lesson: Lesson, cue: Cue, capture: Optional[Capture]) -> EditorContent:
    source = read_snippet(lesson, cue)
    shown = shown_numbered_lines(source, cue.lines)
    assert cue.snippet is not None
    name = cue.snippet.rsplit("/", 1)[-1]
    return EditorContent(
        file_name=name,
        snippet=cue.snippet,
        cell=cell_label(cue),
        numbers=tuple(n for n, _ in shown),
        lines=tuple(t.expandtabs(4).rstrip() for _, t in shown),
        output=() if hides_output(cue, capture) else terminal_lines(capture),
        title=f"{name} — {lesson.plain_title} — Visual Studio Code",
        project=lesson.id,
        files=explorer_files(lesson),
    )


def terminal_content(lesson: Lesson, cue: Cue, capture: Optional[Capture]) -> EditorContent:
    """A terminal cue in the same window: the editor empty, the command typed
    at the terminal's prompt and its output under it."""
    return EditorContent(
        file_name="Terminal",
        snippet="",
        shell=cue.command or "",
        numbers=(),
        lines=(),
        output=() if hides_output(cue, capture) else terminal_lines(capture),
        title=f"Terminal — {lesson.plain_title} — Visual Studio Code",
        project=lesson.id,
        files=explorer_files(lesson),
    )


@dataclass(frozen=True)
class EditorState:
    """Everything about the picture that can change, at one frame."""

    typed: int  # typing units done
    editor_cursor: bool
    command: bool  # the run command is in the terminal
    output_lines: int
    prompt: bool  # the prompt came back after the run
    terminal_cursor: bool
    spoken_row: int = -1  # the code line being talked about, highlighted (-1: none)


@dataclass
class _Unit:
    """One keystroke's worth of typing: a character, a whole indentation
    (editors auto-indent) or a line break."""

    row: int
    col: int
    text: str  # "" for a line break


class EditorScene:
    """A VS Code window typing and running one snippet (see module docstring)."""

    def __init__(self, content: EditorContent, size: tuple[int, int], fps: int, n_frames: int,
                 type_seconds: float, output_at: float, highlights: Sequence[tuple[int, int, int]] = ()):
        """``highlights``: ``(first frame, end frame, row)`` while the narrator
        names what that code line holds (``video.spoken_code``)."""
        self.content = content
        self.highlights = tuple(highlights)
        self.size = size
        self.fps = fps
        self.n_frames = n_frames
        self.units = self._units(content.lines)
        # typing units done once each row is complete (a row is lit only then)
        self.row_typed = {unit.row: index + 1 for index, unit in enumerate(self.units)}
        # What is typed: the code, or a terminal cue's command at the prompt.
        self.typed_units = len(self.units) if not content.shell else len(content.shell)
        # Typing ends a short pause before the output (the planner's
        # output_at = lead-in + typing + pause), so the empty editor shows
        # for a moment first; without room for a pause it starts at once.
        type_frames = max(0, round(type_seconds * fps)) if self.typed_units else 0
        output_frame = min(n_frames - 1, max(0, round(output_at * fps)))
        pause = round(TYPING_PAUSE * fps)
        self.type_start = max(0, min(output_frame - pause - type_frames, n_frames - 1 - type_frames))
        self.type_end = min(n_frames - 1, self.type_start + type_frames)
        self.type_frames = self.type_end - self.type_start
        self.type_step = max(1, round(fps / TYPING_UPDATES_PER_SECOND))
        half = max(1, round(fps / 2))
        self.blink = half
        output_frame = max(self.type_end, output_frame)
        self.command_frame = min(output_frame, self.type_end + half)
        self.output_frame = output_frame
        remaining = max(1, n_frames - output_frame)
        count = len(content.output)
        # Lines scroll in at most 0.12 s apart, all within the first half of
        # the reading time (several a frame for long output), so the last
        # frame always shows the end of the output and the prompt.
        span = min(count * round(0.12 * fps), (remaining - 1) // 2)
        self.line_frames = [output_frame + (i * span) // max(1, count) for i in range(count)]
        self.prompt_frame = output_frame + span
        self._layout()

    # --- timing --------------------------------------------------------------

    @staticmethod
    def _units(lines: Sequence[str]) -> list[_Unit]:
        units: list[_Unit] = []
        for row, line in enumerate(lines):
            if row:
                units.append(_Unit(row - 1, len(lines[row - 1]), ""))
            body = line.lstrip(" ")
            indent = len(line) - len(body)
            if indent:
                units.append(_Unit(row, 0, " " * indent))
            for offset, char in enumerate(body):
                units.append(_Unit(row, indent + offset, char))
        return units

    def state(self, frame: int) -> EditorState:
        units = self.typed_units
        if self.type_frames <= 0:
            typed = units if frame >= self.type_start else 0
        else:
            # Keystrokes land on a 15 Hz grid (several characters per step
            # when typing fast), as a screen recorder would show them; every
            # frame that changes costs the encoder a real frame.
            step = self.type_step
            elapsed = max(0, frame - self.type_start) // step * step
            typed = 0 if frame < self.type_start else min(units, elapsed * units // self.type_frames)
            if frame >= self.type_end:
                typed = units
        typing = self.type_start <= frame < self.type_end
        blinking_on = ((frame - self.type_end) // self.blink) % 2 == 0
        ran = frame >= self.command_frame
        shown = sum(1 for f in self.line_frames if f <= frame)
        prompt = frame >= self.prompt_frame
        cursor = (not ran) and (typing or blinking_on)  # where the typing goes
        shell = bool(self.content.shell)
        # the line being talked about is lit once it is typed
        spoken = next((row for a, b, row in self.highlights
                       if a <= frame < b and typed >= self.row_typed.get(row, len(self.units) + 1)), -1)
        return EditorState(
            typed=typed,
            editor_cursor=cursor and not shell,
            command=ran,
            output_lines=shown,
            prompt=prompt,
            terminal_cursor=(prompt and ((frame - self.prompt_frame) // self.blink) % 2 == 0) or (cursor and shell),
            spoken_row=spoken if not shell else -1,
        )

    def keyframes(self) -> list[int]:
        frames = []
        previous = None
        for frame in range(self.n_frames):
            current = self.state(frame)
            if current != previous:
                frames.append(frame)
                previous = current
        return frames

    def hold(self) -> tuple[int, int]:
        """From the last change of typing, command, output, prompt and spoken
        line on, only the cursors blink: the picture repeats every blink cycle
        (see ``cuecast.video.hold``)."""
        spoken = [edge for first, end, _ in self.highlights for edge in (first, end) if edge < self.n_frames]
        first = min(self.n_frames, max([self.type_start, self.type_end, self.command_frame, self.prompt_frame]
                                       + self.line_frames + spoken))
        period = 2 * self.blink
        # Checked against the states, so a change this method was not told of (a new kind of
        # state) costs speed, never a wrong frame: then the picture is held only after the last.
        if any(self.state(frame) != self.state(frame - period) for frame in range(first + period, self.n_frames)):
            return self.keyframes()[-1], 1
        return first, period

    # --- layout --------------------------------------------------------------

    def _layout(self) -> None:
        width, height = self.size
        s = height / 1080
        self.scale = s
        self.title_h = max(8, round(30 * s))
        self.activity_w = max(8, round(48 * s))
        self.sidebar_w = round(min(240 * s, width * 0.15))
        self.tab_h = max(8, round(35 * s))
        self.status_h = max(6, round(22 * s))
        self.ui_font = font(SANS, max(7, round(13 * s)))
        left = self.activity_w + self.sidebar_w
        top = self.title_h + self.tab_h
        bottom = height - self.status_h
        # The panels share the height at 62/38 unless the code needs more
        # rows than that gives it and the terminal can spare them: a file
        # that fits the window then shows from its first line.
        default_split = top + round((bottom - top) * 0.62)
        self.panel_header_h = max(8, round(34 * s))

        lines = self.content.lines or ("",)
        longest = max(len(line) for line in lines) + 2
        pad = max(2, round(8 * s))
        digits = max(3, len(str(max(self.content.numbers or (1,)))) + 1)
        base = 24 * s
        fit_rows = (default_split - top - 2 * pad) / (1.4 * len(lines))
        fit_cols = (width - left - pad * 3) / (0.6021 * (longest + digits + 2))
        size = max(max(6, round(13 * s)), min(base, fit_rows, fit_cols))
        self.code_font = font(MONO, round(size))
        self.char_w = self.code_font.getlength("M")
        self.line_h = max(self.code_font.size + 1, round(self.code_font.size * 1.4))

        term_size = max(6, min(round(self.code_font.size), round(20 * s)))
        self.term_font = font(MONO, term_size)
        self.term_char_w = self.term_font.getlength("M")
        self.term_line_h = max(self.term_font.size + 1, round(self.term_font.size * 1.35))
        self.term_x = left + round(20 * s)
        self.term_cols = max(8, int((width - self.term_x - pad) // self.term_char_w))
        term_margin = max(2, round(6 * s))

        self.panel_top = self._split(default_split, top, bottom, pad, term_margin)
        editor_h = self.panel_top - top - 2 * pad
        self.gutter_x = left + pad
        self.gutter_w = round(self.char_w * (digits + 2))
        self.code_x = self.gutter_x + self.gutter_w
        self.code_top = top + pad
        self.code_right = width - pad
        self.code_rows = max(1, editor_h // self.line_h)
        self.code_scroll = 0

        self.term_top = self.panel_top + self.panel_header_h
        self.term_bottom = bottom - term_margin
        self.term_rows = max(1, (self.term_bottom - self.term_top) // self.term_line_h)
        self.term_scroll = 0

    def _terminal_rows_needed(self) -> int:
        """The terminal's rows at the end: the command, the wrapped output and
        the prompt that comes back."""
        output = sum(len(wrap_terminal_line(line.text or "", self.term_cols)) for line in self.content.output)
        return 1 + output + 1

    def _split(self, default: int, top: int, bottom: int, pad: int, term_margin: int) -> int:
        """Where the terminal panel starts: the default split, moved down
        when the code needs more rows than the default gives it, as far as the
        terminal keeps the rows it needs (at most its default share, at least
        three rows)."""
        code_needed = top + 2 * pad + max(1, len(self.content.lines)) * self.line_h
        if code_needed <= default:
            return default
        term_chrome = self.panel_header_h + term_margin
        term_needed = term_chrome + self._terminal_rows_needed() * self.term_line_h
        term_least = term_chrome + 3 * self.term_line_h
        term_kept = max(term_least, min(term_needed, bottom - default))
        return max(default, min(code_needed, bottom - term_kept))

    # --- drawing -------------------------------------------------------------

    def _chrome(self, image: Image.Image) -> None:
        """Everything that never changes: title bar, activity bar, explorer,
        tab, panel header and status bar."""
        width, height = self.size
        draw = ImageDraw.Draw(image)
        c = {k: hex_rgb(v) for k, v in DARK.items()}
        s = self.scale
        draw.rectangle((0, 0, width, self.title_h - 1), fill=c["titlebar"])
        r = max(2, round(6 * s))
        for i, dot in enumerate(("#ff5f57", "#febc2e", "#28c840")):
            cx = round(20 * s) + i * round(20 * s)
            cy = self.title_h // 2
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=hex_rgb(dot))
        title = fit_text(self.content.title, self.ui_font, width * 0.6)
        draw.text((width / 2, self.title_h / 2), title, font=self.ui_font, fill=c["title_text"], anchor="mm")

        bottom = height - self.status_h
        draw.rectangle((0, self.title_h, self.activity_w - 1, bottom), fill=c["activity"])
        for i, (name, box) in enumerate(self.icon_boxes()):
            colour = c["tab_text"] if i == 0 else c["activity_icon"]
            draw_activity_icon(draw, name, box, colour, max(1, round(2 * s)))

        sx = self.activity_w
        if self.sidebar_w > 4:
            draw.rectangle((sx, self.title_h, sx + self.sidebar_w - 1, bottom), fill=c["sidebar"])
            text_x = sx + round(16 * s)
            row_h = round(22 * s) or 1
            y = self.title_h + round(10 * s)
            draw.text((text_x, y), "EXPLORER", font=self.ui_font, fill=c["sidebar_header"])
            y += row_h + round(6 * s)
            draw.text((text_x, y), fit_text("⌄ " + self.content.project.upper(), self.ui_font, self.sidebar_w - 20 * s),
                      font=self.ui_font, fill=c["sidebar_text"])
            y += row_h
            draw.text((text_x + round(10 * s), y), "⌄ snippets", font=self.ui_font, fill=c["sidebar_text"])
            y += row_h
            for name in self.content.files:
                if y + row_h > bottom:
                    break
                if name == self.content.file_name:
                    draw.rectangle((sx, y - round(2 * s), sx + self.sidebar_w - 1, y + row_h - round(3 * s)),
                                   fill=c["sidebar_selected"])
                label = fit_text(name, self.ui_font, self.sidebar_w - 40 * s)
                draw.text((text_x + round(24 * s), y), label, font=self.ui_font, fill=c["sidebar_text"])
                y += row_h

        left = self.activity_w + self.sidebar_w
        draw.rectangle((left, self.title_h, width, self.title_h + self.tab_h - 1), fill=c["tabbar"])
        tab_label = fit_text(self.content.file_name, self.ui_font, width * 0.3)
        tab_w = round(self.ui_font.getlength(tab_label) + 60 * s)
        draw.rectangle((left, self.title_h, left + tab_w, self.title_h + self.tab_h - 1), fill=c["tab_active"])
        draw.rectangle((left, self.title_h, left + tab_w, self.title_h + max(0, round(2 * s) - 1)), fill=c["tab_border"])
        draw.text((left + round(14 * s), self.title_h + self.tab_h / 2), tab_label, font=self.ui_font,
                  fill=c["tab_text"], anchor="lm")
        draw.text((left + tab_w - round(14 * s), self.title_h + self.tab_h / 2), "×", font=self.ui_font,
                  fill=c["title_text"], anchor="rm")

        draw.line((left, self.panel_top, width, self.panel_top), fill=c["panel_border"], width=max(1, round(s)))
        header_y = self.panel_top + self.panel_header_h / 2
        x = left + round(20 * s)
        for i, label in enumerate(("PROBLEMS", "OUTPUT", "TERMINAL")):
            colour = c["panel_title"] if label == "TERMINAL" else c["panel_title_dim"]
            draw.text((x, header_y), label, font=self.ui_font, fill=colour, anchor="lm")
            w = self.ui_font.getlength(label)
            if label == "TERMINAL":
                y = self.panel_top + self.panel_header_h - max(1, round(4 * s))
                draw.line((x, y, x + w, y), fill=c["panel_title"], width=max(1, round(s)))
            x += w + round(28 * s)

        draw.rectangle((0, bottom, width, height), fill=c["statusbar"])
        draw.text((round(10 * s), bottom + self.status_h / 2), "⎇ main", font=self.ui_font,
                  fill=c["status_text"], anchor="lm")
        draw.text((width - round(12 * s), bottom + self.status_h / 2), "UTF-8   LF   Python", font=self.ui_font,
                  fill=c["status_text"], anchor="rm")

    def icon_boxes(self) -> list[tuple[str, tuple[int, int, int, int]]]:
        """The activity bar's icons and the square each is drawn in, top down."""
        s = self.scale
        icon = max(3, round(22 * s))
        x = (self.activity_w - icon) // 2
        boxes = []
        for i, name in enumerate(ACTIVITY_ICONS):
            y = self.title_h + round(14 * s) + i * round(48 * s)
            boxes.append((name, (x, y, x + icon, y + icon)))
        return boxes

    def _row_y(self, row: int) -> int:
        return self.code_top + (row - self.code_scroll) * self.line_h

    def _draw_gutter(self, draw: ImageDraw.ImageDraw, row: int, active: bool) -> None:
        if not (self.code_scroll <= row < self.code_scroll + self.code_rows):
            return
        y = self._row_y(row)
        draw.rectangle((self.gutter_x, y, self.code_x - 1, y + self.line_h - 1), fill=hex_rgb(DARK["window"]))
        number = str(self.content.numbers[row]) if row < len(self.content.numbers) else str(row + 1)
        colour = DARK["gutter_active"] if active else DARK["gutter_text"]
        draw.text((self.code_x - self.char_w * 2, y), number, font=self.code_font, fill=hex_rgb(colour), anchor="ra")

    def _draw_units(self, draw: ImageDraw.ImageDraw, first: int, last: int) -> None:
        """Draw typing units ``first``..``last-1``, one text call per run of
        same-coloured characters on a row."""
        run_row, run_col, run_text, run_colour = -1, 0, "", ""

        def flush():
            if run_text and self.code_scroll <= run_row < self.code_scroll + self.code_rows:
                x = self.code_x + run_col * self.char_w
                if x < self.code_right:
                    draw.text((x, self._row_y(run_row)), run_text, font=self.code_font, fill=hex_rgb(run_colour))

        for unit in self.units[first:last]:
            if not unit.text.strip():
                continue
            colour = self.colours[unit.row][unit.col]
            if unit.row == run_row and colour == run_colour and unit.col == run_col + len(run_text):
                run_text += unit.text
            else:
                flush()
                run_row, run_col, run_text, run_colour = unit.row, unit.col, unit.text, colour
        flush()

    def _cursor_position(self, typed: int) -> tuple[int, int]:
        if not self.units:  # nothing typed in the editor (a terminal cue types at the prompt)
            return (0, 0)
        if typed == 0:
            return (0, 0) if not self.units else (self.units[0].row, 0)
        unit = self.units[typed - 1]
        if unit.text == "":
            return unit.row + 1, 0
        return unit.row, unit.col + len(unit.text)

    def _redraw_code(self, image: Image.Image, draw: ImageDraw.ImageDraw, typed: int, cursor_row: int) -> None:
        width = self.size[0]
        draw.rectangle((self.gutter_x, self.code_top, width - 1, self.panel_top - 1 - max(1, round(self.scale))),
                       fill=hex_rgb(DARK["window"]))
        rows_started = cursor_row + 1
        for row in range(self.code_scroll, min(rows_started, self.code_scroll + self.code_rows)):
            self._draw_gutter(draw, row, row == cursor_row)
        self._draw_units(draw, 0, typed)

    def _draw_spoken_row(self, draw: ImageDraw.ImageDraw, row: int, typed: int, lit: bool) -> None:
        """One code line again, on the highlight or on the window's colour."""
        if not (0 <= row and self.code_scroll <= row < self.code_scroll + self.code_rows):
            return
        y = self._row_y(row)
        colour = DARK["spoken_line"] if lit else DARK["window"]
        draw.rectangle((self.code_x, y, self.code_right - 1, y + self.line_h - 1), fill=hex_rgb(colour))
        on_row = [i for i, unit in enumerate(self.units[:typed]) if unit.row == row]
        if on_row:
            self._draw_units(draw, on_row[0], on_row[-1] + 1)

    def _term_rows_text(self, state: EditorState) -> list[TerminalLine]:
        """The terminal's rows (wrapped to its width) for a state."""
        if self.content.shell:  # typed at the prompt, then run
            typed = self.content.shell if state.command else self.content.shell[: state.typed]
        else:
            typed = self.content.command if state.command else ""
        rows: list[TerminalLine] = [TerminalLine("$ " + typed)]
        for line in self.content.output[: state.output_lines]:
            rows.extend(TerminalLine(row, line.error) for row in wrap_terminal_line(line.text or "", self.term_cols))
        if state.prompt:
            rows.append(TerminalLine("$ "))
        return rows

    def _draw_term_row(self, draw: ImageDraw.ImageDraw, index: int, line: TerminalLine) -> None:
        y = self.term_top + (index - self.term_scroll) * self.term_line_h
        if line.text.startswith("$ ") and not line.error:
            draw.text((self.term_x, y), "$", font=self.term_font, fill=hex_rgb(DARK["prompt"]))
            draw.text((self.term_x + 2 * self.term_char_w, y), line.text[2:], font=self.term_font,
                      fill=hex_rgb(DARK["terminal_text"]))
            return
        colour = DARK["terminal_error"] if line.error else DARK["terminal_text"]
        draw.text((self.term_x, y), line.text, font=self.term_font, fill=hex_rgb(colour))

    def _cursor_box(self, kind: str, state: EditorState, rows: Sequence[TerminalLine]) -> tuple[int, int, int, int]:
        if kind == "editor":
            row, col = self._cursor_position(state.typed)
            x = round(self.code_x + col * self.char_w)
            y = self._row_y(row)
            w = max(1, round(2 * self.scale))
            return (x - w // 2, y, x - w // 2 + w, y + self.line_h)
        index = len(rows) - 1
        x = round(self.term_x + len(rows[-1].text) * self.term_char_w)
        y = self.term_top + (index - self.term_scroll) * self.term_line_h
        return (x, y, x + round(self.term_char_w), y + self.term_line_h)

    def render(self) -> Iterator[tuple[int, Image.Image]]:
        self.colours = token_colours(self.content.lines)
        image = Image.new("RGB", self.size, hex_rgb(DARK["window"]))
        self._chrome(image)
        draw = ImageDraw.Draw(image)
        keyframes = self.keyframes()
        previous: Optional[EditorState] = None
        prev_rows: list[TerminalLine] = []
        cursor_row = -1
        saved: list[tuple[Image.Image, tuple[int, int]]] = []  # pixels under cursors
        for frame in keyframes:
            state = self.state(frame)
            for patch, where in reversed(saved):
                image.paste(patch, where)
            saved = []
            typed_before = previous.typed if previous else 0
            row, _ = self._cursor_position(state.typed)
            redrawn = row >= self.code_scroll + self.code_rows or previous is None
            if redrawn:
                if row >= self.code_scroll + self.code_rows:
                    self.code_scroll = row - self.code_rows + 1
                self._redraw_code(image, draw, state.typed, row)
            else:
                self._draw_units(draw, typed_before, state.typed)
                for new_row in range(cursor_row + 1, row + 1):
                    self._draw_gutter(draw, new_row, False)
                if row != cursor_row:
                    if cursor_row >= 0:
                        self._draw_gutter(draw, cursor_row, False)
                    self._draw_gutter(draw, row, True)
            cursor_row = row
            lit_before = -1 if redrawn else previous.spoken_row
            if state.spoken_row != lit_before:
                self._draw_spoken_row(draw, lit_before, state.typed, lit=False)
                self._draw_spoken_row(draw, state.spoken_row, state.typed, lit=True)

            rows = self._term_rows_text(state)
            if rows != prev_rows:
                scroll = max(0, len(rows) - self.term_rows)
                if scroll != self.term_scroll or previous is None or len(rows) < len(prev_rows):
                    self.term_scroll = scroll
                    draw.rectangle((self.activity_w + self.sidebar_w, self.term_top, self.size[0] - 1,
                                    self.term_bottom), fill=hex_rgb(DARK["window"]))
                    changed = range(scroll, len(rows))
                else:
                    changed = [i for i in range(len(rows)) if i >= len(prev_rows) or rows[i] != prev_rows[i]]
                for index in changed:
                    if index < len(prev_rows) and rows[index] != prev_rows[index] and index >= scroll:
                        y = self.term_top + (index - scroll) * self.term_line_h
                        draw.rectangle((self.term_x, y, self.size[0] - 1, y + self.term_line_h - 1),
                                       fill=hex_rgb(DARK["window"]))
                    self._draw_term_row(draw, index, rows[index])
                prev_rows = rows

            for kind, visible in (("editor", state.editor_cursor), ("terminal", state.terminal_cursor)):
                if not visible:
                    continue
                box = self._cursor_box(kind, state, rows)
                box = (max(0, box[0]), max(0, box[1]), min(self.size[0], box[2]), min(self.size[1], box[3]))
                if box[2] <= box[0] or box[3] <= box[1]:
                    continue
                saved.append((image.crop(box), (box[0], box[1])))
                draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=hex_rgb(DARK["cursor"]))
            previous = state
            yield frame, image
