"""The stages of a lesson's build, one record each, in the order they run.

Everything that knows about stages reads this table: ``LessonBuilder.run``
(which method does the work, what it is fingerprinted on), ``--only`` and
the stages it pulls in (``stages_to_run``), the progress display, the
catalogue (what to import before forking its children), ``render preview``
and ``render watch`` (which stages, in which order) and the review page
(which outputs are another stage's).  Adding a stage is one record here;
nothing else lists them.

A record's functions take the ``LessonBuilder`` and call its methods by
name, so this module imports nothing of the build: the stages' libraries
load only when a stage does work, and a build whose stages are all skipped
computes each one's ``inputs`` fingerprint and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence


@dataclass(frozen=True)
class Stage:
    """One stage: ``name`` (what ``--only`` and ``.build.json`` call it),
    ``needs`` (the stages whose values it reads: asking for it runs them
    first, and they skip when current), ``modules`` (what its work imports), ``inputs`` (the cheap
    fingerprint of what it is made from, compared with the record to skip
    it) and ``run`` (does the work, or skips it, and returns a
    ``build.StageResult``)."""

    name: str
    needs: tuple[str, ...]
    modules: tuple[str, ...]
    inputs: Callable[[object], str]
    run: Callable[[object], object]

    def makes(self) -> tuple[str, ...]:
        """The keys of the outputs it records: the output table's entries
        for this stage (``outputs.OUTPUTS``, where each output names its stage)."""
        from cuecast.outputs import stage_outputs

        return tuple(entry.key for entry in stage_outputs(self.name))


#: Every stage, in the order a build runs them: each after the stages it needs.
STAGES: tuple[Stage, ...] = (
    Stage("check", (), ("cuecast.check.report",),
          lambda builder: builder.captures_print(), lambda builder: builder.stage_check()),
    Stage("slides", ("check",),
          ("cuecast.deck.layout", "cuecast.deck.raster", "cuecast.deck.pptx_writer", "cuecast.review"),
          lambda builder: builder.slides_print(), lambda builder: builder.stage_slides()),
    Stage("timeline", ("check",), ("cuecast.export", "cuecast.plan", "cuecast.narrate"),
          lambda builder: builder.timeline_inputs_print(), lambda builder: builder.stage_timeline()),
    Stage("video", ("check", "timeline"), ("cuecast.video.compose",),
          lambda builder: builder.video_print(), lambda builder: builder.stage_video()),
    Stage("notebook", ("check",), ("cuecast.notebook",),
          lambda builder: builder.notebook_print(), lambda builder: builder.stage_notebook()),
    Stage("review", ("check", "timeline"), ("cuecast.review",),
          lambda builder: builder.review_print(), lambda builder: builder.stage_review()),
)


def stage_names() -> tuple[str, ...]:
    return tuple(stage.name for stage in STAGES)


def stage_named(name: str) -> Stage:
    found = next((stage for stage in STAGES if stage.name == name), None)
    if found is None:
        raise KeyError(f"no stage {name!r} (the stages are {', '.join(stage_names())})")
    return found


def stages_to_run(only: Sequence[str]) -> tuple[str, ...]:
    """``only`` and every stage they need, in the table's order."""
    wanted: set[str] = set()
    pending = list(only)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(stage_named(name).needs)
    return tuple(name for name in stage_names() if name in wanted)


def stage_modules(names: Sequence[str]) -> tuple[str, ...]:
    """What the work of the stages ``names`` imports, each module once."""
    return tuple(dict.fromkeys(module for name in names for module in stage_named(name).modules))
