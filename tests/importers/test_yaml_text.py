"""``importers.yaml_text``: the YAML an import writes reads back the same and
looks like the README's examples."""

from __future__ import annotations

import yaml

from cuecast.importers.yaml_text import dump_yaml


def test_keys_keep_their_order_lists_are_indented_and_long_lines_are_not_folded():
    say = "word " * 400 + "é ✓"
    data = {"lesson": "T", "id": "t", "sections": [{"title": "S", "beats": [{"bullet": "b", "say": say}]}]}
    text = dump_yaml(data)
    assert yaml.safe_load(text) == data
    assert text.splitlines()[:4] == ["lesson: T", "id: t", "sections:", "  - title: S"]
    assert "    beats:\n      - bullet: b\n" in text
    assert len(text.splitlines()) == 7  # the long say: stays on one line
    assert "é ✓" in text  # written as itself, not escaped
