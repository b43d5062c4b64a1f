"""Shared test set-up: nothing a test run writes goes outside a temporary
directory — not the glossary cache (``TERMKIT_CACHE_DIR``, also inherited by
the commands the CLI tests run), not Hypothesis's example database — and
that directory is removed when the run ends, however it ends."""

import atexit
import os
import shutil
import tempfile

from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

_CACHE = tempfile.mkdtemp(prefix="termkit-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["TERMKIT_CACHE_DIR"] = _CACHE
set_hypothesis_home_dir(os.path.join(_CACHE, "hypothesis"))
settings.register_profile("termkit", database=None)
settings.load_profile("termkit")


def full(mentions) -> list[tuple]:
    """Mentions with every field, for comparing them (a Mention compares
    equal to another on start, end and id alone)."""
    return [tuple(m) for m in mentions]
