"""Outputs and caches damaged between builds, and reproducibility, through the
real CLI: a stage whose outputs were deleted or edited by hand runs again and
writes them back as they were; a clip cache entry cut short or corrupted is
made again, never joined into the video; and a build from scratch writes the
same bytes as an incremental one, narration included."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from cuecast.atomic import file_hash
from cuecast.ffmpeg import ffmpeg_exe
from cuecast.video.clipcache import ClipCache
from tests.support.frames import frame_count
from tests.faults.test_interrupt import BUILD_ARGS, TINY
from tests.support.cli import run_render

STAGES = ("check", "slides", "timeline", "video", "notebook", "review")


def build(project: Path, *extra: str) -> dict[str, str]:
    """Run ``render build``; what each stage did (``built``/``skipped``)."""
    done = run_render(*BUILD_ARGS, *extra, cwd=project)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    return dict(re.findall(r"^tiny: (\w+) (built|skipped)", output, re.M))


def snapshot(project: Path) -> dict[str, bytes]:
    """Every output file's bytes (hidden bookkeeping and caches left out);
    a pptx by its members, whose zip timestamps are the time of writing."""
    folder = project / "build" / "tiny"
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix == ".pptx":
            with zipfile.ZipFile(path) as deck:
                for member in deck.namelist():
                    found[f"{relative}!{member}"] = deck.read(member)
        else:
            found[str(relative)] = path.read_bytes()
    return found


def decodes_whole(video: Path) -> None:
    """ffmpeg reads every packet without a complaint."""
    run = subprocess.run([ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(video), "-f", "null", "-"],
                         capture_output=True, text=True)
    assert run.returncode == 0 and not run.stderr.strip(), f"{video.name}: {run.stderr[-2000:]}"


def copy_project(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, symlinks=True)
    return dest


@pytest.fixture(scope="module")
def narrated(tmp_path_factory) -> Path:
    """The tiny lesson narrated by espeak, built once; tests build copies."""
    built_copy = tmp_path_factory.mktemp("narrated") / "tiny"
    shutil.copytree(TINY, built_copy, ignore=shutil.ignore_patterns("build"))
    script = built_copy / "script" / "tiny.yaml"
    script.write_text(script.read_text().replace("voice: none", "voice: espeak"))
    done = run_render(*BUILD_ARGS, cwd=built_copy)
    if "espeak-ng is unavailable" in done.stderr:
        pytest.skip("espeak-ng is not available here")
    assert done.returncode == 0, done.stderr
    return built_copy


@pytest.fixture
def built_copy(narrated, tmp_path) -> Path:
    """A copy, built once where it is (a copied project's stages run again:
    the lesson's folder is one of their inputs)."""
    copy = copy_project(narrated, tmp_path / "tiny")
    build(copy)
    assert set(build(copy).values()) == {"skipped"}
    return copy


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x55
    path.write_bytes(bytes(data))


def _edit_deck(path: Path) -> None:
    """The title slide's text changed, as PowerPoint would save it."""
    with zipfile.ZipFile(path) as deck:
        members = [(info, deck.read(info)) for info in deck.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as deck:
        for info, data in members:
            if info.filename == "ppt/slides/slide1.xml":
                assert b"Tiny tensors" in data
                data = data.replace(b"Tiny tensors", b"Tiny tensers")
            deck.writestr(info, data)


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: (what happened to an output, the stage that must run again, how to do it)
DAMAGE = {
    "slide image deleted": ("slides", lambda b: next(b.glob("slides/05-*.png")).unlink()),
    "slide image replaced by another": ("slides", lambda b: next(b.glob("slides/03-*.png")).write_bytes(
        next(b.glob("slides/01-*.png")).read_bytes())),
    "deck edited": ("slides", lambda b: _edit_deck(b / "slides.pptx")),
    "captions edited": ("timeline", lambda b: _replace_in(b / "captions.srt", "Tensors", "Tensers")),
    "cue sheet edited": ("timeline", lambda b: _replace_in(b / "cues.json", '"tensors-2"', '"tensors-X"')),
    "notebook edited": ("notebook", lambda b: _replace_in(b / "code.ipynb", "torch.arange(6)", "torch.arange(7)")),
    "segment media deleted": ("video", lambda b: next(b.glob("media/*.mp4")).unlink()),
    "video cut short": ("video", lambda b: (b / "video.mp4").write_bytes((b / "video.mp4").read_bytes()[:5000])),
    "video edited, same size": ("video", lambda b: _flip_last_byte(b / "video.mp4")),
    "review page edited": ("review", lambda b: _replace_in(b / "index.html", "Tiny tensors", "Tiny tensers")),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_output_makes_its_stage_run_again_and_is_written_back(built_copy, damage):
    stage, do = DAMAGE[damage]
    before = snapshot(built_copy)
    do(built_copy / "build" / "tiny")
    assert snapshot(built_copy) != before

    did = build(built_copy)
    assert did[stage] == "built", did
    # only that stage, and the review page (it links the files, by their times), ran again
    assert {s for s, status in did.items() if status == "built"} <= {stage, "review"}, did
    assert snapshot(built_copy) == before  # every output back, byte for byte
    decodes_whole(built_copy / "build" / "tiny" / "video.mp4")
    assert set(build(built_copy).values()) == {"skipped"}


@pytest.mark.slow
def test_a_truncated_or_corrupt_clip_cache_is_made_again_not_served(built_copy):
    """The issue's case: half the cached clips cut short and the narration
    track corrupted gave a video of 168 frames out of 11014, exit 0, and
    then "moov atom not found" (exit 2) on every later build."""
    folder = built_copy / "build" / "tiny"
    video = folder / "video.mp4"
    frames = frame_count(video)
    before = snapshot(built_copy)
    clips = sorted((folder / ".video-cache").glob("*.mp4"))
    tracks = list((folder / ".video-cache").glob("*.m4a"))
    assert len(clips) >= 2 and tracks
    for clip in clips[::2]:
        clip.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    for track in tracks:  # (the copy's and the original's: the track's key holds its WAVs' paths)
        track.write_bytes(b"\0" * track.stat().st_size)  # same size: the moov atom is gone
    video.unlink()  # the video stage must join again, from the cache

    did = build(built_copy)
    assert did["video"] == "built"
    decodes_whole(video)
    assert frame_count(video) == frames
    for media in sorted((folder / "media").glob("*.mp4")):
        decodes_whole(media)
    assert snapshot(built_copy) == before  # re-encoded to the same bytes
    for entry in clips:  # made again, and their sums match what is there now
        size, digest = (entry.parent / f"{entry.name}.sum").read_text().split()
        assert file_hash(entry) == (int(size), digest)
    cache = ClipCache(folder / ".video-cache")  # the original project's track, unused here, is dropped when asked
    assert [cache.get(t.stem, ".m4a") is not None for t in tracks].count(True) == 1
    again = run_render(*BUILD_ARGS, "--only", "video", cwd=built_copy)
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_a_build_from_scratch_writes_the_same_bytes_as_an_incremental_one(narrated, tmp_path):
    """Narration included: espeak's samples must not depend on what it said
    before.  With the snippets' captures kept, every output is the same
    byte for byte (a pptx member by member: its zip timestamps are the time
    of writing).  Run again from nothing (``--no-cache``), the snippets'
    measured run times (``duration`` in the notebook, the review page)
    differ; the deck, its images and the video's stills hold no run time, so
    they are still the same, as is everything else."""
    built_copy = copy_project(narrated, tmp_path / "tiny")
    build(built_copy)
    _replace_in(built_copy / "script" / "tiny.yaml", "say: Making a tensor and printing its shape.",
                "say: Making a tensor, then printing its shape.")
    _replace_in(built_copy / "snippets" / "shapes.py", '"shape:"', '"its shape:"')
    did = build(built_copy)
    assert did["timeline"] == "built" and did["video"] == "built"
    incremental = snapshot(built_copy)
    assert b"its shape:" in incremental["code.ipynb"]

    # from scratch but for the snippets' captures: every output, voice clip and video clip made again
    captures = tmp_path / "captures"
    shutil.move(built_copy / "build" / ".cache" / "captures", captures)
    shutil.rmtree(built_copy / "build")
    (built_copy / "build" / ".cache").mkdir(parents=True)
    shutil.copytree(captures, built_copy / "build" / ".cache" / "captures")
    did = build(built_copy)
    assert did["check"] == "skipped" and set(did.values()) == {"skipped", "built"}
    assert not _differences(incremental, snapshot(built_copy))

    # from scratch entirely: the snippets run again, and take another few milliseconds
    shutil.rmtree(built_copy / "build")
    build(built_copy, "--no-cache")
    differ = _differences(incremental, snapshot(built_copy))
    deck = {name for name in differ if name.startswith("slides") or name.startswith("media/")}
    assert not deck, sorted(deck)  # the deck is a function of content and captures: no run time on a slide
    assert differ <= {"code.ipynb", "index.html", "video.mp4"}, sorted(differ)
    video = built_copy / "build" / "tiny" / "video.mp4"
    decodes_whole(video)
    kept = tmp_path / "incremental.mp4"
    kept.write_bytes(incremental["video.mp4"])
    assert frame_count(video) == frame_count(kept)
    notebook = [json.loads(snap["code.ipynb"]) for snap in (incremental, snapshot(built_copy))]
    for book in notebook:
        for cell in book["cells"]:
            cell.get("metadata", {}).get("cuecast", {}).pop("duration", None)
    assert notebook[0] == notebook[1]


def _differences(a: dict[str, bytes], b: dict[str, bytes]) -> set[str]:
    return {name for name in set(a) | set(b) if a.get(name) != b.get(name)}


@pytest.mark.slow
def test_editing_an_output_in_place_does_not_reach_the_caches(built_copy):
    """The issue's case: outputs were hard links into the caches, so a ``cp``
    onto ``audio/*.wav`` or ``media/*.mp4`` changed the cache, and after
    deleting the outputs the rebuilt narration was silent and a segment
    showed another's picture, exit 0."""
    folder = built_copy / "build" / "tiny"
    before = snapshot(built_copy)
    wavs = sorted(folder.glob("audio/*.wav"))
    clips = sorted(folder.glob("media/*.mp4"))
    assert len(wavs) >= 2 and len(clips) >= 2
    with open(wavs[0], "r+b") as wav:  # silence written over the samples, in place
        wav.seek(44)
        wav.write(b"\0" * (wavs[0].stat().st_size - 44))
    subprocess.run(["cp", str(clips[1]), str(clips[0])], check=True)  # cp onto: the same inode, rewritten
    for entry in folder.iterdir():  # every output goes; the caches (voice, clips) stay to be used
        if entry.name != ".video-cache":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()

    build(built_copy)
    assert snapshot(built_copy) == before
    decodes_whole(folder / "video.mp4")
