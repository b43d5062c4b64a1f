"""termkit on Spark: the mentions of a DataFrame of documents, or of files,
as a Spark DataFrame with the columns of :data:`termkit.columnar.COLUMNS`.

``pip install 'termkit[spark]'`` (PySpark; Spark 4 needs Java 17).

>>> from termkit.integrations.spark import find_column       # doctest: +SKIP
>>> find_column(docs, "text", "id").show()                    # doctest: +SKIP

Both run ``mapInPandas`` with the schema of :func:`schema`. The Annotator
travels in the function's closure as its compressed glossary (about 55 kB
for the bundled one) and is compiled once per Python worker process that
unpickles it (see :meth:`termkit.Annotator.__reduce__`); Spark reuses its
Python workers from task to task. Files are read on the executors with
termkit's reader (its encoding detection, where ``wholeTextFiles`` reads
UTF-8 only), so the paths must be readable there, and each file is given its
place and date as ``termkit annotate`` gives them. Nothing here imports
PySpark until it is called.
"""

from __future__ import annotations

from ..columnar import COLUMNS
from ..corpus.locate import Locator
from ..match import Annotator
from .dask import cut, default_annotator, file_columns, locator, text_columns

#: The Spark SQL type of each kind of column of COLUMNS.
SQL_TYPES = {"int64": "bigint", "string": "string", "bool": "boolean", "list<string>": "array<string>"}


def schema(key_type: str = "string") -> str:
    """The DDL schema of the mentions, ``doc`` of the type ``key_type`` (a
    Spark SQL type name: the key column's type).

    >>> schema("bigint")[:40]
    '`doc` bigint, `start` bigint, `end` bigi'
    """
    return ", ".join(f"`{name}` {key_type if t == 'key' else SQL_TYPES[t]}" for name, t in COLUMNS.items())


def _frame(cols: dict[str, list]):
    import pandas as pd

    return pd.DataFrame(cols, columns=list(COLUMNS))


def find_column(sdf, text_col: str, key_col: str, annotator: Annotator | None = None, *,
                scope: str | None = None, date: str | None = None, overlapping: bool = False):
    """A Spark DataFrame of the mentions of the texts in ``sdf[text_col]``,
    ``doc`` the row's ``key_col`` (of its type), by ``mapInPandas``; a null
    text has none. ``scope`` and ``date`` say where and when every text is
    from (see :meth:`termkit.Annotator.find`); ``annotator`` defaults to the
    bundled glossary's."""
    ann = default_annotator() if annotator is None else annotator

    def annotate(batches):
        for batch in batches:
            pairs = zip(batch[key_col].tolist(), batch[text_col].tolist())
            yield _frame(text_columns(ann, pairs, scope=scope, date=date, overlapping=overlapping))

    key_type = sdf.schema[key_col].dataType.simpleString()
    return sdf.select(key_col, text_col).mapInPandas(annotate, schema(key_type))


def find_files(spark, paths, annotator: Annotator | None = None, *, locate: bool | Locator = True,
               scope: str | None = None, date: str | None = None, encoding: str | None = None,
               overlapping: bool = False, partitions: int | None = None):
    """A Spark DataFrame of the mentions of the files ``paths``, ``doc`` the
    path as given, in the order given: the paths are cut into ``partitions``
    runs of about as many bytes each (default: four for each of Spark's
    default parallelism; see :func:`termkit.integrations.dask.cut`), one
    partition each, and each file is read where its partition runs.
    ``locate``, ``scope``, ``date`` and ``encoding`` are those of
    :func:`termkit.integrations.dask.find_files`."""
    ann = default_annotator() if annotator is None else annotator
    where = locator(locate, scope, date)

    def annotate(batches):
        for batch in batches:
            for run in batch["paths"]:
                yield _frame(file_columns(ann, list(run), where, encoding=encoding, overlapping=overlapping))

    runs = cut([str(p) for p in paths], partitions or 4 * spark.sparkContext.defaultParallelism)
    if not runs:
        return spark.createDataFrame([], schema())
    rows = spark.createDataFrame(spark.sparkContext.parallelize([(run,) for run in runs], len(runs)),
                                 "paths array<string>")
    return rows.mapInPandas(annotate, schema())
