"""Golden captures: normalisers, tolerant comparison, golden files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cuecast.check import golden
from cuecast.check.golden import (
    GOLDEN_DRIFT,
    GOLDEN_MATCH,
    GOLDEN_MISSING,
    GOLDEN_REMOVED,
    GOLDEN_SKIPPED,
    GOLDEN_STALE,
    GOLDEN_UNCHANGED,
    GOLDEN_WRITTEN,
    check_lesson_golden,
    compare,
    find_close,
    format_golden_results,
    golden_path,
    golden_stem,
    normalise,
    tokenize,
)
from cuecast.model import (
    STATUS_ERROR,
    STATUS_EXPECTED_ERROR,
    STATUS_OK,
    Beat,
    Capture,
    Cue,
    Lesson,
    Location,
    Section,
    SnippetException,
)

SHAPES_OUT = """\
tensor([[ 0.3367,  0.1288, -0.2345],
        [ 0.2303, -1.1229, -0.1863]])
shape: torch.Size([2, 3])
dtype: torch.float32
"""


# --- normalisers ----------------------------------------------------------------


def test_normalise_replaces_memory_addresses():
    text = "<__main__.Net object at 0x7f3a5c2b1d90>\n<function f at 0x000001A2B3C4D5E6>\n"
    assert normalise(text) == "<__main__.Net object at 0x…>\n<function f at 0x…>\n"


def test_normalise_keeps_short_hex_literals():
    assert normalise("mask 0xff\n") == "mask 0xff\n"


@pytest.mark.parametrize(
    "text",
    ["took 0.53s", "took 123ms", "took 1.23 s", "took 2.5e-03 s", "took 7 µs ± 120 ns", "took 3 seconds"],
)
def test_normalise_replaces_timings(text):
    assert normalise(text) == "took <time>\n"


def test_normalise_leaves_words_that_start_with_a_unit_alone():
    assert normalise("3 steps, 2 samples\n") == "3 steps, 2 samples\n"


def test_normalise_drops_gpu_device_from_tensor_reprs():
    cuda = "tensor([1., 2.], device='cuda:0', grad_fn=<AddBackward0>)\n"
    mps = "tensor([1., 2.], device='mps:0', grad_fn=<AddBackward0>)\n"
    cpu = "tensor([1., 2.], grad_fn=<AddBackward0>)\n"
    assert normalise(cuda) == normalise(mps) == normalise(cpu) == cpu


def test_normalise_device_objects_and_names():
    assert normalise("device(type='cuda', index=0)\non cuda:1\n") == "device(type='cpu')\non cpu\n"


def test_normalise_paths_crlf_ansi_and_trailing_space(tmp_path):
    root = tmp_path / "course"
    text = (
        f"{root}/snippets/x.py:3: UserWarning: careful   \r\n"
        "\x1b[31mred\x1b[0m\r\n"
        "/usr/lib/python3.11/site-packages/torch/nn/modules/module.py:1\r\n\r\n\r\n"
    )
    assert normalise(text, roots=[root]) == (
        "<root>/snippets/x.py:3: UserWarning: careful\n"
        "red\n"
        "<site-packages>/torch/nn/modules/module.py:1\n"
    )


def test_normalise_temp_working_folders():
    assert normalise("wrote /tmp/tmpa1b2c3/out.pt\n") == "wrote <tmp>/out.pt\n"


def test_normalise_is_idempotent():
    text = "at 0x7f3a5c2b1d90 took 1.5s on cuda:0 in /tmp/tmpzz/a\n"
    once = normalise(text)
    assert normalise(once) == once


# --- tokenising ---------------------------------------------------------------------


def test_tokenize_finds_numbers_in_tensor_reprs_and_leaves_words():
    texts, numbers = tokenize("tensor([[-1.5e-05, 2., .5, nan, -inf]]) float32 x1 v1.2.3 torch.Size([64, 15])")
    assert numbers == ["-1.5e-05", "2.", ".5", "nan", "-inf", "64", "15"]
    assert "float32 x1 v1.2.3 torch.Size([" in texts[5]
    assert len(texts) == len(numbers) + 1


# --- comparing -------------------------------------------------------------------------


def test_unchanged_output_matches():
    assert compare(SHAPES_OUT, SHAPES_OUT) is None


def test_float_noise_within_tolerance_passes():
    noisy = SHAPES_OUT.replace("0.3367", "0.3368").replace("-1.1229", "-1.1228")
    assert compare(SHAPES_OUT, noisy) is None
    assert compare("loss: 0.123456789\n", "loss: 0.123456801\n") is None


def test_float_change_beyond_tolerance_fails_with_the_number_named():
    changed = SHAPES_OUT.replace("0.2303", "0.2412")
    drift = compare(SHAPES_OUT, changed)
    assert drift is not None
    (mismatch,) = drift.mismatches
    assert (mismatch.line, mismatch.expected, mismatch.actual) == (2, "0.2303", "0.2412")
    report = drift.report()
    assert "-        [ 0.2303, -1.1229, -0.1863]])" in report
    assert "+        [ 0.2412, -1.1229, -0.1863]])" in report
    assert "line 2: 0.2412 vs 0.2303 (|Δ|=1.1e-02 > tol" in report


def test_fixed_precision_rounding_flip_passes_but_exact_reprs_do_not_get_one():
    # torch prints 4 decimals: a value on a rounding boundary may flip by one unit
    assert compare("tensor([0.1235])\n", "tensor([0.1234])\n") is None
    assert compare("x 1.2345e-05\n", "x 1.2346e-05\n") is None
    # Python prints floats exactly: 0.5 vs 0.54 or 0.6 is a real change
    assert compare("x 0.5\n", "x 0.54\n") is not None
    assert compare("x 0.5\n", "x 0.6\n") is not None
    # two units is never a rounding flip
    assert compare("x 0.5000\n", "x 0.5002\n") is not None


def test_find_close_reads_a_value_however_this_cpu_rounds_it():
    """Issue 23: a softmax row summing to 0.99999994 prints 1.0000 on an
    AVX-512 CPU and 1. elsewhere; a test looking for the sum must pass on both."""
    avx512 = "tensor([1.0000, 1.0000, 1.0000], grad_fn=<SumBackward1>)\n"
    assert find_close("sums:\n" + avx512, "tensor([1., 1., 1.]") == "tensor([1.0000, 1.0000, 1.0000]"
    assert find_close("tensor([[ 0.0900,  0.2447, 0.6652],", "[[0.0900, 0.2447, 0.6652]") == "[[ 0.0900,  0.2447, 0.6652]"
    assert find_close("loss 0.0901\n", "loss 0.0900") == "loss 0.0901"  # a rounding flip


def test_find_close_still_fails_a_changed_value_shape_or_text():
    assert find_close("tensor([1.0000, 1.0000, 0.9000])", "tensor([1., 1., 1.]") is None
    assert find_close("prediction 6.96", "prediction 6.97") is None
    assert find_close("torch.Size([64, 15])", "torch.Size([64, 16])") is None  # integers exactly
    assert find_close("tensor([1., 1.], dtype=torch.float16)", "tensor([1., 1.], dtype=torch.float32)") is None
    assert find_close("x 11 2", "1 2") is None  # a number is never part of a longer one
    assert find_close("  AddBackward0", "  AddBackward0") == "  AddBackward0"  # no numbers: plain text
    assert find_close("AddBackward0", "  AddBackward0") is None


def test_find_close_keeps_looking_past_a_near_miss():
    assert find_close("loss 0.5\nloss 0.25\n", "loss 0.25") == "loss 0.25"


def test_tolerances_are_options():
    assert compare("x 1.00\n", "x 1.05\n") is not None
    assert compare("x 1.00\n", "x 1.05\n", rtol=0.1) is None
    assert compare("x 0.0\n", "x 0.004\n", atol=0.01) is None


def test_changed_shape_fails_with_readable_diff():
    drift = compare(SHAPES_OUT, SHAPES_OUT.replace("Size([2, 3])", "Size([2, 4])"))
    assert drift is not None
    assert "-shape: torch.Size([2, 3])" in drift.diff
    assert "+shape: torch.Size([2, 4])" in drift.diff
    assert "line 3: 4 vs 3 (integers must match exactly)" in drift.report()


def test_integers_never_pass_on_tolerance():
    assert compare("n 100000\n", "n 100001\n", rtol=0.5) is not None


def test_changed_dtype_fails_as_text():
    drift = compare(SHAPES_OUT, SHAPES_OUT.replace("float32", "float64"))
    assert drift is not None
    assert drift.changed_lines == (4,)
    assert "+dtype: torch.float64" in drift.diff


def test_different_count_of_numbers_fails():
    assert compare("values: 1.0 2.0\n", "values: 1.0 2.0 3.0\n") is not None


def test_extra_or_missing_lines_fail():
    drift = compare(SHAPES_OUT, SHAPES_OUT + "one more line\n")
    assert drift is not None
    assert drift.line_count == (4, 5)
    assert "+one more line" in drift.diff


def test_address_in_repr_does_not_fail():
    assert compare("<Net object at 0x7f3a5c2b1d90>\n", "<Net object at 0x55d0c0ffee00>\n") is None


def test_gpu_capture_matches_cpu_golden():
    cpu = "tensor([0.5000, 0.2500], grad_fn=<MulBackward0>)\n"
    cuda = "tensor([0.5000, 0.2500], device='cuda:0', grad_fn=<MulBackward0>)\n"
    assert compare(cpu, cuda) is None


def test_padding_change_from_a_sign_flip_within_tolerance_passes():
    golden_text = "tensor([[ 0.0000,  1.5000],\n        [ 2.0000, -3.0000]])\n"
    actual = "tensor([[-0.0000,  1.5000],\n        [ 2.0000, -3.0000]])\n"
    assert compare(golden_text, actual) is None


def test_nan_and_inf_compare_exactly():
    assert compare("x nan inf -inf\n", "x nan inf -inf\n") is None
    assert compare("x nan\n", "x 0.5\n") is not None
    assert compare("x inf\n", "x -inf\n") is not None


def test_diff_hides_lines_that_agree_within_tolerance():
    golden_text = "a 0.5000\nb 0.2500\n"
    actual = "a 0.5001\nb 0.9999\n"
    drift = compare(golden_text, actual)
    assert drift is not None
    assert "+a 0.5001" not in drift.diff
    assert " a 0.5000" in drift.diff
    assert "+b 0.9999" in drift.diff


# --- golden files -----------------------------------------------------------------------


def make_lesson(root: Path, snippets=("snippets/shapes.py",), expect_error=()) -> Lesson:
    beats = tuple(
        Beat(
            id=f"main-{n}",
            location=Location("script/tiny.yaml", 5 + n),
            cue=Cue(
                kind="vscode",
                id=f"main-{n}",
                location=Location("script/tiny.yaml", 5 + n),
                snippet=snippet,
                expect_error=snippet in expect_error,
            ),
        )
        for n, snippet in enumerate(snippets, start=1)
    )
    section = Section(id="main", title="Main", location=Location("script/tiny.yaml", 3), beats=beats)
    return Lesson(
        id="tiny",
        title="Tiny",
        source="script/tiny.yaml",
        root=str(root),
        location=Location("script/tiny.yaml"),
        sections=(section,),
    )


def capture(snippet="snippets/shapes.py", output=SHAPES_OUT, status=STATUS_OK, device="cpu", exception=None):
    return Capture(snippet=snippet, status=status, output=output, device=device, exception=exception)


def test_golden_stem_and_paths(tmp_path):
    lesson = make_lesson(tmp_path)
    assert golden_stem("snippets/casting.py") == "casting"
    assert golden_stem("snippets/extra/util.py") == "extra__util"
    assert golden_stem("other/x.py") == "other__x"
    folder = tmp_path / "script" / "tiny.golden"
    assert golden_path(lesson, "snippets/casting.py") == folder / "casting.txt"
    assert golden_path(lesson, "snippets/casting.py", "cuda") == folder / "casting.txt"
    assert golden_path(lesson, "snippets/casting.py", "cuda", per_device=True) == folder / "casting.cuda.txt"
    (folder).mkdir(parents=True)
    (folder / "casting.cuda.txt").write_text("x\n")
    assert golden_path(lesson, "snippets/casting.py", "cuda") == folder / "casting.cuda.txt"
    assert golden_path(lesson, "snippets/casting.py", "cpu") == folder / "casting.txt"


def test_missing_golden_file_fails_and_says_how_to_create_it(tmp_path):
    lesson = make_lesson(tmp_path)
    (result,) = check_lesson_golden(lesson, {"snippets/shapes.py": capture()})
    assert result.status == GOLDEN_MISSING
    assert not result.passed
    assert "--update-golden" in result.message


def test_update_golden_round_trip(tmp_path):
    lesson = make_lesson(tmp_path)
    captures = {"snippets/shapes.py": capture()}
    (written,) = check_lesson_golden(lesson, captures, update=True)
    assert written.status == GOLDEN_WRITTEN
    path = tmp_path / "script" / "tiny.golden" / "shapes.txt"
    assert path.read_text() == SHAPES_OUT
    assert not list(path.parent.glob("*.part"))

    (matched,) = check_lesson_golden(lesson, captures)
    assert matched.status == GOLDEN_MATCH and matched.passed

    # Noise within tolerance: an update leaves the file as it was.
    noisy = {"snippets/shapes.py": capture(output=SHAPES_OUT.replace("0.3367", "0.3368"))}
    (unchanged,) = check_lesson_golden(lesson, noisy, update=True)
    assert unchanged.status == GOLDEN_UNCHANGED
    assert path.read_text() == SHAPES_OUT

    # A real change drifts, then an update accepts it.
    changed = {"snippets/shapes.py": capture(output=SHAPES_OUT.replace("[2, 3]", "[3, 2]"))}
    (drifted,) = check_lesson_golden(lesson, changed)
    assert drifted.status == GOLDEN_DRIFT and not drifted.passed
    assert "+shape: torch.Size([3, 2])" in drifted.report()
    assert "script/tiny.golden/shapes.txt" in drifted.report()
    (rewritten,) = check_lesson_golden(lesson, changed, update=True)
    assert rewritten.status == GOLDEN_WRITTEN
    assert "torch.Size([3, 2])" in path.read_text()
    (again,) = check_lesson_golden(lesson, changed)
    assert again.status == GOLDEN_MATCH


def test_golden_files_are_written_normalised(tmp_path):
    lesson = make_lesson(tmp_path)
    out = f"model at 0x7f3a5c2b1d90 took 2.5s\r\nfile {tmp_path}/snippets/shapes.py\n"
    check_lesson_golden(lesson, {"snippets/shapes.py": capture(output=out)}, update=True)
    written = (tmp_path / "script" / "tiny.golden" / "shapes.txt").read_text()
    assert written == "model at 0x… took <time>\nfile <root>/snippets/shapes.py\n"


def test_per_device_golden_files(tmp_path):
    lesson = make_lesson(tmp_path)
    folder = tmp_path / "script" / "tiny.golden"
    check_lesson_golden(lesson, {"snippets/shapes.py": capture(output="on cpu\n")}, update=True)
    cuda = {"snippets/shapes.py": capture(output="GPU: H100\n", device="cuda")}
    (result,) = check_lesson_golden(lesson, cuda, update=True, per_device=True)
    assert result.path == folder / "shapes.cuda.txt"
    assert (folder / "shapes.txt").read_text() == "on cpu\n"
    assert (folder / "shapes.cuda.txt").read_text() == "GPU: H100\n"
    assert check_lesson_golden(lesson, cuda)[0].status == GOLDEN_MATCH
    cpu = {"snippets/shapes.py": capture(output="on cpu\n")}
    assert check_lesson_golden(lesson, cpu)[0].status == GOLDEN_MATCH


def test_per_device_update_writes_a_device_file_only_where_the_device_differs(tmp_path):
    lesson = make_lesson(tmp_path, snippets=("snippets/shapes.py", "snippets/device.py"))
    folder = tmp_path / "script" / "tiny.golden"
    cpu = {
        "snippets/shapes.py": capture("snippets/shapes.py", "x: tensor([1., 2.])\n"),
        "snippets/device.py": capture("snippets/device.py", "CUDA available: False\n"),
    }
    check_lesson_golden(lesson, cpu, update=True)
    cuda = {
        "snippets/shapes.py": capture("snippets/shapes.py", "x: tensor([1., 2.], device='cuda:0')\n", device="cuda"),
        "snippets/device.py": capture("snippets/device.py", "CUDA available: True\nmoved to: cuda:0\n", device="cuda"),
    }
    shapes, device = check_lesson_golden(lesson, cuda, update=True, per_device=True)
    assert (shapes.status, shapes.path) == (GOLDEN_UNCHANGED, folder / "shapes.txt")
    assert (device.status, device.path) == (GOLDEN_WRITTEN, folder / "device.cuda.txt")
    assert sorted(p.name for p in folder.iterdir()) == ["device.cuda.txt", "device.txt", "shapes.txt"]
    # The device's own file says what that device printed, names included.
    assert (folder / "device.cuda.txt").read_text() == "CUDA available: True\nmoved to: cuda:0\n"
    assert [r.status for r in check_lesson_golden(lesson, cuda)] == [GOLDEN_MATCH, GOLDEN_MATCH]
    assert [r.status for r in check_lesson_golden(lesson, cpu)] == [GOLDEN_MATCH, GOLDEN_MATCH]
    other_gpu = dict(cuda, **{"snippets/device.py": capture("snippets/device.py", "CUDA available: True\nmoved to: cuda:1\n",
                                                           device="cuda")})
    assert check_lesson_golden(lesson, other_gpu)[1].status == GOLDEN_DRIFT


def test_failed_snippet_is_skipped_and_never_written(tmp_path):
    lesson = make_lesson(tmp_path)
    boom = SnippetException("RuntimeError", "boom", "Traceback ...\nRuntimeError: boom\n", 3)
    failed = {"snippets/shapes.py": capture(status=STATUS_ERROR, exception=boom)}
    (result,) = check_lesson_golden(lesson, failed, update=True)
    assert result.status == GOLDEN_SKIPPED
    assert not (tmp_path / "script" / "tiny.golden").exists()


def test_expected_error_golden_holds_the_exception(tmp_path):
    lesson = make_lesson(tmp_path, snippets=("snippets/no_grad.py",), expect_error=("snippets/no_grad.py",))
    exc = SnippetException("RuntimeError", "element 0 of tensors does not require grad", "tb", 5)
    cap = capture("snippets/no_grad.py", "requires_grad: False\n", STATUS_EXPECTED_ERROR, exception=exc)
    check_lesson_golden(lesson, {"snippets/no_grad.py": cap}, update=True)
    text = (tmp_path / "script" / "tiny.golden" / "no_grad.txt").read_text()
    assert text == "requires_grad: False\n[raised] RuntimeError: element 0 of tensors does not require grad\n"
    other = SnippetException("ValueError", "something else", "tb", 5)
    changed = {"snippets/no_grad.py": capture("snippets/no_grad.py", "requires_grad: False\n",
                                              STATUS_EXPECTED_ERROR, exception=other)}
    (result,) = check_lesson_golden(lesson, changed)
    assert result.status == GOLDEN_DRIFT
    assert "+[raised] ValueError: something else" in result.report()


def test_results_follow_script_order_and_skip_snippets_not_run(tmp_path):
    lesson = make_lesson(tmp_path, snippets=("snippets/b.py", "snippets/a.py", "snippets/c.py"))
    captures = {"snippets/a.py": capture("snippets/a.py"), "snippets/b.py": capture("snippets/b.py")}
    results = check_lesson_golden(lesson, captures, update=True)
    assert [r.snippet for r in results] == ["snippets/b.py", "snippets/a.py"]


def test_absolute_script_source(tmp_path):
    lesson = make_lesson(tmp_path)
    lesson = Lesson(**{**lesson.__dict__, "source": str(tmp_path / "elsewhere" / "tiny.yaml")})
    assert golden.golden_dir(lesson) == tmp_path / "elsewhere" / "tiny.golden"


# --- properties -------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "tensor([", "0.5000", "-1.25e-03", "nan", "inf", "64", "]", ", ", " ", "\n", "\r\n", "  ",
    "device='cuda:0'", ", device='cuda:0'", "0x7f3a5c2b1d90", "took ", "1.5", "ms", " s", "float32",
    "torch.Size([", "x", "-", ".", "/tmp/tmpab/", "\t", "e", "1",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_any_output_matches_itself_and_normalising_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert compare(text, text) is None
    assert compare(once, text) is None


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.floats(min_value=-1e-7, max_value=1e-7))
def test_float_noise_in_a_torch_style_print_passes(value, noise):
    golden_text = f"tensor([{value:.4f}])\n"
    noisy = f"tensor([{value * (1 + noise):.4f}])\n"
    assert compare(golden_text, noisy) is None


def test_golden_files_no_snippet_prints_are_stale_and_an_update_removes_them(tmp_path):
    lesson = make_lesson(tmp_path)
    folder = tmp_path / "script" / "tiny.golden"
    check_lesson_golden(lesson, {"snippets/shapes.py": capture()}, update=True)
    (folder / "renamed_away.txt").write_text("old output\n")
    (folder / "shapes.cuda.txt").write_text(SHAPES_OUT)  # a device file of a live snippet is not stale
    (folder / "renamed_away.cuda.txt").write_text("old\n")

    results = check_lesson_golden(lesson, {"snippets/shapes.py": capture()})
    assert [(r.snippet, r.status) for r in results] == [
        ("snippets/shapes.py", GOLDEN_MATCH), ("renamed_away.cuda.txt", GOLDEN_STALE), ("renamed_away.txt", GOLDEN_STALE)]
    assert all(r.passed for r in results)  # reported, not a failure
    assert "STALE script/tiny.golden/renamed_away.txt belongs to no snippet of the lesson" in \
        format_golden_results(results).replace(str(tmp_path) + "/", "")
    assert check_lesson_golden(lesson, {}) == []  # a partial run cannot tell what is stale

    updated = check_lesson_golden(lesson, {"snippets/shapes.py": capture()}, update=True)
    assert [r.status for r in updated] == [GOLDEN_UNCHANGED, GOLDEN_REMOVED, GOLDEN_REMOVED]
    assert sorted(p.name for p in folder.iterdir()) == ["shapes.cuda.txt", "shapes.txt"]
