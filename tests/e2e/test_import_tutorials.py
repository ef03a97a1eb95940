"""``render import`` of real tutorial formats: a sphinx-gallery script, a
notebook, a percent script, Quarto and MyST files (tests/fixtures/import/).

Each import is checked for what an author relies on: every heading is a
section, every code block a cue in order naming its cell, the narration is
clean speakable text, and the cell file runs with plain ``python`` and holds
exactly the cells the cues name.
"""

from __future__ import annotations

import re
import shutil
import textwrap
import subprocess
import sys

import pytest

from cuecast.check.golden import find_close
from cuecast.errors import ScriptError
from cuecast.importers import import_file
from cuecast.script import default_say
from cuecast.speech import speech
from tests.support import paths

FIXTURES = paths.FIXTURES / "import"

#: Markup a voice must never be handed.
MARKUP = re.compile(r"`|:\w+:`|\]\(|<https?:|https?://|\*\*|\$|\\|^\.\. |\|\w+\||\{\w+\}|\bVO:|Narrator:")


def walk(sections):
    """(section, beat) for every beat of every section and subsection, in order."""
    for section in sections:
        for beat in section.get("beats", []):
            yield section, beat
        yield from walk(section.get("subsections", []))


def titles(sections, depth=0):
    """(depth, title) of every section and subsection, in order."""
    found = []
    for section in sections:
        found.append((depth, section["title"]))
        found.extend(titles(section.get("subsections", []), depth + 1))
    return found


def narration(beat) -> str:
    """What the voice reads for a beat (the parser's rule: say, read by the
    one normaliser, else the bullet and points)."""
    if "say" in beat:
        return speech(beat["say"])
    if "bullet" in beat:
        return default_say(beat["bullet"], beat.get("points", []))
    return ""


def cues(data):
    return [beat for _, beat in walk(data["sections"]) if beat.get("show") == "vscode"]


def cell_titles(text: str) -> list[str]:
    return re.findall(r"^# %% (.+)$", text, flags=re.M)


def assert_speakable(data):
    for _, beat in walk(data["sections"]):
        said = narration(beat)
        assert not MARKUP.search(said), f"markup in narration: {said!r}"
        assert said == " ".join(said.split())


def assert_runs_standalone(imported, tmp_path) -> str:
    path = tmp_path / imported.snippet
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(imported.cell_text, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def assert_cells_match_cues(imported):
    names = [cue["cell"] for cue in cues(imported.data)]
    assert names == cell_titles(imported.cell_text)
    assert len(set(names)) == len(names)
    assert all(cue["snippet"] == imported.snippet for cue in cues(imported.data))
    compile(imported.cell_text, imported.snippet, "exec")


# --- sphinx-gallery ------------------------------------------------------------


def test_sphinx_gallery_script(tmp_path):
    imported = import_file(FIXTURES / "tensors_gallery.py", tmp_path)
    data = imported.data
    assert imported.reader == "sphinx-gallery"
    assert (data["lesson"], data["id"], imported.snippet) == ("Tensors", "tensors_gallery", "snippets/tensors_gallery.py")
    assert titles(data["sections"]) == [
        (0, "Introduction"), (0, "Initializing a Tensor"), (0, "Attributes of a Tensor"),
        (0, "Operations on Tensors"), (1, "Joining tensors")]
    # every code block after the imports is a cue, in order, titled after its heading
    assert [cue["cell"] for cue in cues(data)] == [
        "Initializing a Tensor", "Initializing a Tensor (2)", "Attributes of a Tensor",
        "Operations on Tensors", "Joining tensors"]
    assert_cells_match_cues(imported)
    assert_speakable(data)

    intro = data["sections"][0]["beats"]
    # long prose: the first sentence on the slide, all of it said
    assert intro[0]["bullet"] == "Tensors are a specialized data structure that are very similar to arrays and matrices."
    assert intro[0]["say"].endswith("as well as the model's parameters.")
    # a link keeps its words
    assert intro[1] == {"bullet": "Tensors are similar to NumPy's ndarrays, except that tensors can run on GPUs "
                                  "or other hardware accelerators."}
    init = data["sections"][1]["beats"]
    assert init[1] == {"bullet": "Directly from data, with `torch.tensor`"}
    assert init[2] == {"bullet": "From another tensor, with `ones_like`",
                       "points": ["the new tensor keeps the shape and datatype", "unless they are explicitly overridden"]}
    # a cue with no prose of its own says its cell's title; the paragraph before code is said over it
    assert init[3]["say"] == "Initializing a Tensor."
    assert speech(init[4]["say"]) == "The new tensor retains the properties of x_data:"
    # a role is code on the slide and a name in the voice; math is symbols and words
    title, attributes = data["sections"][2]["beats"]
    assert title == {"say": "Attributes of a Tensor."}  # said on its slide, not a silent title card
    assert attributes["show"] == "vscode" and "A torch.Tensor always has a dtype and a device." in speech(attributes["say"])
    operations = data["sections"][3]["beats"]
    assert operations[0]["bullet"] == "The mean squared error of a prediction is 1/n Σᵢ (yᵢ - ŷᵢ)²."
    assert speech(operations[0]["say"]) == ("The mean squared error of a prediction is 1 over n the sum over i of "
                                    "y i minus y hat i squared.")
    assert operations[1]["bullet"].startswith("Note: In-place operations save some memory")

    text = imported.cell_text
    assert text.index("import torch") < text.index("# %% Initializing a Tensor")  # set-up, not a cue
    assert "sphinx_gallery_thumbnail_number" not in text
    out = assert_runs_standalone(imported, tmp_path)
    assert "Shape of tensor: torch.Size([3, 4])" in out

    todo = "\n".join(imported.todos)
    assert re.search(r"tensors_gallery\.py:14  the image 'images/tensor\.png' is outside the project folder", todo)
    assert re.search(r"tensors_gallery\.py:65  unknown directive '\.\. youtube::' was left out", todo)


def test_gallery_image_inside_the_project_is_a_slides_cue(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "tutorials")
    imported = import_file(tmp_path / "tutorials" / "tensors_gallery.py", tmp_path)
    image = [beat for _, beat in walk(imported.data["sections"]) if beat.get("show") == "slides"]
    assert image == [{"show": "slides", "image": "tutorials/images/tensor.png",
                      "caption": "A 3-by-4 tensor drawn as a grid"}]
    assert not any("the image" in line for line in imported.todos)


# --- notebook ------------------------------------------------------------------


def test_notebook(tmp_path):
    imported = import_file(FIXTURES / "autograd.ipynb", tmp_path)
    data = imported.data
    assert imported.reader == "notebook"
    assert data["lesson"] == "Automatic Differentiation with torch.autograd"  # a title shows no markup
    assert titles(data["sections"]) == [
        (0, "Introduction"), (0, "Tensors, Functions and Computational graph"), (0, "Computing Gradients"),
        (1, "Disabling Gradient Tracking")]
    assert [cue["cell"] for cue in cues(data)] == [
        "Tensors, Functions and Computational graph", "Tensors, Functions and Computational graph (2)",
        "Computing Gradients", "Disabling Gradient Tracking"]
    assert_cells_match_cues(imported)
    assert_speakable(data)

    graph = data["sections"][1]["beats"]
    assert graph[0] == {"say": "Tensors, Functions and Computational graph."}
    # the paragraph leading into the code is said while the code is on screen, maths in words
    assert graph[1]["show"] == "vscode" and speech(graph[1]["say"]).startswith("Consider the simplest one-layer")
    assert speech(graph[1]["say"]).endswith("some loss function L equals one half times the quantity z minus y squared. "
                                    "It can be defined in PyTorch in the following manner:")
    # background prose after a code block stays after its cue, in the same section
    assert graph[2] == {"bullet": "In this network, `w` and `b` are parameters, which we need to optimize."}
    assert graph[3]["points"] == ["it knows how to compute the function in the forward direction,",
                                  "and how to compute its derivative during the backward propagation step."]
    assert graph[4]["show"] == "vscode" and graph[4]["say"] == "Tensors, Functions and Computational graph."
    # a link keeps its words; a blockquote note is read as a note
    assert data["sections"][0]["beats"][1]["bullet"].endswith("read more in the autograd mechanics notes.")
    # the paragraph after the last code of a section is said over that code's output
    assert speech(data["sections"][2]["beats"][1]["then"]) == ("Note: We can only perform backward once on a given graph, "
                                                       "for performance reasons.")
    assert all(cue.get("say") for cue in cues(data))  # no imported code cue is silent

    text = imported.cell_text
    assert "# %matplotlib inline" in text and "Gradient function for z = AddBackward0" not in text
    out = assert_runs_standalone(imported, tmp_path)
    assert out.splitlines()[0] == "Gradient function for z = AddBackward0"
    assert out.splitlines()[-1] == "False"
    todo = "\n".join(imported.todos)
    assert re.search(r"autograd\.ipynb:25  the IPython line '%matplotlib inline' was commented out", todo)
    assert re.search(r"autograd\.ipynb:\d+  the image 'images/comp-graph\.png' was not found", todo)


def test_notebook_lines_and_stored_errors(tmp_path):
    """A to-do names the notebook's own line; a cell saved with an error
    output expects the error."""
    import json

    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Errors\n", "\n", "## Shapes\n"]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": [
            "import torch\n", "import not_a_real_package_cuecast\n", "torch.ones(2) @ torch.ones(3)"],
         "outputs": [{"output_type": "error", "ename": "RuntimeError", "evalue": "size mismatch", "traceback": []}]},
        {"cell_type": "raw", "metadata": {}, "source": ["raw text"]},
    ]}
    path = tmp_path / "errors.ipynb"
    text = json.dumps(notebook, indent=1)
    path.write_text(text)
    imported = import_file(path, tmp_path)
    (cue,) = cues(imported.data)
    assert cue["expect_error"] is True and cue["cell"] == "Shapes"
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if '"import not_a_real_package_cuecast' in t)
    todo = "\n".join(imported.todos)
    assert f"errors.ipynb:{line}  imports 'not_a_real_package_cuecast', which is not installed here" in todo
    assert "raised an error when the notebook was saved" in todo
    assert "a raw cell (cell 3) was left out" in todo


# --- percent -------------------------------------------------------------------


def test_percent_script(tmp_path):
    imported = import_file(FIXTURES / "nn_percent.py", tmp_path)
    data = imported.data
    assert imported.reader == "percent"
    assert data["lesson"] == "Build the Neural Network"
    assert titles(data["sections"]) == [(0, "Introduction"), (0, "Define the Class"), (0, "Model Layers"),
                                        (1, "Softmax")]
    # an explicit '# %% Title' is kept; other cells take the nearest heading
    assert [cue["cell"] for cue in cues(data)] == [
        "Introduction", "Define the network", "Define the Class", "Model Layers", "Softmax"]
    assert_cells_match_cues(imported)
    assert_speakable(data)
    layers = data["sections"][2]["beats"]
    assert {key: layers[0][key] for key in ("bullet", "points")} == {
        "bullet": "Each layer maps its input x to σ(Wx + b), where:",
        "points": ["W is the weight matrix of an `nn.Linear`", "σ is the non-linearity, here `nn.ReLU`"],
    }
    # said: the TeX and code marks the author wrote, read by the one normaliser
    assert layers[0]["say"] == ("Each layer maps its input $x$ to $\\sigma(Wx + b)$, where: $W$ is the weight matrix "
                                "of an `nn.Linear`; $\\sigma$ is the non-linearity, here `nn.ReLU`.")
    assert speech(layers[0]["say"]) == ("Each layer maps its input x to sigma of W x plus b, where: W is the weight matrix "
                                        "of an nn.Linear; sigma is the non-linearity, here nn.ReLU.")
    assert speech(data["sections"][1]["beats"][2]["say"]) == "We create an instance of NeuralNetwork and print its structure:"
    assert "jupytext" not in imported.cell_text
    out = assert_runs_standalone(imported, tmp_path)
    # each softmax row sums to 1 within float32 rounding: this CPU may print 1.0000 (issue 23)
    assert find_close(out, "tensor([1., 1., 1.]"), out
    assert imported.todos == []


def test_percent_setup_downloads_and_missing_packages(tmp_path):
    source = tmp_path / "mnist.py"
    source.write_text(
        "import torch\n"                                                    # 1: set-up, not shown
        "import not_a_real_package_cuecast\n"                               # 2
        "\n"
        "# %% [markdown]\n"
        "# ## Data\n"
        "\n"
        "# %%\n"
        "from torchvision import datasets\n"                                # 8
        "train = datasets.MNIST('data', train=True, download=True)\n"      # 9
        "# %% Fetch\n"
        "import urllib.request\n"
        "page = urllib.request.urlopen('https://example.org').read()\n"     # 12
        "x = 1 +\n"                                                         # 13: not valid on its own
    )
    with pytest.raises(ScriptError) as refused:
        import_file(source, tmp_path)  # a .py that is not valid Python is refused, at its line
    assert (refused.value.diagnostics[0].location.line, refused.value.diagnostics[0].message) == (
        13, "not valid Python: invalid syntax")
    source.write_text(source.read_text().replace("x = 1 +\n", "x = 1\n"))
    imported = import_file(source, tmp_path)
    assert [cue["cell"] for cue in cues(imported.data)] == ["Data", "Fetch"]
    text = imported.cell_text
    assert text.index("import not_a_real_package_cuecast") < text.index("# %% Data")
    todo = "\n".join(imported.todos)
    assert "mnist.py:2  imports 'not_a_real_package_cuecast', which is not installed here" in todo
    assert "mnist.py:9  downloads a data set (download=True): the check runs offline" in todo
    assert "mnist.py:12  downloads with urlopen" in todo


# --- Quarto and MyST -------------------------------------------------------------


def test_quarto(tmp_path):
    imported = import_file(FIXTURES / "broadcasting.qmd", tmp_path)
    data = imported.data
    assert imported.reader == "fenced"
    assert data["lesson"] == "Broadcasting in PyTorch"
    assert titles(data["sections"]) == [(0, "Introduction"), (0, "Compatible shapes"), (0, "Summing back")]
    assert [cue["cell"] for cue in cues(data)] == ["Compatible shapes", "Compatible shapes (2)", "Summing back"]
    assert_cells_match_cues(imported)
    assert_speakable(data)
    assert "#| label" not in imported.cell_text
    # a callout between two code blocks leads into the second; a heading with only code says its title
    assert speech(data["sections"][1]["beats"][2]["say"]) == "Tip: Use unsqueeze to add the dimension of size 1 that " \
                                                     "broadcasting needs."
    assert data["sections"][2]["beats"][0] == {"say": "Summing back."}
    assert_runs_standalone(imported, tmp_path)
    assert [t.split("  ", 1)[1] for t in imported.todos] == ["a code cell in 'r' is not Python; it was left out"]


def test_myst(tmp_path):
    imported = import_file(FIXTURES / "indexing_myst.md", tmp_path)
    data = imported.data
    assert imported.reader == "fenced"
    assert data["lesson"] == "Indexing tensors"
    assert [cue["cell"] for cue in cues(data)] == ["Introduction", "Rows and columns", "Rows and columns (2)"]
    assert_cells_match_cues(imported)
    assert_speakable(data)
    assert ":tags:" not in imported.cell_text
    intro = data["sections"][0]["beats"]
    assert intro[1]["cell"] == "Introduction"
    assert speech(intro[1]["say"]).endswith("see torch.index_select for the general case.")  # said over its code
    assert data["sections"][1]["beats"][0]["say"] == "Rows and columns."
    assert speech(data["sections"][1]["beats"][1]["say"]) == "Note: Slicing returns a view: changing it changes t."
    assert_runs_standalone(imported, tmp_path)


def test_plain_markdown_tutorial_runs_its_python_fences(tmp_path):
    source = tmp_path / "plain.md"
    source.write_text("# Plain\n\nSome words.\n\n```python\nprint('hi')\n```\n\n```bash\npip install torch\n```\n")
    imported = import_file(source, tmp_path)
    assert imported.reader == "fenced"
    assert [cue["cell"] for cue in cues(imported.data)] == ["Plain", "Plain (2)"]
    assert "print('hi')" in imported.cell_text
    # the bash block is shown, commented out, and never run
    assert "# pip install torch" in imported.cell_text and cues(imported.data)[1]["output"] == "none"
    assert [t.split("plain.md:", 1)[1] for t in imported.todos] == [
        "10  a 'bash' block in the prose is shown as comments in a cell of its own and not run; "
        "make it a code block to run it"]


def test_gallery_edge_cases(tmp_path):
    """A navigation bar is not narration; comments that missed their splitter
    sit atop the next code; a matrix equation is a to-do, not a recitation."""
    source = tmp_path / "edges.py"
    source.write_text(textwrap.dedent(r'''
        """
        `Basics <intro.html>`_ ||
        **Autograd** ||
        `Next <next.html>`_

        Edges
        =====

        Intro.
        """

        import torch

        ########################################
        # Part
        # ----
        #
        # Reasons:
        #   - one
        #   - two
        #
        # .. math::
        #
        #    J=\left(\begin{array}{cc} a & b \\ c & d \end{array}\right)

        #   stray comment

        # %%
        print(torch.ones(1))
        ''').lstrip())
    imported = import_file(source, tmp_path)
    data = imported.data
    assert data["sections"][0]["beats"] == [{"bullet": "Intro."}]
    part = data["sections"][1]["beats"]
    assert part[0] == {"bullet": "Reasons:", "points": ["one", "two"], "say": "Reasons: one; two."}
    assert part[1]["cell"] == "Part"
    assert imported.cell_text.index("#   stray comment") < imported.cell_text.index("print(torch.ones(1))")
    assert "# %%" not in imported.cell_text.split("# %% Part", 1)[1]
    assert any("a display equation with a matrix or environment was left out" in t for t in imported.todos)


def test_a_short_bold_label_names_the_cell_after_it(tmp_path):
    """sphinx-gallery tutorials head code blocks with a bold phrase; those
    name the cells better than the section heading with (2), (3)."""
    source = tmp_path / "labels.py"
    source.write_text('"""\nLabels\n======\n\nA tutorial.\n"""\nimport torch\n\n'
                      "######################################################################\n"
                      "# Making tensors\n# --------------\n#\n# **Directly from data**\n#\n"
                      "# Tensors can be created directly from data. The type is inferred.\n\n"
                      "x = torch.tensor([[1, 2], [3, 4]])\n\n"
                      "######################################################################\n"
                      "# **From another tensor:**\n\n"
                      "y = torch.ones_like(x)\nprint(y)\n\n"
                      "######################################################################\n"
                      "# A last sentence about the result, which is not a label.\n\n"
                      "print(x + y)\n", encoding="utf-8")
    imported = import_file(source, tmp_path)
    assert [cue["cell"] for cue in cues(imported.data)] == [
        "Directly from data", "From another tensor", "Making tensors"]
    assert_cells_match_cues(imported)
