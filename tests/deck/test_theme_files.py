"""The theme's stamp: what a skipped slides stage fingerprints instead of
reading the theme, so it must move whenever the theme read would."""

from __future__ import annotations

import os

from cuecast.deck.theme_files import DEFAULT_THEME_PATH, lesson_theme_path, theme_stamp


def write_theme(folder, text="fonts:\n  sans: {family: Inter, regular: Inter.ttf, bold: Inter-Bold.ttf}\n"
                               "logo: img/logo.png\n"):
    (folder / "img").mkdir(parents=True, exist_ok=True)
    (folder / "Inter.ttf").write_bytes(b"font")
    (folder / "img" / "logo.png").write_bytes(b"logo")
    (folder / "notes.txt").write_text("not named by the theme", encoding="utf-8")
    path = folder / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_stamp_moves_with_the_theme_and_the_files_it_names(tmp_path):
    path = write_theme(tmp_path)
    first = theme_stamp(path)
    assert [name for name, _, _ in first[2]] == ["Inter.ttf", "img/logo.png"]  # Inter-Bold.ttf is not there
    (tmp_path / "notes.txt").write_text("edited", encoding="utf-8")
    assert theme_stamp(path) == first
    (tmp_path / "img" / "logo.png").write_bytes(b"another logo")
    second = theme_stamp(path)
    assert second != first
    (tmp_path / "Inter-Bold.ttf").write_bytes(b"bold")  # a font that was missing is there now
    third = theme_stamp(path)
    assert third != second
    path.write_text(path.read_text(encoding="utf-8") + "run_time: true\n", encoding="utf-8")
    assert theme_stamp(path)[1] != third[1]


def test_a_theme_that_does_not_parse_or_is_missing_still_has_a_stamp(tmp_path):
    broken = tmp_path / "theme.yaml"
    broken.write_text("fonts: [unclosed\n", encoding="utf-8")
    assert theme_stamp(broken)[2] == ()
    assert theme_stamp(tmp_path / "nothing.yaml")[0] == str(tmp_path / "nothing.yaml")
    assert theme_stamp(None)[0] == str(DEFAULT_THEME_PATH)


def test_the_lesson_s_theme_is_the_option_else_its_own_else_none(tmp_path):
    assert lesson_theme_path(tmp_path) is None
    own = write_theme(tmp_path / "slides")
    assert lesson_theme_path(tmp_path) == own
    assert lesson_theme_path(tmp_path, tmp_path / "other.yaml") == tmp_path / "other.yaml"
    os.remove(own)
    assert lesson_theme_path(tmp_path) is None


def test_an_alias_bomb_is_stamped_without_expanding_it(tmp_path):
    levels = ["a0: &a0 [Inter.ttf, Inter.ttf, Inter.ttf, Inter.ttf, Inter.ttf, Inter.ttf, Inter.ttf, Inter.ttf]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 12)]  # 9^11 names if expanded
    path = tmp_path / "theme.yaml"
    path.write_text("\n".join(levels) + "\n", encoding="utf-8")
    (tmp_path / "Inter.ttf").write_bytes(b"font")
    assert [name for name, _, _ in theme_stamp(path)[2]] == ["Inter.ttf"]


def test_kept_names_stamp_as_the_theme_does_and_follow_its_bytes(tmp_path, monkeypatch):
    import cuecast.deck.theme_files as theme_files

    path = write_theme(tmp_path / "slides")
    kept = tmp_path / "build" / ".cache" / "theme-names"
    fresh = theme_stamp(path)
    assert theme_stamp(path, names_dir=kept) == fresh  # read, then kept
    parsed = []
    monkeypatch.setattr(theme_files, "_scalars", lambda data: parsed.append(data) or [])
    assert theme_stamp(path, names_dir=kept) == fresh  # read back: the parser is not asked
    assert parsed == []
    path.write_text("logo: img/logo.png\n", encoding="utf-8")  # other bytes: parsed again
    theme_stamp(path, names_dir=kept)
    assert parsed == [b"logo: img/logo.png\n"]


def test_damaged_kept_names_are_read_again(tmp_path):
    path = write_theme(tmp_path / "slides")
    kept = tmp_path / "kept"
    fresh = theme_stamp(path, names_dir=kept)
    (only,) = kept.iterdir()
    for damage in ("[1, 2]", "{not json", '{"a": 1}'):
        only.write_text(damage, encoding="utf-8")
        assert theme_stamp(path, names_dir=kept) == fresh
    assert only.read_text(encoding="utf-8").startswith("[")
