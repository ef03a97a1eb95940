"""What the output recorder keeps is safe for every later stage: long lines
cut with a note (across writes and streams), lone surrogates and invalid
bytes kept as U+FFFD, and exception text bounded the same way."""

from __future__ import annotations

from cuecast.runner.streams import (
    MAX_LINE_CHARS,
    OutputRecorder,
    RecordingStream,
    bounded_text,
    line_cut_note,
    read_tee,
    tee_frame,
)


def kept(recorder: OutputRecorder) -> str:
    return "".join(text for _, text in recorder.chunks())


def test_a_long_line_is_cut_with_a_note_and_the_next_line_is_kept():
    recorder = OutputRecorder(1_000_000)
    recorder.write("stdout", "x" * 25_000 + "\nnext\n")
    assert kept(recorder).splitlines() == ["x" * MAX_LINE_CHARS + line_cut_note(), "next"]
    assert line_cut_note() == "… (line cut after 10,000 characters)"


def test_a_line_written_in_pieces_is_cut_once_and_the_rest_dropped_without_cost():
    recorder = OutputRecorder(1_000_000)
    for _ in range(100):
        recorder.write("stdout", "y" * 4_000)
    recorder.write("stdout", "\ndone\n")
    assert kept(recorder).splitlines() == ["y" * MAX_LINE_CHARS + line_cut_note(), "done"]
    assert recorder.used < MAX_LINE_CHARS + 100  # the dropped characters cost none of the budget


def test_stdout_and_stderr_share_one_line_count():
    recorder = OutputRecorder(1_000_000)
    recorder.write("stdout", "o" * 6_000)
    recorder.write("stderr", "e" * 6_000 + "\n")
    assert kept(recorder) == "o" * 6_000 + "e" * 4_000 + line_cut_note() + "\n"


def test_a_line_exactly_at_the_bound_is_not_cut():
    recorder = OutputRecorder(1_000_000)
    recorder.write("stdout", "z" * MAX_LINE_CHARS + "\n")
    assert kept(recorder) == "z" * MAX_LINE_CHARS + "\n"


def test_lone_surrogates_become_replacement_characters_and_encode():
    recorder = OutputRecorder(1_000)
    recorder.write("stdout", "caf\udce9 \ud83d\n")
    assert kept(recorder) == "caf\ufffd \ufffd\n"
    kept(recorder).encode("utf-8")


def test_binary_writes_join_split_characters_and_replace_invalid_bytes():
    recorder = OutputRecorder(1_000)
    stream = RecordingStream(recorder, "stdout")
    stream.buffer.write(b"\xe2\x82")
    stream.buffer.write(b"\xac and \xff\n")
    assert kept(recorder) == "€ and \ufffd\n"


def test_the_tee_gets_what_was_kept():
    frames = []
    recorder = OutputRecorder(1_000_000, tee=lambda stream, text: frames.append(tee_frame(stream, text)))
    recorder.write("stdout", "\udcff" + "w" * 20_000 + "\n")
    assert read_tee(b"".join(frames)) == recorder.chunks()


def test_bounded_text_treats_exception_text_like_output():
    text = bounded_text("bad \udcff " + "q" * 20_000 + "\nend", 1_000)
    assert text.startswith("bad \ufffd q")
    assert text.endswith("… output truncated after 1.0 kB\n")
    assert len(text.encode("utf-8")) < 1_100
