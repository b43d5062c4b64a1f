"""The integrations' own doctests, where their libraries are installed (pytest's
--doctest-modules leaves termkit/integrations out: a user without pandas or
spaCy must still be able to run the suite)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["pandas", "polars", "spacy", "dask", "spark"])
def test_doctests(name):
    pytest.importorskip({"spark": "pyspark", "dask": "dask.distributed"}.get(name, name))
    try:
        module = importlib.import_module(f"termkit.integrations.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"termkit.integrations.{name}":
            pytest.skip(f"no termkit.integrations.{name} yet")
        raise
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize("name,library", [("spacy", "spacy"), ("pandas", "pandas"), ("polars", "polars")])
def test_a_missing_library_is_a_clear_import_error(name, library):
    """In a fresh process where the library cannot be imported."""
    import subprocess
    import sys

    code = ("import sys\n"
            f"for m in [m for m in sys.modules if m == {library!r} or m.startswith({library!r} + '.')]: del sys.modules[m]\n"
            f"sys.modules[{library!r}] = None\n"
            f"import termkit.integrations.{name}\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert f"pip install 'termkit[{library}]'" in proc.stderr.strip().splitlines()[-1]
