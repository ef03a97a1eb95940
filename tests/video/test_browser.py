"""The simulated browser window: the URL is typed, the page loads with a
progress bar, then the page is held; what each keyframe shows is checked on
the pixels drawn."""

from __future__ import annotations

from cuecast.model import Cue, Location
from cuecast.video.browser import LIGHT, BrowserContent, BrowserScene, BrowserState, breadcrumb, browser_content
from cuecast.web.window import page_viewport
from tests.support.frames import frames_by_index, has_colour, picture_at

SIZE = (640, 360)
FPS = 30


def test_the_browser_types_the_url_then_shows_the_page():
    cue = Cue("browser", "m-1", Location("x.yaml", 3), url="https://pytorch.org/docs/stable/nn.html",
              title="torch.nn")
    c = browser_content(cue, "Pytorch documentation")
    assert c == BrowserContent("https://pytorch.org/docs/stable/nn.html", "torch.nn", "Pytorch documentation")
    s = BrowserScene(c, SIZE, FPS, 120)
    keys = s.keyframes()
    frames = frames_by_index(s)
    assert keys[0] == 0 and s.state(keys[-1]).loaded and keys[-1] < 60
    x0, y0, x1, y1 = s.address_box
    bar_start = picture_at(frames, 0)[y0:y1, s.url_x:x1 - 20]
    bar_end = picture_at(frames, 119)[y0:y1, s.url_x:x1 - 20]
    assert has_colour(bar_end, LIGHT["address"], at_least=500)
    ink = lambda bar: int((bar.astype(int).sum(axis=-1) < 300).sum())
    assert ink(bar_start) < ink(bar_end)
    page = picture_at(frames, 119)[s.page_top + 20:]
    assert has_colour(page, LIGHT["title"], tolerance=20, at_least=50)
    assert has_colour(page, LIGHT["skeleton"], tolerance=2, at_least=2000)  # placeholder text lines, not a blank page


def test_a_browser_cue_without_a_title_is_headed_by_its_caption():
    cue = Cue("browser", "m-1", Location("x.yaml", 3), url="https://pytorch.org/docs/stable/nn.html",
              caption="Pytorch documentation")
    assert browser_content(cue, "The docs page for torch.nn.") == BrowserContent(
        "https://pytorch.org/docs/stable/nn.html", "Pytorch documentation", "The docs page for torch.nn.")
    assert browser_content(cue, "Pytorch documentation").text == ""  # never the heading twice
    bare = Cue("browser", "m-2", Location("x.yaml", 4), url="https://pytorch.org/")
    assert browser_content(bare).title == "pytorch.org"
    assert breadcrumb("https://pytorch.org/docs/stable/nn.html") == "pytorch.org › docs › stable › nn.html"


def test_the_url_is_typed_then_loads_then_the_page_holds():
    url = "https://pytorch.org/docs/stable/nn.html"
    s = BrowserScene(BrowserContent(url, "torch.nn", ""), SIZE, FPS, 120)
    states = [s.state(frame) for frame in range(120)]
    typed = [state.typed for state in states]
    assert typed[0] == 0 and typed == sorted(typed) and typed[s.type_frames] == len(url)
    assert all(not state.loaded and state.progress == 0 for state in states[:s.type_frames])
    loading = [state.progress for state in states[s.type_frames:s.type_frames + s.load_frames]]
    assert loading == sorted(loading) and 0 < loading[0] < loading[-1] <= BrowserScene.PROGRESS_STEPS
    assert states[-1] == BrowserState(len(url), 0, True)  # loaded: the bar is gone
    assert s.keyframes() == [f for f in range(120) if f == 0 or states[f] != states[f - 1]][:len(s.keyframes())]
    assert s.state(s.keyframes()[-1]).loaded


def test_a_one_frame_segment_shows_the_loaded_page_at_once():
    s = BrowserScene(BrowserContent("https://a.org/", "A", ""), SIZE, FPS, 1)
    assert s.keyframes() == [0] and s.state(0) == BrowserState(len("https://a.org/"), 0, True)


def test_the_page_starts_below_the_window_s_chrome():
    s = BrowserScene(BrowserContent("https://a.org/", "A", ""), SIZE, FPS, 30)
    assert SIZE[1] - s.page_top == page_viewport(SIZE)[1]
    x0, y0, x1, y1 = s.address_box
    assert 0 < x0 < s.url_x < x1 < SIZE[0] and 0 < y0 < y1 < s.page_top


def test_a_breadcrumb_leaves_out_empty_steps():
    assert breadcrumb("https://pytorch.org/") == "pytorch.org"
    assert breadcrumb("https://pytorch.org//docs/") == "pytorch.org › docs"
    assert breadcrumb("file:pages/guide.html") == "file:pages/guide.html"  # was said twice, split at "/"
    assert breadcrumb("not a url") == "not a url"
