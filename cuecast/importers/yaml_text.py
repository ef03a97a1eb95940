"""The YAML an import writes: keys in the order the README documents them,
list items indented under their key, long lines never folded."""

from __future__ import annotations

import yaml


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as the README's examples do."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False, indent=2)
