"""The glossary: its format (:mod:`.model`), reading its files
(:mod:`.files`), the one check of terms taken together (:mod:`.checks`), the
:class:`Glossary` collection (:mod:`.collection`), and the count checks of
``termkit validate`` (:mod:`.validate`).

Every problem is a :class:`GlossaryError` whose message names the file, the
entry and the reason.
"""

from .collection import Glossary
from .files import GlossaryError, bundled_dir, bundled_files, parse_file, read_file, read_terms_list

__all__ = ["Glossary", "GlossaryError", "bundled_dir", "bundled_files", "parse_file", "read_file", "read_terms_list"]
