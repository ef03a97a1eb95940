"""``render new`` scaffolds a lesson that passes ``render check`` at once."""

from __future__ import annotations

from tests.support.cli import run_render



def test_new_lesson_passes_check_and_refuses_to_overwrite(tmp_path):
    made = run_render("new", "tensors-101", cwd=tmp_path, timeout=60)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "script" / "tensors-101.yaml").is_file()
    assert (tmp_path / "snippets" / "tensors_101" / "first_tensor.py").is_file()

    checked = run_render("check", "script/tensors-101.yaml", "--device", "cpu", cwd=tmp_path, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "first_tensor.py" in checked.stdout + checked.stderr

    again = run_render("new", "tensors-101", cwd=tmp_path, timeout=60)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_new_rejects_a_path_and_a_name_without_letters(tmp_path):
    for name in ("../evil", "!!!"):
        done = run_render("new", name, cwd=tmp_path, timeout=60)
        assert done.returncode == 2 and "not usable as a file name" in done.stderr
    assert not any(tmp_path.iterdir())


def test_a_title_becomes_the_id_and_stays_the_title():
    from cuecast.cli.new import lesson_name

    assert lesson_name("tensors-101") == ("tensors-101", "Tensors 101")
    assert lesson_name("Tensor Shapes") == ("tensor-shapes", "Tensor Shapes")
    assert lesson_name("Autograd: the tape #2") == ("autograd-the-tape-2", "Autograd: the tape #2")
    assert lesson_name("Tenseurs élémentaires") == ("tenseurs-elementaires", "Tenseurs élémentaires")


def test_new_from_a_title_with_yaml_specials_parses_back(tmp_path):
    from cuecast.script import load_lesson

    made = run_render("new", "Autograd: the tape #2", cwd=tmp_path, timeout=60)
    assert made.returncode == 0, made.stderr
    assert "script/autograd-the-tape-2.yaml" in made.stdout
    lesson = load_lesson(tmp_path / "script" / "autograd-the-tape-2.yaml", root=tmp_path)
    assert (lesson.id, lesson.title) == ("autograd-the-tape-2", "Autograd: the tape #2")
