"""The optional C module of termkit's hot loops (``termkit/_native.c``):
termkit's own Aho-Corasick automaton (the ``native`` engine), building a
normalized view, selecting matches, making mentions, writing jsonl records.

:data:`module` is the compiled module, or None where it was not built (no C
compiler at install) or where ``TERMKIT_PURE_PYTHON`` (set to anything but 0) switches it off (to
compare, or to rule it out). Every caller reads ``native.module`` when it
runs, so this is the one place where it is switched: each function it
replaces has a pure-Python twin, and the tests hold the two to identical
results.
"""

from __future__ import annotations

import os

module = None
if os.environ.get("TERMKIT_PURE_PYTHON", "") in ("", "0"):
    try:
        from . import _native as module
    except ImportError:  # pragma: no cover - depends on the build
        pass
