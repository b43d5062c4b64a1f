"""The tables of ``termkit stats`` and ``termkit trend`` written out: CSV, Parquet or JSON.

A table is a list of rows (dicts of one set of keys). CSV and Parquet hold a
dict-valued cell (a term's mentions per year) as a JSON object; JSON writes
the rows as an array of objects. Parquet needs pyarrow (``pip install
'termkit[arrow]'``). Files are written atomically.

>>> import io
>>> out = io.StringIO()
>>> write_csv([{"term": "x/1", "per_year": {2020: 3}}], out)
>>> out.getvalue()
'"term","per_year"\\r\\n"x/1","{""2020"": 3}"\\r\\n'
"""

from __future__ import annotations

import csv
import json

from ..textio import atomic_write

FORMATS = ("csv", "parquet", "json")


class TableError(Exception):
    """A table that cannot be written; ``str()`` is one line."""


def _cell(v):
    return json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v


def write_csv(rows: list[dict], out, columns: list[str] | None = None) -> None:
    columns = columns or (list(rows[0]) if rows else [])
    w = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else _csv_cell(r.get(c)) for c in columns])


def _csv_cell(v):
    """A cell as termkit's csv writes it: booleans ``true``/``false``, dicts as JSON."""
    return ("true" if v else "false") if isinstance(v, bool) else _cell(v)


def check_format(fmt: str) -> None:
    """A TableError where ``fmt`` cannot be written here (parquet without pyarrow)."""
    import importlib.util

    if fmt == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise TableError("--format parquet needs pyarrow: pip install 'termkit[arrow]'")


def write_table(rows: list[dict], path: str, fmt: str, columns: list[str] | None = None) -> None:
    """Write ``rows`` to ``path`` as ``fmt``; raises :class:`TableError` (one line) if it cannot."""
    from ..textio import InputError

    check_format(fmt)
    try:
        with atomic_write(path) as out:
            if fmt == "csv":
                write_csv(rows, out, columns)
            elif fmt == "json":
                json.dump(rows, out, ensure_ascii=False, indent=1)
                out.write("\n")
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                cols = columns or (list(rows[0]) if rows else [])
                data = {c: [_cell(r.get(c)) for r in rows] for c in cols}
                out.flush()
                pq.write_table(pa.table(data), out.buffer)
    except InputError as e:
        raise TableError(str(e)) from None
