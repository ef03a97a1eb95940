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

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

import yaml

from cuecast.deck.boxes import inches
from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Location
from cuecast.script_yaml import decode_utf8, is_null, node_location

#: The theme shipped with the project; used when a lesson has none of its own.
PROJECT_SLIDES = Path(__file__).resolve().parents[2] / "slides"
DEFAULT_THEME_PATH = PROJECT_SLIDES / "theme.yaml"
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
    width: int = inches(13.333)
    height: int = inches(7.5)
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

    def color(self, name: str) -> str:
        return self.colors[name]

    def size(self, name: str) -> float:
        return float(self.sizes[name])

    def font(self, key: str) -> FontSpec:
        return self.fonts[key]

    def font_file(self, key: str, bold: bool = False) -> str:
        spec = self.fonts[key]
        return spec.bold if bold else spec.regular


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """``{key: (key node, value node)}`` of a YAML mapping node."""
    return {k.value: (k, v) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


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


def _is_image(path: Path) -> bool:
    """Whether Pillow can read ``path``: the layout opens the logo for its size
    on every slide, where a bad file would be a traceback, not a ``file:line``."""
    from PIL import Image

    try:
        with Image.open(path):
            return True
    except OSError:  # UnidentifiedImageError included
        return False


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


def lesson_theme_path(lesson_root: Path, option: Optional[Path] = None) -> Optional[Path]:
    """``--theme`` if given, else the lesson's ``slides/theme.yaml`` if it has
    one, else ``None`` (the project's default theme)."""
    if option is not None:
        return option
    candidate = Path(lesson_root) / "slides" / "theme.yaml"
    return candidate if candidate.is_file() else None


def load_theme(path: Optional[Path] = None) -> Theme:
    """Read a theme file (``None``: the project's ``slides/theme.yaml``, or the
    built-in defaults if that is missing).  Keys left out keep their defaults;
    an unknown key, an unreadable colour, a bad size or a missing font or logo
    file is a ``ScriptError`` listing every problem with its ``file:line``."""
    if path is None:
        if not DEFAULT_THEME_PATH.is_file():
            problems: list[Diagnostic] = []
            fonts = _default_fonts(problems, Location("<built-in theme>"))
            if problems:
                raise ScriptError(problems)
            return Theme(fonts=fonts)
        path = DEFAULT_THEME_PATH
    path = Path(path)
    shown = str(path)
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        shown = str(path.relative_to(Path.cwd()))  # file:line as the author would type it
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScriptError([Diagnostic(Location(shown), f"cannot read theme: {exc.strerror or exc}")]) from exc
    text = decode_utf8(data, shown, "theme")  # a bad byte: ScriptError at its line, not a traceback
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        raise ScriptError([Diagnostic(where, f"theme is not valid YAML: {getattr(exc, 'problem', exc)}")]) from exc
    problems = []
    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(root, yaml.MappingNode):
        raise ScriptError([Diagnostic(node_location(shown, root), "a theme is a mapping of colors, fonts, sizes, logo, size")])
    base = path.parent
    top = _mapping(root)
    allowed = ("colors", "fonts", "sizes", "logo", "size", "code_style", "master", "master_layout", "margins")
    for key, (key_node, _) in top.items():
        if key not in allowed:
            problems.append(Diagnostic(node_location(shown, key_node), f"unknown theme key {key!r}",
                                       f"expected one of: {', '.join(allowed)}"))

    colors = dict(DEFAULT_COLORS)
    for key, (key_node, value_node) in _mapping(top.get("colors", (None, None))[1]).items():
        where = node_location(shown, value_node)
        if key not in DEFAULT_COLORS:
            problems.append(Diagnostic(node_location(shown, key_node), f"unknown colour {key!r}",
                                       f"expected one of: {', '.join(DEFAULT_COLORS)}"))
            continue
        match = _HEX.match(str(value_node.value).strip()) if isinstance(value_node, yaml.ScalarNode) else None
        if not match:
            problems.append(Diagnostic(where, f"colour {key} is not a #RRGGBB hex colour: {value_node.value!r}"))
            continue
        colors[key] = "#" + match.group(1).upper()

    sizes = dict(DEFAULT_SIZES)
    for key, (key_node, value_node) in _mapping(top.get("sizes", (None, None))[1]).items():
        if key not in DEFAULT_SIZES:
            problems.append(Diagnostic(node_location(shown, key_node), f"unknown size {key!r}",
                                       f"expected one of: {', '.join(DEFAULT_SIZES)}"))
            continue
        try:
            value = float(value_node.value)
        except (TypeError, ValueError):
            value = -1.0
        if not 4.0 <= value <= 200.0:
            problems.append(Diagnostic(node_location(shown, value_node),
                                       f"size {key} must be a number of points between 4 and 200, not {value_node.value!r}"))
            continue
        sizes[key] = value

    fonts = _default_fonts([], Location(shown))
    for key, (key_node, value_node) in _mapping(top.get("fonts", (None, None))[1]).items():
        if key not in DEFAULT_FONTS:
            problems.append(Diagnostic(node_location(shown, key_node), f"unknown font {key!r}",
                                       "expected one of: sans, mono"))
            continue
        spec = _mapping(value_node)
        if not spec:
            problems.append(Diagnostic(node_location(shown, value_node),
                                       f"font {key} needs family, regular and bold (TTF file paths)"))
            continue
        current = fonts[key]
        values = {"family": current.family, "regular": current.regular, "bold": current.bold}
        for field_name, (field_key, field_value) in spec.items():
            if field_name not in values:
                problems.append(Diagnostic(node_location(shown, field_key), f"unknown font field {field_name!r}",
                                           "expected one of: family, regular, bold"))
                continue
            if field_name == "family":
                values["family"] = str(field_value.value)
                continue
            found = _find_font(str(field_value.value), base)
            if found is None:
                problems.append(Diagnostic(node_location(shown, field_value),
                                           f"font file {field_value.value!r} not found (looked in {base} and cuecast's fonts)"))
                continue
            values[field_name] = str(found)
        fonts[key] = FontSpec(**values)

    logo = None
    if "logo" in top and not is_null(top["logo"][1]):
        logo_node = top["logo"][1]
        candidate = (base / str(logo_node.value)).resolve()
        if not candidate.is_file():
            problems.append(Diagnostic(node_location(shown, logo_node), f"logo file {logo_node.value!r} not found"))
        elif not _is_image(candidate):
            problems.append(Diagnostic(node_location(shown, logo_node),
                                       f"logo file {logo_node.value!r} is not an image Pillow can read",
                                       "use a PNG or JPEG"))
        else:
            logo = str(candidate)

    code_style = "github-dark"
    if "code_style" in top:
        from pygments.styles import STYLE_MAP

        node = top["code_style"][1]
        if node.value in STYLE_MAP:  # the built-in styles: no plugin scan on every build
            code_style = node.value
        else:
            from pygments.styles import get_all_styles

            styles = sorted(get_all_styles())
            if node.value not in styles:
                problems.append(Diagnostic(node_location(shown, node), f"unknown Pygments style {node.value!r}",
                                           f"expected one of: {', '.join(styles)}"))
            else:
                code_style = node.value

    width, height = inches(13.333), inches(7.5)
    if "size" in top:
        size = _mapping(top["size"][1])
        try:
            w = float(size["width"][1].value) if "width" in size else 13.333
            h = float(size["height"][1].value) if "height" in size else 7.5
            if not (1 <= w <= 56 and 1 <= h <= 56):
                raise ValueError
            width, height = inches(w), inches(h)
        except (ValueError, TypeError):
            problems.append(Diagnostic(node_location(shown, top["size"][1]),
                                       "size needs width and height in inches (1 to 56), e.g. {width: 13.333, height: 7.5}"))
    master, master_layout = None, None
    if "master" in top and not is_null(top["master"][1]):
        from cuecast.deck.master import read_master

        found = read_master(base, top["master"][1], top.get("master_layout", (None, None))[1], shown, problems)
        if found is not None:
            master, master_layout, (width, height) = found
    elif "master_layout" in top and not is_null(top["master_layout"][1]):
        problems.append(Diagnostic(node_location(shown, top["master_layout"][0]),
                                   "master_layout needs a master: the .pptx file whose layout it names"))
    margins = _margins(top.get("margins", (None, None))[1], shown, width, height, problems)
    if problems:
        raise ScriptError(problems)
    return Theme(colors=colors, fonts=fonts, sizes=sizes, code_style=code_style, logo=logo,
                 width=width, height=height, source=shown, master=master, master_layout=master_layout,
                 margins=margins, assets_digest=_digest(logo, master))


MARGIN_SIDES = ("left", "top", "right", "bottom")


def _margins(node: Optional[yaml.Node], shown: str, width: int, height: int,
             problems: list[Diagnostic]) -> tuple[int, int, int, int]:
    """``margins: {bottom: 0.4}`` (inches, each side optional) in EMU; what is
    left inside must still be at least half the slide each way."""
    if is_null(node):
        return (0, 0, 0, 0)
    if not isinstance(node, yaml.MappingNode):
        problems.append(Diagnostic(node_location(shown, node),
                                   "margins is a mapping of inches per side, e.g. {bottom: 0.4}"))
        return (0, 0, 0, 0)
    values = dict.fromkeys(MARGIN_SIDES, 0.0)
    for side, (key_node, value_node) in _mapping(node).items():
        if side not in values:
            problems.append(Diagnostic(node_location(shown, key_node), f"unknown margin {side!r}",
                                       f"expected one of: {', '.join(MARGIN_SIDES)}"))
            continue
        try:
            values[side] = float(value_node.value)
        except (TypeError, ValueError):
            values[side] = -1.0
        if values[side] < 0:
            problems.append(Diagnostic(node_location(shown, value_node),
                                       f"margin {side} must be inches (0 or more), not {value_node.value!r}"))
            values[side] = 0.0
    emu = tuple(inches(values[side]) for side in MARGIN_SIDES)
    if emu[0] + emu[2] > width // 2 or emu[1] + emu[3] > height // 2:
        problems.append(Diagnostic(node_location(shown, node),
                                   "margins take more than half the slide; the lesson would not fit"))
        return (0, 0, 0, 0)
    return emu  # type: ignore[return-value]


def _digest(*paths: Optional[str]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in paths:
        if path:
            digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
