"""The cue sheet (``cues.csv``, ``cues.json``): one row per segment of the
video track, so a presenter recording live or an editor assembling the cut can
follow it line by line — what to show, when, and what is said over it.

Rows are every segment (title and section slides too, with an empty
``cue_id``), because the screen is never empty; ``kind`` says what the row
shows: title, section, outro, or the cue's kind (vscode, slides, browser,
terminal).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cuecast.atomic import write_text
from cuecast.clock import smpte_timecode
from cuecast.export.common import instruction, narration_over, segment_infos
from cuecast.model import SEGMENT_KINDS, Lesson, Timeline
from cuecast.shown import cell_label

COLUMNS = (
    "segment", "cue_id", "section", "section_title", "kind", "start", "end", "duration",
    "start_tc", "end_tc", "show", "snippet", "cell", "url", "type_seconds", "output_at", "narration",
)


def shared_rows(context) -> list[dict]:
    """The cue rows of a build's ``OutputContext``, made once for the CSV
    and the JSON cue sheet."""
    return context.shared("cue rows", lambda: cue_rows(context.timeline, context.lesson))


def cue_rows(timeline: Timeline, lesson: Lesson) -> list[dict]:
    """A row per segment of ``timeline`` (``COLUMNS``); the review page's
    table (``review.review_rows``) reads the same segments and narration."""
    said = narration_over(timeline)
    rows = []
    for info in segment_infos(timeline, lesson):
        segment = info.segment
        cue = info.cue
        typed = SEGMENT_KINDS[segment.kind].typed
        rows.append({
            "segment": segment.id,
            "cue_id": segment.cue_id or "",
            "section": segment.section_id,
            "section_title": info.section.title if info.section else "",
            "kind": info.cue_kind,
            "start": round(segment.start, 3),
            "end": round(segment.end, 3),
            "duration": round(segment.duration, 3),
            "start_tc": smpte_timecode(segment.start, timeline.fps),
            "end_tc": smpte_timecode(segment.end, timeline.fps),
            "show": instruction(info, lesson),
            "snippet": (cue.snippet or "") if cue else "",
            "cell": cell_label(cue) if cue else "",
            "url": (cue.url or "") if cue else "",
            # editor and terminal segments: seconds the code takes to appear, and when (from the start) the output shows
            "type_seconds": round(segment.type_seconds, 3) if typed else "",
            "output_at": round(segment.output_at, 3) if typed else "",
            "narration": said(segment),
        })
    return rows


def write_csv(rows: list[dict], path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write_text(path, buffer.getvalue())


def clip_rows(timeline: Timeline) -> list[dict]:
    """Each narration clip on the lesson clock with its words' times
    (``[word, start, end]``; none when the voice does not time them), and
    its own ``voice`` where the author's take overrides the lesson's."""
    rows = []
    for item in timeline.narration:
        row = {"beat_id": item.beat_id, "start": round(item.start, 3), "end": round(item.end, 3), "text": item.text,
               "words": [[w.text, round(w.start, 3), round(w.end, 3)] for w in item.words]}
        if item.take:
            row["voice"] = {"engine": "recorded", "model": item.take, "settings": {}}
        rows.append(row)
    return rows


def write_json(rows: list[dict], timeline: Timeline, path: Path) -> Path:
    document = {
        "lesson": timeline.lesson_id,
        "title": timeline.title,
        "fps": timeline.fps,
        "duration": round(timeline.duration, 3),
        # what spoke every clip: {"engine", "model", "settings"}; "spec" is how it was asked for
        "voice": dict(timeline.voice_record or {"engine": timeline.voice, "model": None, "settings": {}},
                      spec=timeline.voice),
        "metadata": timeline.metadata,
        "cues": rows,
        "clips": clip_rows(timeline),
    }
    return write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
