"""A course's own PowerPoint template (``master:`` in the theme).

Many teams must present on their organisation's template: its background,
logo and footer live on the slide master and its layouts.  cuecast opens that
file instead of python-pptx's default template, takes its slide size (the
layout is computed for it), drops the sample slides it ships with, and makes
every slide from one of its layouts with the layout's empty placeholders
removed, so the master's graphics show and cuecast's boxes sit on top.

The PNGs and the video are drawn by cuecast's own raster drawer, which knows
the theme's colours but not the master's artwork; the master shows in the
pptx only.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Optional

import yaml

from cuecast.errors import Diagnostic
from cuecast.script_yaml import is_null, node_location


def open_master(path: str):
    """The template as a python-pptx ``Presentation``."""
    from pptx import Presentation

    return Presentation(path)


def layout_names(prs) -> list[str]:
    return [layout.name for layout in prs.slide_layouts]


def pick_layout(prs, name: Optional[str]):
    """The layout called ``name``; by default the one with the fewest
    placeholders (a template's "Blank"), the first of those on a tie."""
    layouts = list(prs.slide_layouts)
    if name is not None:
        for layout in layouts:
            if layout.name == name:
                return layout
        raise KeyError(name)
    return min(layouts, key=lambda layout: len(layout.placeholders))


def read_master(
    base: Path, master_node: yaml.Node, layout_node: Optional[yaml.Node], shown: str, problems: list[Diagnostic]
) -> Optional[tuple[str, Optional[str], tuple[int, int]]]:
    """``(path, layout name, (width, height) in EMU)`` of the theme's master,
    or ``None`` with the reason appended to ``problems`` at its theme line."""
    candidate = (base / str(master_node.value)).resolve()
    if not candidate.is_file():
        problems.append(Diagnostic(node_location(shown, master_node), f"master file {master_node.value!r} not found",
                                   f"looked in {base}"))
        return None
    try:
        prs = open_master(str(candidate))
    except Exception as exc:  # python-pptx raises zipfile, KeyError and lxml errors for a bad file
        problems.append(Diagnostic(node_location(shown, master_node),
                                   f"master file {master_node.value!r} is not a PowerPoint file python-pptx can open "
                                   f"({type(exc).__name__})",
                                   "save it from PowerPoint or LibreOffice as .pptx (a .potx template: save as .pptx)"))
        return None
    names = layout_names(prs)
    if not names:
        problems.append(Diagnostic(node_location(shown, master_node), f"master file {master_node.value!r} has no slide layouts"))
        return None
    layout = None
    if not is_null(layout_node):
        layout = str(layout_node.value)
        if layout not in names:
            close = difflib.get_close_matches(layout, names, n=1)
            problems.append(Diagnostic(
                node_location(shown, layout_node), f"master has no layout {layout!r}",
                (f"did you mean {close[0]!r}? " if close else "") + f"its layouts: {', '.join(names)}",
            ))
            return None
    return str(candidate), layout, (int(prs.slide_width), int(prs.slide_height))


def presentation_from_master(path: str, layout_name: Optional[str]):
    """The template opened for writing, emptied of its sample slides, and the
    layout every slide is made from."""
    prs = open_master(path)
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return prs, pick_layout(prs, layout_name)


def remove_placeholders(slide) -> None:
    """Drop the empty placeholders a layout put on a new slide ("Click to add
    title"): cuecast's own boxes carry the content."""
    for placeholder in list(slide.placeholders):
        element = placeholder._element
        element.getparent().remove(element)
