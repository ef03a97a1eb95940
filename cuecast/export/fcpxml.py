"""``timeline.xml``: Final Cut Pro 7 XML (xmeml) through ``otio-fcp-adapter``.

The adapter writes an empty ``<format/>`` in the sequence; DaVinci Resolve
rejects such a file, so the XML is post-processed to give the format its
``samplecharacteristics`` (frame size, rate, square pixels, progressive).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from cuecast.atomic import write_text
from cuecast.export.common import at_smpte_rate


def write_fcpxml(otio_timeline, path: Path, fps: int, size: tuple[int, int]) -> Path:
    """FCP 7 counts in SMPTE timecode: a video at another rate (a 10 fps
    preview) gets its XML at the nearest rate SMPTE counts in."""
    import opentimelineio as otio

    otio_timeline, _, rate = at_smpte_rate(otio_timeline)
    text = otio.adapters.write_to_string(otio_timeline, adapter_name="fcp_xml")
    return write_text(path, add_sequence_format(text, rate, size))


def add_sequence_format(xml_text: str, fps: int, size: tuple[int, int]) -> str:
    """``xml_text`` with every sequence's video ``<format>`` holding its
    ``samplecharacteristics`` (created when missing or empty)."""
    root = ET.fromstring(xml_text)
    for sequence in root.iter("sequence"):
        video = sequence.find("media/video")
        if video is None:
            continue
        fmt = video.find("format")
        if fmt is None:
            fmt = ET.Element("format")
            video.insert(0, fmt)
        if fmt.find("samplecharacteristics") is None:
            fmt.append(_sample_characteristics(fps, size))
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _sample_characteristics(fps: int, size: tuple[int, int]) -> ET.Element:
    chars = ET.Element("samplecharacteristics")
    rate = ET.SubElement(chars, "rate")
    ET.SubElement(rate, "timebase").text = str(fps)
    ET.SubElement(rate, "ntsc").text = "FALSE"
    ET.SubElement(chars, "width").text = str(size[0])
    ET.SubElement(chars, "height").text = str(size[1])
    ET.SubElement(chars, "anamorphic").text = "FALSE"
    ET.SubElement(chars, "pixelaspectratio").text = "square"
    ET.SubElement(chars, "fielddominance").text = "none"
    ET.SubElement(chars, "colordepth").text = "24"
    return chars
