"""termkit on Dask: the mentions of many files, or of a DataFrame column, as a
Dask DataFrame with the columns of :data:`termkit.columnar.COLUMNS`.

``pip install 'termkit[dask]'`` (Dask's DataFrame with ``distributed``).

>>> from termkit.integrations.dask import find_files      # doctest: +SKIP
>>> mentions = find_files(paths).compute()                 # doctest: +SKIP

Each partition is annotated where it runs. The Annotator travels to the
workers as its compressed glossary and is compiled once per worker process
(see :meth:`termkit.Annotator.__reduce__`), however many tasks carry it.
Files are read on the workers with termkit's reader (its encoding detection),
and each is given its place and date as ``termkit annotate`` gives them
(:class:`termkit.corpus.locate.Locator`): the mentions are those of
``termkit annotate`` on the same files. The paths must be readable where the
workers run.

Nothing here imports Dask until it is called; the column functions
(:func:`file_columns`) need neither Dask nor pandas.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from ..batch import HEAD_CHARS  # how much of a file's start tells where and when it is from
from ..columnar import COLUMNS, add_rows, arrow_schema
from ..corpus.locate import Locator
from ..match import Annotator
from ..match.annotator import gc_paused

#: The most bytes of files in a partition by default (see :func:`cut`).
PARTITION_BYTES = 64 << 20


def default_annotator() -> Annotator:
    """The bundled glossary's Annotator."""
    from .. import Glossary

    return Annotator(Glossary.load())


def locator(locate: bool | Locator = True, scope: str | None = None, date: str | None = None) -> Locator:
    """The Locator of ``locate``: ``True``, a file's place and date detected
    from its path and first lines (as ``termkit annotate`` does by default),
    unless ``scope`` or ``date`` are given for every file; ``False``, none
    (``--scope none``); or a :class:`~termkit.corpus.locate.Locator` itself
    (with a manifest, say).

    >>> locator(False).detect, locator(scope="上党区").scope
    (False, '上党区')
    """
    if isinstance(locate, Locator):
        return locate
    return Locator(scope=scope, date=date, detect=bool(locate), detect_date=bool(locate))


def default_partitions(total_bytes: int) -> int:
    """How many partitions files of ``total_bytes`` make by default: four
    for each worker thread of the current Dask client (of each CPU, without
    one), more where a partition would hold over :data:`PARTITION_BYTES`.
    A task costs the scheduler a round trip of some milliseconds: a few
    large tasks a worker take less time than many small ones, and a few, not
    one, let a worker that finishes early take another's share."""
    try:
        from distributed import get_client

        threads = sum(get_client().nthreads().values())
    except (ImportError, ValueError):
        threads = os.cpu_count() or 1
    return max(4 * threads, -(-total_bytes // PARTITION_BYTES))


def cut(paths: list[str], n: int | None = None) -> list[list[str]]:
    """``paths`` cut, in order, into ``n`` runs (default:
    :func:`default_partitions`) of about as many bytes each, the time a run
    takes being about its bytes; as many runs as files at most, none empty. A file
    whose size cannot be read here (it may be readable only on the
    workers) counts as the mean of the others.

    >>> cut(["a", "b", "c"], 2), cut([])       # three missing files: equal counts
    ([['a'], ['b', 'c']], [])
    """
    if not paths:
        return []
    sizes: list[float | None] = []
    for path in paths:
        try:
            sizes.append(os.path.getsize(path))
        except OSError:
            sizes.append(None)
    known = [s for s in sizes if s is not None]
    mean = sum(known) / len(known) if known else 1.0
    weights = [mean if s is None else max(s, 1) for s in sizes]
    total = sum(weights)
    n = max(1, min(len(paths), n or default_partitions(int(total))))
    runs: list[list[str]] = [[] for _ in range(n)]
    done, k = 0.0, -1
    for i, (path, weight) in enumerate(zip(paths, weights)):
        # the run its middle falls in, but no run skipped and none left without a file
        k = max(min(int((done + weight / 2) * n / total), k + 1, n - 1), n - (len(paths) - i))
        runs[k].append(path)
        done += weight
    return runs


def file_columns(annotator: Annotator, paths: Iterable[str], locate: Locator | None = None, *,
                 encoding: str | None = None, overlapping: bool = False) -> dict[str, list]:
    """The mentions of the files ``paths`` as the lists of
    :func:`termkit.columnar.mention_columns`, ``doc`` the path as given; each
    file read by termkit's reader and found in its place and at its date by
    ``locate`` (None: neither). An unreadable file raises
    :class:`termkit.textio.InputError` naming it.

    >>> import os, tempfile
    >>> from termkit import Glossary
    >>> ann = Annotator(Glossary.from_keys(["双碳"]))
    >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> _ = open(path, "wb").write("实现双碳目标".encode("gb18030"))
    >>> cols = file_columns(ann, [path], Locator())
    >>> cols["doc"] == [path], cols["start"], cols["text"]
    (True, [2], ['双碳'])
    """
    from ..textio import read_document

    cols: dict[str, list] = {name: [] for name in COLUMNS}
    for path in paths:
        text = read_document(path, encoding).text
        where = locate(path, text[:HEAD_CHARS]) if locate is not None else {}
        mentions = annotator.find(text, overlapping=overlapping, scope=where.get("scope"), date=where.get("date"))
        add_rows(cols, path, mentions)
    return cols


def frame(cols: dict[str, list], key_type: Any = None):
    """``cols`` as a pandas DataFrame of Arrow-typed columns (the schema of
    :func:`termkit.columnar.arrow_schema`), so that every partition, empty or
    not, has the same dtypes."""
    import pandas as pd
    import pyarrow as pa

    return pa.table(cols, schema=arrow_schema(key_type)).to_pandas(types_mapper=pd.ArrowDtype)


def _files_partition(paths: list[str], annotator: Annotator, locate: Locator | None, encoding: str | None,
                     overlapping: bool):
    # The mentions made here hold no reference cycles: the cyclic collector's passes over
    # the worker's heap (and the compiled glossary in it) are wasted on them.
    with gc_paused():
        return frame(file_columns(annotator, paths, locate, encoding=encoding, overlapping=overlapping))


def find_files(paths, annotator: Annotator | None = None, *, locate: bool | Locator = True,
               scope: str | None = None, date: str | None = None, encoding: str | None = None,
               overlapping: bool = False, npartitions: int | None = None):
    """A Dask DataFrame of the mentions of the files ``paths`` (a list of
    paths, or a ``dask.bag`` of them), ``doc`` the path as given, in the
    order given. Each partition of paths is one task; ``npartitions`` sets how
    many (default: :func:`default_partitions`; a bag keeps its own), each a
    run of files of about as many bytes as the others (:func:`cut`).

    ``annotator`` defaults to the bundled glossary's. ``locate``, ``scope``
    and ``date`` say where and when each file is from, as :func:`locator`
    makes them; ``encoding`` forces one, as ``--encoding`` does.
    """
    import dask
    import dask.bag as db
    import dask.dataframe as dd

    annotator = default_annotator() if annotator is None else annotator
    locate = locator(locate, scope, date)
    if isinstance(paths, db.Bag):
        chunks = paths.to_delayed()
    else:
        chunks = cut([str(p) for p in paths], npartitions) or [[]]
    part = dask.delayed(_files_partition, pure=True)
    parts = [part(chunk, annotator, locate, encoding, overlapping) for chunk in chunks]
    return dd.from_delayed(parts, meta=frame({name: [] for name in COLUMNS}), verify_meta=False)


def text_columns(annotator: Annotator, pairs: Iterable[tuple[Any, Any]], *, scope: str | None = None,
                 date: str | None = None, overlapping: bool = False) -> dict[str, list]:
    """The mentions of ``(key, text)`` pairs as the lists of
    :func:`termkit.columnar.mention_columns`; a missing text (None, NaN,
    ``pd.NA``: a null in a DataFrame) has none.

    >>> from termkit import Glossary
    >>> ann = Annotator(Glossary.from_keys(["双碳"]))
    >>> text_columns(ann, [(7, "双碳"), (8, None), (9, float("nan"))])["doc"]
    [7]
    """
    cols: dict[str, list] = {name: [] for name in COLUMNS}
    for key, text in pairs:
        if not isinstance(text, str):
            if text is None or type(text).__name__ == "NAType" or (isinstance(text, float) and text != text):
                continue
            raise TypeError(f"document {key!r}: expected a str, not {type(text).__name__}")
        add_rows(cols, key, annotator.find(text, overlapping=overlapping, scope=scope, date=date))
    return cols


def _column_partition(texts, annotator: Annotator, key_type: Any, scope: str | None, date: str | None,
                      overlapping: bool):
    return frame(text_columns(annotator, texts.items(), scope=scope, date=date, overlapping=overlapping), key_type)


def find_column(ddf, column: str, annotator: Annotator | None = None, *, scope: str | None = None,
                date: str | None = None, overlapping: bool = False):
    """A Dask DataFrame of the mentions of the texts in ``ddf[column]`` (by
    ``map_partitions``), ``doc`` each text's row index, in row order; a
    missing text has none. ``scope`` and ``date`` say where and when every
    text is from (see :meth:`termkit.Annotator.find`); ``annotator`` defaults
    to the bundled glossary's."""
    import pyarrow as pa

    annotator = default_annotator() if annotator is None else annotator
    index = ddf._meta.index.dtype
    key_type = index.pyarrow_dtype if hasattr(index, "pyarrow_dtype") else (
        pa.from_numpy_dtype(index) if index.kind in "iub" else pa.string())
    return ddf[column].map_partitions(_column_partition, annotator, key_type, scope, date, overlapping,
                                      meta=frame({name: [] for name in COLUMNS}, key_type),
                                      enforce_metadata=False, align_dataframes=False)
