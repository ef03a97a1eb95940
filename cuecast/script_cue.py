"""The cues of a lesson script: a beat's ``show:`` and the keys that go with it.

A cue is read in three steps, so that one kind's rules never leak into
another's:

1. ``show:`` names the kind (``cuecast.kinds``); a key the kind does not take
   is reported with the kinds that do;
2. every cue key written is read on its own (``cue_fields``): paths, cells,
   line ranges, numbers, URLs, the command;
3. the kind's own ``check`` reports what it lacks or combines wrongly
   (``a terminal cue needs a 'command'``).

``CueReader`` is a part of the script parser (``cuecast.script``): it reads
through the parser's ``SchemaReader`` methods and reports into its problems.
"""

from __future__ import annotations

import difflib
import math
import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Optional, Sequence, Union

from cuecast.cells import marker_style
from cuecast.images import image_problem
from cuecast.kinds import CUE_KEYS, KINDS
from cuecast.model import DEVICES, Cue
from cuecast.schema import Entries
from cuecast.script_snippet import SnippetPartReader
from cuecast.script_yaml import describe

#: The diagrams a slides cue can draw (``diagram: autograd`` draws the snippet's tape).
DIAGRAMS = ("autograd",)
#: Picture files a slides cue may show (what both python-pptx and Pillow read).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
#: The keys that pick part of a snippet or of its output.
_SNIPPET_PARTS = ("cell", "lines", "region", "output")


def users_of(key: str) -> str:
    """The kinds that take ``key``, as messages list them: ``vscode, slides``."""
    return ", ".join(name for name, kind in KINDS.items() if key in kind.keys)


class CueReader(SnippetPartReader):
    """Reads a beat's cue (see the module docstring); mixed into the parser.
    The snippet keys (file, cell, lines, output) are ``SnippetPartReader``'s."""

    def cue(self, entries: Entries, beat_id: str) -> Union[Cue, None, bool]:
        """The beat's cue, ``None`` when it shows nothing, ``False`` when broken."""
        problems_before = len(self.problems)
        if "show" not in entries:
            self.keys_without_show(entries)
            return False if len(self.problems) > problems_before else None
        kind = self.cue_kind(entries)
        fields = self.cue_fields(entries)
        if kind is not None:
            kind.check(self, entries, fields)
        for key in _SNIPPET_PARTS:
            own = kind is not None and key in kind.keys and "snippet" not in kind.keys  # a terminal's output:
            if key in entries and "snippet" not in entries and not own:
                self.error(entries[key][0], f"'{key}' picks part of a snippet; this cue has no 'snippet'")
        if len(self.problems) > problems_before or kind is None:
            return False
        return Cue(kind=kind.name, id=beat_id, location=self.loc(entries["show"][0]),
                   fields=self.field_locations(entries, ("title", "caption")), **fields)

    def keys_without_show(self, entries: Entries) -> None:
        """Cue keys on a beat that shows nothing."""
        for key in CUE_KEYS:
            if key in entries and key != "title":
                self.error(entries[key][0], f"'{key}' belongs to a cue; add 'show:' ({users_of(key)}) to this beat")
        if "title" in entries:
            self.error(entries["title"][0], "'title' names a browser page or a slide; add 'show:' to this beat, "
                       "or move it to the section")

    def cue_kind(self, entries: Entries):
        """The ``show:`` kind (``None`` when unknown: reported), and every key
        written that it does not take."""
        name = self.choice(entries, "show", tuple(KINDS), "cue kind")
        if name is None:
            return None
        kind = KINDS[name]
        for key in CUE_KEYS:
            if key in entries and key not in kind.keys:
                self.error(entries[key][0], f"'{key}' does not apply to a {name} cue (it is used by: {users_of(key)})")
        return kind

    def cue_fields(self, entries: Entries) -> dict:
        """Every cue key written, each read on its own, as ``Cue`` fields."""
        snippet, snippet_text = self.snippet(entries)
        cell = self.cell(entries, snippet, snippet_text)
        if cell is not None:
            lines: Optional[tuple[int, int]] = (cell.start, cell.end)
        elif "cell" in entries or ("region" in entries and snippet_text and marker_style(snippet_text)):
            lines = None  # the cell could not be found: ``cell`` said why
        else:
            lines = self.shown_lines(entries, snippet, snippet_text)
        output_lines, output_hidden = self.output(entries)
        return dict(
            snippet=snippet,
            lines=lines,
            cell=cell.number if cell is not None else None,
            cell_title=cell.title if cell is not None else "",
            output_lines=output_lines,
            output_hidden=output_hidden,
            timeout=self.timeout(entries),
            expect_error=bool(self.flag(entries, "expect_error")),
            diagram=self.diagram(entries),
            image=self.picture(entries),
            title=self.text(entries, "title"),
            caption=self.text(entries, "caption"),
            pace=self.pace(entries),
            writes=self.writes(entries),
            device=self.choice(entries, "device", DEVICES, "device"),
            # the keys only one kind knows how to read (a terminal's command, a browser's url)
            **{key: read(self, entries) for kind in KINDS.values() for key, read in kind.readers},
        )

    def writes(self, entries: Entries) -> tuple[str, ...]:
        """``writes:``, the project files a snippet may change (a folder ends
        in ``/``): relative, inside the project, never under ``build/``, whose
        files are cuecast's alone.  Returned normalised, as POSIX paths."""
        items = self.string_list(entries, "writes") or ()
        nodes = entries["writes"][1].value if items else []
        if len(nodes) != len(items):
            return ()  # an item was not a string: said already
        kept = []
        for number, (item, node) in enumerate(zip(items, nodes), start=1):
            folder = item.endswith("/")
            path = PurePosixPath(item)
            if "\\" in item or path.is_absolute() or ".." in path.parts:
                self.error(node, f"'writes' item {number} must be a path inside the project, relative to its root",
                           hint="for example: writes: [data/model.pt] or writes: [outputs/]")
                continue
            normal = path.as_posix() + ("/" if folder else "")
            if path.parts[:1] == ("build",) or normal in ("./", "."):
                self.error(node, f"'writes' item {number} may not be {'build/' if path.parts[:1] == ('build',) else 'the whole project'}: "
                                 "cuecast's outputs and caches are its own",
                           hint="write into a folder of the project such as data/ or outputs/")
                continue
            kept.append(normal)
        return tuple(kept)

    def project_file(self, entries: Entries, key: str, suffixes: Sequence[str], kind: str) -> Optional[str]:
        """A path to a file inside the project: relative, not escaping the
        project (through '..' or a symlink), with an accepted suffix, present,
        and a file.  Returns it normalised, as a POSIX path."""
        value = self.text(entries, key)
        if value is None:
            return None
        node = entries[key][1]
        if "\\" in value:
            self.error(node, f"{key} path '{value}' uses '\\'; write paths with '/'")
            return None
        if PurePosixPath(value).is_absolute() or re.match(r"^[A-Za-z]:", value) or value.startswith("~"):
            self.error(node, f"{key} path '{value}' is absolute; give it relative to the project folder",
                       hint=f"the project folder is {self.shown_root()}")
            return None
        normal = posixpath.normpath(value)
        candidate = self.root / normal
        self.consulted[str(candidate)] = True  # a snippet's text or a picture's pixels are read
        if normal == ".." or normal.startswith("../"):
            self.error(node, f"{key} path '{value}' leaves the project folder",
                       hint=f"paths are relative to the project folder {self.shown_root()}")
            return None
        real = candidate.resolve()
        if not real.is_relative_to(self.real_root):
            self.error(node, f"{key} path '{value}' leads outside the project folder (through a symlink to {real})")
            return None
        if not normal.lower().endswith(tuple(suffixes)):
            self.error(node, f"{key} '{value}' must be {kind} file ({', '.join(suffixes)})")
            return None
        if not candidate.exists():
            self.error(node, f"{key} file '{normal}' does not exist", hint=self.nearby_hint(candidate, normal))
            return None
        if not candidate.is_file():
            self.error(node, f"{key} path '{normal}' is not a file")
            return None
        return normal

    def picture(self, entries: Entries) -> Optional[str]:
        """An ``image:`` path, its picture checked now (size, decodability):
        a picture that cannot be drawn must stop the build before any output
        is rewritten, with this line in the message."""
        image = self.project_file(entries, "image", IMAGE_SUFFIXES, "a picture")
        if image is None:
            return None
        problem = image_problem(self.root / image)
        if problem is not None:
            self.error(entries["image"][1], f"image '{image}' {problem[0]}", hint=problem[1])
            return None
        return image

    def nearby_hint(self, candidate: Path, normal: str) -> str:
        folder = candidate.parent
        if folder.is_dir():
            names = sorted(p.name for p in folder.iterdir() if p.is_file())
            close = difflib.get_close_matches(candidate.name, names, n=1, cutoff=0.6)
            if close:
                return f"did you mean '{posixpath.join(posixpath.dirname(normal), close[0])}'?"
        return f"create it, or fix the path (relative to the project folder {self.shown_root()})"

    def timeout(self, entries: Entries) -> Optional[float]:
        if "timeout" not in entries:
            return None
        node = entries["timeout"][1]
        ok, value = self.scalar(node, "timeout")
        if (not ok or isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or value <= 0):
            self.error(node, f"'timeout' must be a positive number of seconds, found {describe(node)}")
            return None
        return float(value)

    def diagram(self, entries: Entries) -> Optional[str]:
        value = self.text(entries, "diagram")
        if value is not None and value not in DIAGRAMS:
            self.error(entries["diagram"][1], f"unknown diagram '{value}' (expected one of: {', '.join(DIAGRAMS)})")
            return None
        return value
