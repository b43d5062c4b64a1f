"""Mentions of many documents as columns: a dict of lists, an Arrow table, a pandas DataFrame.

One row per mention; the columns (:data:`COLUMNS`) are the jsonl contract's,
keyed by the document instead of a file name, plus the term's ``scope`` and
``period``:

``doc``, ``start``, ``end`` (code points), ``text``, ``id``, ``key``,
``headword``, ``definition``, ``form``, ``normalizations`` (a list),
``scope``, ``period``, ``ambiguous``, ``candidates`` (a list).

The core needs neither pyarrow nor pandas: :func:`mention_columns` builds
plain lists, and :func:`mentions_arrow` / :func:`mentions_frame` import
pyarrow or pandas only when called (``pip install 'termkit[arrow]'`` or
``'termkit[pandas]'``).

>>> from termkit import Annotator, Glossary
>>> ann = Annotator(Glossary.from_keys(["双碳", "两个维护"]))
>>> cols = mention_columns(ann, {"a": "实现双碳目标", "b": "做到两个维护和双碳"})
>>> list(zip(cols["doc"], cols["start"], cols["text"]))
[('a', 2, '双碳'), ('b', 2, '两个维护'), ('b', 7, '双碳')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .match import Annotator, Mention

#: The columns, in order, with their Arrow types (as pyarrow names them).
COLUMNS: dict[str, str] = {
    "doc": "key",  # the document's key: its type is what the keys are (int64 or string)
    "start": "int64",
    "end": "int64",
    "text": "string",
    "id": "string",
    "key": "string",
    "headword": "string",
    "definition": "string",
    "form": "string",
    "normalizations": "list<string>",
    "scope": "string",
    "period": "string",
    "ambiguous": "bool",
    "candidates": "list<string>",
}


def _documents(docs: Mapping | Iterable) -> Iterable[tuple[Any, str]]:
    """(key, text) pairs: a mapping's items, pairs as they are, or texts numbered from 0."""
    if isinstance(docs, Mapping):
        return docs.items()
    out = []
    for n, d in enumerate(docs):
        out.append(d if isinstance(d, tuple) else (n, d))
    return out


def mention_columns(annotator: Annotator, docs: Mapping | Iterable, *, overlapping: bool = False,
                    scope: str | None = None, date: str | int | None = None) -> dict[str, list]:
    """The mentions of ``docs`` as a dict of equal-length lists, one per
    column of :data:`COLUMNS`, in document order, then text order.

    ``docs`` is a mapping of keys to texts, an iterable of ``(key, text)``
    pairs, or an iterable of texts (keyed 0, 1, …). ``scope`` and ``date``
    say where and when every document is from (see :meth:`Annotator.find`);
    pairs may instead be ``(key, text, scope, date)`` for each its own.
    """
    cols: dict[str, list] = {name: [] for name in COLUMNS}
    for item in _documents(docs):
        key, text = item[0], item[1]
        where, when = (item[2], item[3]) if len(item) == 4 else (scope, date)
        if not isinstance(text, str):
            raise TypeError(f"document {key!r}: expected a str, not {type(text).__name__}")
        add_rows(cols, key, annotator.find(text, overlapping=overlapping, scope=where, date=when))
    return cols


def add_rows(cols: dict[str, list], key: Any, mentions: list[Mention]) -> None:
    """Append the rows of one document's mentions to ``cols``."""
    n = len(mentions)
    cols["doc"] += [key] * n
    for name, values in zip(("start", "end", "text", "id", "key", "headword", "definition", "form"),
                            zip(*mentions) if n else [()] * 8):
        cols[name] += values
    cols["normalizations"] += [list(m.normalizations) for m in mentions]
    cols["scope"] += [m.term.scope if m.term is not None else None for m in mentions]
    cols["period"] += [m.term.period if m.term is not None else None for m in mentions]
    cols["ambiguous"] += [m.ambiguous for m in mentions]
    cols["candidates"] += [list(m.candidates) for m in mentions]


def arrow_schema(key_type: Any = None):
    """The Arrow schema of the columns; ``key_type`` is the ``doc`` column's
    (default: string)."""
    import pyarrow as pa

    types = {"int64": pa.int64(), "string": pa.string(), "bool": pa.bool_(), "list<string>": pa.list_(pa.string())}
    return pa.schema([(name, key_type or pa.string()) if t == "key" else (name, types[t])
                      for name, t in COLUMNS.items()])


def mentions_arrow(annotator: Annotator, docs: Mapping | Iterable, **options):
    """:func:`mention_columns` as a ``pyarrow.Table`` (with the schema of
    :func:`arrow_schema`; the ``doc`` column typed as its keys are)."""
    import pyarrow as pa

    cols = mention_columns(annotator, docs, **options)
    key_type = pa.array(cols["doc"]).type if cols["doc"] else pa.string()
    return pa.table(cols, schema=arrow_schema(key_type))


def mentions_frame(annotator: Annotator, docs: Mapping | Iterable, **options):
    """:func:`mention_columns` as a pandas DataFrame (one row per mention)."""
    import pandas as pd

    return pd.DataFrame(mention_columns(annotator, docs, **options), columns=list(COLUMNS))


def csv_to_parquet(source, sink, *, block_size: int = 1 << 22) -> int:
    """Convert ``termkit annotate --format csv`` output (a binary file
    object or path) to Parquet in ``sink``, batch by batch in bounded memory:
    integer offsets, ``ambiguous`` a bool, ``normalizations`` and
    ``candidates`` lists, empty cells null. Returns the number of rows.
    Needs pyarrow."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    from .render import CSV_COLUMNS

    lists = ("normalizations", "candidates")
    types = {"start": pa.int64(), "end": pa.int64(), "ambiguous": pa.bool_(),
             **{c: pa.string() for c in CSV_COLUMNS if c not in ("start", "end", "ambiguous")}}
    schema = pa.schema([(c, pa.list_(pa.string()) if c in lists else types[c]) for c in CSV_COLUMNS])
    reader = pcsv.open_csv(
        source, read_options=pcsv.ReadOptions(block_size=block_size),
        convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=True, null_values=[""],
                                            true_values=["true"], false_values=["false"]))
    rows = 0
    with pq.ParquetWriter(sink, schema) as writer:
        for batch in reader:
            columns = [pa.array([v.split("|") if v else [] for v in batch.column(c).to_pylist()], pa.list_(pa.string()))
                       if c in lists else batch.column(c) for c in CSV_COLUMNS]
            writer.write_batch(pa.record_batch(columns, schema=schema))
            rows += batch.num_rows
    return rows
