"""``narration.csv``: the recording list for an author who narrates in their
own voice (``--voice recorded:DIR``).

One row per spoken beat, in the order it is heard: the file name the beat's
take must have, the section it belongs to, where it falls in the video and
how long the current voice takes to say it, and the words to read.  Opened in
a spreadsheet, it is the checklist for a recording session; its ``file``
column is exactly what ``recorded:DIR`` looks for.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cuecast.atomic import write_text
from cuecast.clock import smpte_timecode
from cuecast.model import Lesson, Timeline

COLUMNS = ("beat_id", "file", "section_title", "start_tc", "seconds", "text")


def recording_rows(timeline: Timeline, lesson: Lesson) -> list[dict]:
    titles = {section.id: section.title for section in lesson.walk()}
    return [
        {
            "beat_id": item.beat_id,
            "file": f"{item.beat_id}.wav",
            "section_title": titles.get(item.section_id, ""),
            "start_tc": smpte_timecode(item.start, timeline.fps),
            "seconds": round(item.end - item.start, 2),
            "text": item.text,
        }
        for item in sorted(timeline.narration, key=lambda n: n.start)
    ]


def write_recording_list(timeline: Timeline, lesson: Lesson, path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(recording_rows(timeline, lesson))
    return write_text(path, buffer.getvalue())
