"""termkit for Polars (``pip install 'termkit[polars]'``): offsets in code points.

Two ways in::

    import polars as pl
    from termkit.integrations.polars import find, mentions

    df = pl.DataFrame({"id": [1, 2], "text": ["实现双碳目标", "做到两个维护"]})
    find(df, "text", key="id")                       # a long frame: one row per mention
    df.with_columns(m=mentions(pl.col("text")))      # a list of structs per row, in a lazy query too

:func:`mentions` is an expression (through ``map_batches``), so it runs inside
lazy queries and ``group_by`` contexts; explode and unnest it to get rows.
Offsets count code points, as Python's ``str`` does — not the UTF-8 bytes
that Polars' own string functions (``str.find_many``) report.
"""

from __future__ import annotations

try:
    import polars as pl
except ImportError:
    raise ImportError("termkit.integrations.polars needs polars: pip install 'termkit[polars]'") from None

from ..columnar import mention_columns
from ..match import Annotator
from . import default_annotator

#: The fields of one mention, as :func:`mentions` gives them.
MENTION = pl.Struct({
    "start": pl.Int64, "end": pl.Int64, "text": pl.String, "id": pl.String, "key": pl.String,
    "headword": pl.String, "definition": pl.String, "form": pl.String,
    "normalizations": pl.List(pl.String), "scope": pl.String, "period": pl.String,
    "ambiguous": pl.Boolean, "candidates": pl.List(pl.String),
})


def _annotator(annotator: Annotator | None) -> Annotator:
    if annotator is not None:
        return annotator
    return default_annotator()


def _rows(texts: pl.Series, ann: Annotator, options: dict) -> list:
    """Each text's mentions as a list of dicts (None for a null text)."""
    out = []
    for text in texts.to_list():
        if text is None:
            out.append(None)
            continue
        cols = mention_columns(ann, [(0, text)], **options)
        del cols["doc"]
        out.append([dict(zip(cols, row)) for row in zip(*cols.values())])
    return out


def mentions(expr: pl.Expr, annotator: Annotator | None = None, *, overlapping: bool = False,
             scope: str | None = None, date: str | int | None = None) -> pl.Expr:
    """An expression: for each text of ``expr``, the list of its mentions
    (structs of :data:`MENTION`; null for a null text)."""
    ann = _annotator(annotator)
    options = {"overlapping": overlapping, "scope": scope, "date": date}
    dtype = pl.List(MENTION)
    return expr.map_batches(lambda s: pl.Series(s.name, _rows(s, ann, options), dtype=dtype), return_dtype=dtype)


def find(df: pl.DataFrame, column: str, *, key: str | None = None, annotator: Annotator | None = None,
         **options) -> pl.DataFrame:
    """The mentions in ``df[column]``: one row per mention, its first column
    ``doc`` holding the row's ``key`` column (default: the row number), the
    others those of :data:`MENTION` (as :data:`termkit.columnar.COLUMNS`)."""
    if key is None:
        df, key = df.with_row_index("_row"), "_row"
    keyed = df.select(pl.col(key).alias("doc"), mentions(pl.col(column), annotator, **options).alias("_m"))
    return keyed.explode("_m").drop_nulls("_m").unnest("_m")
