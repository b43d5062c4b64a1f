"""The README's examples run as written: its ``>>>`` lines are doctests."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_examples_run_as_written():
    for needed in ("pandas", "polars"):
        pytest.importorskip(needed)
    import termkit

    # A code fence ends an example's expected output, as a blank line would.
    text = re.sub(r"^```.*$", "", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.M)
    globs = {"annotator": termkit.Annotator(termkit.Glossary.load()), "termkit": termkit}
    test = doctest.DocTestParser().get_doctest(text, globs, "README.md", str(ROOT / "README.md"), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10
    assert result.failed == 0
