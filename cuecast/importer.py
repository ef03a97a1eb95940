"""The Markdown video-script importer's old home, kept so existing imports
(``from cuecast.importer import import_markdown``) keep working; the readers
now live in ``cuecast.importers``."""

from cuecast.importers.video_script import (  # noqa: F401
    CUE_LINE,
    ImportedScript,
    find_url,
    import_markdown,
    parse_markdown,
    to_data,
)
from cuecast.importers.yaml_text import dump_yaml  # noqa: F401
