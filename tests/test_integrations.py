"""The integrations' own doctests, where their libraries are installed (pytest's
--doctest-modules leaves termkit/integrations out: a user without pandas or
spaCy must still be able to run the suite)."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 10**7)), min_size=1, max_size=50), st.integers(1, 60))
def test_the_dask_partitions_are_runs_of_files_of_about_equal_bytes(tmp_path_factory, sizes, n):
    from termkit.integrations.dask import cut

    folder = tmp_path_factory.mktemp("sizes")
    paths = []
    for i, size in enumerate(sizes):  # None: a file that is not there
        paths.append(str(folder / f"{i}.txt"))
        if size is not None:
            with open(paths[-1], "wb") as f:
                f.truncate(size)
    runs = cut(paths, n)
    assert sum(runs, []) == paths and len(runs) == min(n, len(paths)) and all(runs)
    known = [s for s in sizes if s is not None]
    mean = sum(known) / len(known) if known else 1
    weight = {p: max(mean if s is None else s, 1) for p, s in zip(paths, sizes)}
    total, biggest = sum(weight.values()), max(weight.values())
    for run in runs:  # none more than a share and two files over, nor less than a share and two under
        assert abs(sum(weight[p] for p in run) - total / len(runs)) <= 2 * biggest + 1e-6 * total
