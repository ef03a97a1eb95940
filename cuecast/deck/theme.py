"""The deck's look, from ``slides/theme.yaml``: colours, fonts, sizes, logo
and slide size, which a course author edits without touching code.

Fonts are files, not names: the layout measures text with the same TTFs the
raster drawer draws with, and the pptx names their family, so what was
measured is what PowerPoint and LibreOffice show.  The package ships DejaVu
(``cuecast/fonts/``, so an installed cuecast has it too) and metrics are
identical on every machine; a theme may name its own TTFs beside it.

Every value the author can get wrong is reported with its ``file:line``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

import yaml

from cuecast.deck.boxes import EMU_PER_PT, inches
from cuecast.deck.theme_files import DEFAULT_THEME_PATH, PROJECT_SLIDES, lesson_theme_path  # noqa: F401
from cuecast.errors import Diagnostic, ScriptError
from cuecast.images import image_problem
from cuecast.model import Location
from cuecast.schema import Entries, SchemaReader
from cuecast.script_yaml import compose_script, describe, is_null, node_location, read_script_text, yaml11_surprise

#: Where fonts are looked for after the theme's own folder, first match wins:
#: the faces the package ships, then the system's DejaVu.  The deck measures
#: and the video draws with the same files.
PACKAGE_FONTS = Path(__file__).resolve().parents[1] / "fonts"
FONT_DIRS = (
    PACKAGE_FONTS,
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)

DEFAULT_COLORS = {
    "background": "#FFFFFF",
    "title": "#1B1F24",
    "text": "#24292F",
    "muted": "#57606A",
    "accent": "#EE4C2C",
    "inline_code": "#9A3412",
    "bullet": "#EE4C2C",
    "title_card": "#1B1F24",
    "title_card_text": "#FFFFFF",
    "code_background": "#1E1E1E",
    "code_text": "#D4D4D4",
    "gutter": "#6E7681",
    "tab_background": "#2D2D2D",
    "tab_text": "#E6E6E6",
    "terminal_background": "#0C0C0C",
    "terminal_text": "#CCCCCC",
    "error": "#F14C4C",
    "badge_background": "#EAEEF2",
    "badge_text": "#24292F",
    "node_function": "#DDF4FF",
    "node_leaf": "#DAFBE1",
    "node_root": "#FFEBE9",
    "node_line": "#57606A",
    "node_text": "#1B1F24",
    "edge": "#57606A",
    "link": "#0969DA",
    "browser_bar": "#EAEEF2",
    "browser_page": "#FFFFFF",
}

DEFAULT_SIZES = {
    "lesson_title": 48.0,
    "title": 36.0,
    "title_min": 22.0,
    "subtitle": 20.0,
    "subtitle_min": 16.0,
    "body": 26.0,
    "body_min": 14.0,
    "point": 22.0,
    "code": 18.0,
    "code_min": 14.0,
    "output": 16.0,
    "output_min": 12.0,
    "small": 12.0,
    "node": 18.0,
    "node_min": 10.0,
}

DEFAULT_FONTS = {
    "sans": {"family": "DejaVu Sans", "regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"},
    "mono": {"family": "DejaVu Sans Mono", "regular": "DejaVuSansMono.ttf", "bold": "DejaVuSansMono-Bold.ttf"},
}

_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})$")

EMU_PER_INCH = 914_400
#: The slide sizes (inches) every stage can lay out and draw: measured with
#: every kind of slide at every font size; on a smaller slide the layout's
#: fixed margins leave boxes of negative size.  PowerPoint's own limit is 56.
MIN_SLIDE_WIDTH = 4.0
MIN_SLIDE_HEIGHT = 4.5
MAX_SLIDE_SIDE = 56.0
SLIDE_LIMITS = (f"slides must be {MIN_SLIDE_WIDTH:g} to {MAX_SLIDE_SIDE:g} inches wide and "
                f"{MIN_SLIDE_HEIGHT:g} to {MAX_SLIDE_SIDE:g} inches tall")
DEFAULT_WIDTH = inches(13.333)
DEFAULT_HEIGHT = inches(7.5)
#: Font sizes in points.
MIN_FONT_PT = 4.0
MAX_FONT_PT = 200.0
#: ``code`` and ``code_min`` are at most this fraction of the usable width
#: (in points): a code panel keeps room beside six-digit line numbers.
CODE_SIZE_SHARE = 12


def hex_rgb(value: str) -> tuple[int, int, int]:
    """``'#EE4C2C'`` (or ``'EE4C2C'``) → ``(238, 76, 44)``, for Pillow."""
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


@dataclass(frozen=True)
class FontSpec:
    """A font the deck uses: the family name written into the pptx and the
    TTF files measured and drawn with."""

    family: str
    regular: str
    bold: str


@dataclass(frozen=True)
class Theme:
    """Colours (``#RRGGBB``), fonts (keys ``sans`` and ``mono``), sizes (pt),
    an optional logo path, the Pygments style for code, and the slide size in
    EMU (16:9, 13.333 × 7.5 in by default)."""

    colors: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))
    fonts: Mapping[str, FontSpec] = field(default_factory=dict)
    sizes: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SIZES))
    code_style: str = "github-dark"
    logo: Optional[str] = None
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    source: str = "<built-in theme>"
    #: A PowerPoint file whose slide size, master graphics and background the
    #: pptx uses (cuecast still places every box); ``master_layout`` names the
    #: layout each slide is made from (default: its emptiest layout).
    master: Optional[str] = None
    master_layout: Optional[str] = None
    #: Room (EMU: left, top, right, bottom) kept free at the slide's edges,
    #: say for a master's footer bar: every box is laid out inside it.
    margins: tuple[int, int, int, int] = (0, 0, 0, 0)
    #: A hash of the logo's and master's bytes, so that editing either one
    #: changes the theme's value and every stage that depends on it rebuilds.
    assets_digest: str = ""
    #: Whether a code slide's badge shows the snippet's wall-clock run time
    #: beside its device ("cpu · 11 ms").  Off by default: the time differs on
    #: every run, so with it two builds of the same content give different
    #: decks and an edit redraws every code slide; the report and the review
    #: page keep it.
    run_time: bool = False

    def color(self, name: str) -> str:
        return self.colors[name]

    def size(self, name: str) -> float:
        return float(self.sizes[name])

    def font(self, key: str) -> FontSpec:
        return self.fonts[key]

    def font_file(self, key: str, bold: bool = False) -> str:
        spec = self.fonts[key]
        return spec.bold if bold else spec.regular


def _find_font(name: str, base: Path) -> Optional[Path]:
    """``name`` beside the theme, else by its file name in ``FONT_DIRS``
    (so an older theme's ``fonts/DejaVuSans.ttf`` still finds the shipped face)."""
    candidate = Path(name)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    if (base / candidate).is_file():
        return (base / candidate).resolve()
    for folder in FONT_DIRS:
        if (folder / candidate.name).is_file():
            return (folder / candidate.name).resolve()
    return None


def font_problem(path: Path) -> Optional[str]:
    """Why Pillow cannot use ``path`` as a font (the end of a sentence that
    starts with the file's name), or ``None``: the layout measures with it
    and the raster draws with it, so a file that is not a font must stop the
    theme from loading, not a build half way."""
    return _font_problem(str(path), *_stat_key(path))


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _font_problem(path: str, size: int, mtime_ns: int) -> Optional[str]:
    from PIL import ImageFont

    if size == 0:
        return "is empty"
    try:
        font = ImageFont.truetype(path, 12)
        font.getlength("Ag")
    except Exception as exc:  # OSError "unknown file format", and whatever a damaged table provokes
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return f"is not a font Pillow can read ({reason})"
    return None


def _default_fonts(problems: list[Diagnostic], where: Location) -> dict[str, FontSpec]:
    fonts = {}
    for key, spec in DEFAULT_FONTS.items():
        files = {}
        for weight in ("regular", "bold"):
            found = _find_font(spec[weight], PROJECT_SLIDES)
            if found is None:
                problems.append(Diagnostic(where, f"font file {spec[weight]!r} not found",
                                           "reinstall cuecast (it ships cuecast/fonts/) or name another file in the theme"))
                found = Path(spec[weight])
            files[weight] = str(found)
        fonts[key] = FontSpec(spec["family"], files["regular"], files["bold"])
    return fonts


def load_theme(path: Optional[Path] = None) -> Theme:
    """Read a theme file (``None``: the project's ``slides/theme.yaml``, or the
    built-in defaults if that is missing).  Keys left out keep their defaults;
    an unknown key, an unreadable colour, a bad size, a font Pillow cannot
    load, a logo that cannot be drawn or a slide size outside the limits is a
    ``ScriptError`` listing every problem with its ``file:line``."""
    if path is None:
        if not DEFAULT_THEME_PATH.is_file():
            return _built_in_theme()
        path = DEFAULT_THEME_PATH
    path = Path(path)
    shown = str(path)
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        shown = str(path.relative_to(Path.cwd()))  # file:line as the author would type it
    # the script's guards: size, UTF-8 (a bad byte at its line), YAML errors,
    # alias bombs and deep nesting, each a located error
    root = compose_script(read_script_text(path, shown, "theme"), shown)
    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(root, yaml.MappingNode):
        raise ScriptError([Diagnostic(node_location(shown, root), "a theme is a mapping of colors, fonts, sizes, logo, size")])
    return _ThemeReader(shown, path.parent).read(root)


def _built_in_theme() -> Theme:
    """The defaults, for a project without ``slides/theme.yaml``."""
    problems: list[Diagnostic] = []
    fonts = _default_fonts(problems, Location("<built-in theme>"))
    if problems:
        raise ScriptError(problems)
    return Theme(fonts=fonts)


#: The keys of a theme file.
THEME_KEYS = ("colors", "fonts", "sizes", "logo", "size", "code_style", "master", "master_layout", "margins",
              "run_time")
FONT_FIELDS = ("family", "regular", "bold")
_NONE = (None, None)


class _ThemeReader(SchemaReader):
    """Reads a theme's node tree, collecting a Diagnostic for every problem
    (the keys, types and locations are ``SchemaReader``'s, as the script's)."""

    def __init__(self, shown: str, base: Path) -> None:
        super().__init__(shown)
        self.base = base

    def section(self, top: Entries, key: str, example: str) -> Entries:
        """The entries of ``key:`` (a mapping); anything else is a located
        error, not a setting silently ignored."""
        node = top.get(key, _NONE)[1]
        if is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{key} must be a mapping, found {describe(node)}", f"e.g. {example}")
            return {}
        return self.entries(node)

    def number(self, node: yaml.Node) -> Optional[float]:
        """A finite number written as a plain scalar (quoted digits too), else ``None``."""
        if not isinstance(node, yaml.ScalarNode) or yaml11_surprise(node):
            return None
        try:
            value = float(node.value)
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    def read(self, root: yaml.MappingNode) -> Theme:
        top = self.entries(root)
        self.known(top, THEME_KEYS, "theme key")
        colors = self.colors(top)
        sizes = self.sizes(top)
        fonts = self.fonts(top)
        logo = self.logo(top)
        code_style = self.code_style(top)
        (width, height), size_node = self.slide_size(top)
        master, master_layout, (width, height), size_node = self.master(top, (width, height), size_node)
        margins = self.margins(top.get("margins", _NONE)[1], width, height)
        self.code_sizes(top, sizes, width - margins[0] - margins[2], size_node)
        run_time = self.flag(top, "run_time")
        if self.problems:
            raise ScriptError(self.problems)
        return Theme(colors=colors, fonts=fonts, sizes=sizes, code_style=code_style, logo=logo,
                     width=width, height=height, source=self.shown, master=master, master_layout=master_layout,
                     margins=margins, assets_digest=_digest(logo, master), run_time=bool(run_time))

    # --- the keys, one reader each ------------------------------------------------

    def colors(self, top: Entries) -> dict[str, str]:
        colors = dict(DEFAULT_COLORS)
        entries = self.known(self.section(top, "colors", "{accent: '#EE4C2C'}"), tuple(DEFAULT_COLORS), "colour")
        for key, (_, value_node) in entries.items():
            match = _HEX.match(str(value_node.value).strip()) if isinstance(value_node, yaml.ScalarNode) else None
            if not match:
                self.error(value_node, f"colour {key} is not a #RRGGBB hex colour: {_shown_value(value_node)}")
                continue
            colors[key] = "#" + match.group(1).upper()
        return colors

    def sizes(self, top: Entries) -> dict[str, float]:
        sizes = dict(DEFAULT_SIZES)
        entries = self.known(self.section(top, "sizes", "{title: 36, code: 18}"), tuple(DEFAULT_SIZES), "size")
        for key, (_, value_node) in entries.items():
            value = self.number(value_node)
            if value is None or not MIN_FONT_PT <= value <= MAX_FONT_PT:
                self.error(value_node, f"size {key} must be a number of points between {MIN_FONT_PT:g} and "
                           f"{MAX_FONT_PT:g}, not {_shown_value(value_node)}")
                continue
            sizes[key] = value
        return sizes

    def fonts(self, top: Entries) -> dict[str, FontSpec]:
        fonts = _default_fonts([], Location(self.shown))
        example = "{sans: {family: Inter, regular: Inter.ttf, bold: Inter-Bold.ttf}}"
        for key, (_, value_node) in self.known(self.section(top, "fonts", example), tuple(DEFAULT_FONTS), "font").items():
            spec = self.entries(value_node)
            if not spec:
                self.error(value_node, f"font {key} needs family, regular and bold (TTF file paths)")
                continue
            current = fonts[key]
            values = {"family": current.family, "regular": current.regular, "bold": current.bold}
            for field_name, (_, field_value) in self.known(spec, FONT_FIELDS, "font field").items():
                found = self.font_field(key, field_name, field_value)
                if found is not None:
                    values[field_name] = found
            fonts[key] = FontSpec(**values)
        return fonts

    def font_field(self, key: str, field_name: str, node: yaml.Node) -> Optional[str]:
        """A font's ``family`` name, or the path of its ``regular`` or ``bold``
        file, found and readable by Pillow; ``None`` when reported."""
        if not isinstance(node, yaml.ScalarNode) or is_null(node):
            self.error(node, f"font {key} {field_name} must be "
                       f"{'a family name' if field_name == 'family' else 'a TTF file path'}, found {describe(node)}")
            return None
        if field_name == "family":
            return str(node.value)
        found = _find_font(str(node.value), self.base)
        if found is None:
            self.error(node, f"font file {node.value!r} not found (looked in {self.base} and cuecast's fonts)")
            return None
        problem = font_problem(found)
        if problem:
            self.error(node, f"font file {node.value!r} {problem}", "name a TrueType (.ttf) or OpenType (.otf) font file")
            return None
        return str(found)

    def logo(self, top: Entries) -> Optional[str]:
        if "logo" not in top or is_null(top["logo"][1]):
            return None
        logo_node = top["logo"][1]
        if not isinstance(logo_node, yaml.ScalarNode):
            self.error(logo_node, f"logo must be a file path, found {describe(logo_node)}")
            return None
        candidate = (self.base / str(logo_node.value)).resolve()
        if not candidate.is_file():
            self.error(logo_node, f"logo file {logo_node.value!r} not found")
            return None
        problem = image_problem(candidate)  # the layout opens the logo on every slide: check it once, here
        if problem:
            self.error(logo_node, f"logo file {logo_node.value!r} {problem[0]}", problem[1])
            return None
        return str(candidate)

    def code_style(self, top: Entries) -> str:
        if "code_style" not in top:
            return "github-dark"
        from pygments.styles import STYLE_MAP

        node = top["code_style"][1]
        name = node.value if isinstance(node, yaml.ScalarNode) else None
        if name in STYLE_MAP:  # the built-in styles: no plugin scan on every build
            return name
        from pygments.styles import get_all_styles

        styles = sorted(get_all_styles())
        if name not in styles:
            shown = repr(name) if name is not None else describe(node)
            self.error(node, f"unknown Pygments style {shown}", f"expected one of: {', '.join(styles)}")
            return "github-dark"
        return name

    def slide_size(self, top: Entries) -> tuple[tuple[int, int], Optional[yaml.Node]]:
        """``size: {width, height}`` in EMU, within ``SLIDE_LIMITS``, and the
        node it was written at."""
        default = (DEFAULT_WIDTH, DEFAULT_HEIGHT), None
        if "size" not in top:
            return default
        node = top["size"][1]
        size = self.section(top, "size", "{width: 13.333, height: 7.5}")
        if not isinstance(node, yaml.MappingNode):
            return default
        values = {"width": 13.333, "height": 7.5}
        bounds = {"width": (MIN_SLIDE_WIDTH, MAX_SLIDE_SIDE), "height": (MIN_SLIDE_HEIGHT, MAX_SLIDE_SIDE)}
        fits = True
        for key, (_, value_node) in self.known(size, tuple(values), "size field").items():
            value = self.number(value_node)
            if value is None:
                self.error(value_node, f"size {key} must be a number of inches, found {describe(value_node)}")
                fits = False
                continue
            low, high = bounds[key]
            if not low <= value <= high:
                self.error(value_node, f"slide {key} {value:g} in cannot be laid out; {SLIDE_LIMITS}",
                           "e.g. {width: 13.333, height: 7.5} (16:9) or {width: 10, height: 7.5} (4:3)")
                fits = False
            values[key] = value
        if not fits:
            return default
        return (inches(values["width"]), inches(values["height"])), node

    def master(self, top: Entries, size: tuple[int, int], size_node):
        """``master: brand.pptx`` (and ``master_layout:``): the master, its
        layout, and its slide size, which wins over ``size:``."""
        if "master" in top and not is_null(top["master"][1]):
            from cuecast.deck.master import read_master

            found = read_master(self.base, top["master"][1], top.get("master_layout", _NONE)[1], self.shown,
                                self.problems)
            if found is None:
                return None, None, size, size_node
            master, master_layout, (width, height) = found
            if not _drawable(width, height):
                self.error(top["master"][1], f"master's slides are {width / EMU_PER_INCH:g} × "
                           f"{height / EMU_PER_INCH:g} inches; {SLIDE_LIMITS}")
                width, height = DEFAULT_WIDTH, DEFAULT_HEIGHT
            return master, master_layout, (width, height), top["master"][1]
        if "master_layout" in top and not is_null(top["master_layout"][1]):
            self.error(top["master_layout"][0], "master_layout needs a master: the .pptx file whose layout it names")
        return None, None, size, size_node

    def margins(self, node: Optional[yaml.Node], width: int, height: int) -> tuple[int, int, int, int]:
        """``margins: {bottom: 0.4}`` (inches, each side optional) in EMU; what
        is left inside must still be at least half the slide each way, and no
        smaller than the smallest slide the layout can fill."""
        if is_null(node):
            return (0, 0, 0, 0)
        if not isinstance(node, yaml.MappingNode):
            self.error(node, "margins is a mapping of inches per side, e.g. {bottom: 0.4}")
            return (0, 0, 0, 0)
        values = dict.fromkeys(MARGIN_SIDES, 0.0)
        for side, (_, value_node) in self.known(self.entries(node), MARGIN_SIDES, "margin").items():
            try:
                values[side] = float(value_node.value)
            except (TypeError, ValueError):
                values[side] = -1.0
            if not 0 <= values[side] <= MAX_SLIDE_SIDE:  # nan and inf included
                self.error(value_node, f"margin {side} must be inches (0 or more), not {_shown_value(value_node)}")
                values[side] = 0.0
        emu = tuple(inches(values[side]) for side in MARGIN_SIDES)
        if emu[0] + emu[2] > width // 2 or emu[1] + emu[3] > height // 2:
            self.error(node, "margins take more than half the slide; the lesson would not fit")
            return (0, 0, 0, 0)
        inner_w, inner_h = width - emu[0] - emu[2], height - emu[1] - emu[3]
        if inner_w < inches(MIN_SLIDE_WIDTH) or inner_h < inches(MIN_SLIDE_HEIGHT):
            self.error(node, f"margins leave {inner_w / EMU_PER_INCH:g} × {inner_h / EMU_PER_INCH:g} inches "
                       f"for the lesson; it needs at least {MIN_SLIDE_WIDTH:g} × {MIN_SLIDE_HEIGHT:g}")
            return (0, 0, 0, 0)
        return emu  # type: ignore[return-value]

    def code_sizes(self, top: Entries, sizes: dict[str, float], usable_width: int, size_node) -> None:
        """Code must fit beside its line numbers: ``code`` and ``code_min`` at
        most 1/``CODE_SIZE_SHARE`` of the usable slide width (in points)."""
        largest = usable_width / EMU_PER_PT / CODE_SIZE_SHARE
        entries = self.entries(top.get("sizes", _NONE)[1])
        for key in ("code", "code_min"):
            if sizes[key] > largest and key in entries:
                self.error(entries[key][1], f"size {key} of {sizes[key]:g} pt is too large for a slide "
                           f"{usable_width / EMU_PER_INCH:g} inches wide: code needs room beside its line numbers",
                           f"at most {math.floor(largest)} pt here (1/{CODE_SIZE_SHARE} of the slide's width)")


def _shown_value(node: yaml.Node) -> str:
    """A bad value as messages quote it: ``'abc'``, or what kind of node it is."""
    return repr(node.value) if isinstance(node, yaml.ScalarNode) else describe(node)


def _drawable(width: int, height: int) -> bool:
    """Whether every stage can lay out and draw a slide of ``width`` × ``height`` EMU."""
    return (inches(MIN_SLIDE_WIDTH) <= width <= inches(MAX_SLIDE_SIDE)
            and inches(MIN_SLIDE_HEIGHT) <= height <= inches(MAX_SLIDE_SIDE))


MARGIN_SIDES = ("left", "top", "right", "bottom")


def _digest(*paths: Optional[str]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in paths:
        if path:
            digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
