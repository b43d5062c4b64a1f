"""termkit for pandas: a function and a Series accessor (``pip install 'termkit[pandas]'``).

Importing this module registers the accessor ``.termkit`` on every Series::

    import pandas as pd
    import termkit.integrations.pandas  # registers .termkit

    df = pd.DataFrame({"text": ["实现双碳目标", "做到两个维护"]}, index=["a", "b"])
    df["text"].termkit.find()        # one row per mention, indexed by the row it is in

The result is long: its index holds the label of the row each mention was
found in, repeated (so ``df.join(mentions)`` puts every mention beside its
row), and its columns are those of :data:`termkit.columnar.COLUMNS` less
``doc``. Offsets are code points of the row's text. A missing value (None,
NaN) has no mentions; a value that is not a string is a TypeError.
"""

from __future__ import annotations

try:
    import pandas as pd
except ImportError:
    raise ImportError("termkit.integrations.pandas needs pandas: pip install 'termkit[pandas]'") from None

from ..columnar import COLUMNS, mention_columns
from ..match import Annotator
from . import default_annotator


def find(series: pd.Series, annotator: Annotator | None = None, *, overlapping: bool = False,
         scope: str | None = None, date: str | int | None = None) -> pd.DataFrame:
    """The mentions of every text in ``series``: a DataFrame indexed by the
    label of the row each is in (see the module's docstring).

    ``scope`` and ``date`` say where and when every text is from
    (:meth:`termkit.Annotator.find`).
    """
    ann = annotator or default_annotator()
    docs = [(label, text) for label, text in series.items() if not _missing(text)]
    cols = mention_columns(ann, docs, overlapping=overlapping, scope=scope, date=date)
    index = pd.Index(cols.pop("doc"), name=series.index.name, dtype=series.index.dtype)
    return pd.DataFrame(cols, index=index, columns=[c for c in COLUMNS if c != "doc"])


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


@pd.api.extensions.register_series_accessor("termkit")
class TermkitAccessor:
    """``series.termkit.find(...)``: :func:`find` of the series."""

    def __init__(self, series: pd.Series):
        self._series = series

    def find(self, annotator: Annotator | None = None, **options) -> pd.DataFrame:
        return find(self._series, annotator, **options)
