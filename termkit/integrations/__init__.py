"""Where termkit meets other people's pipelines (pandas, Polars, Arrow,
spaCy, Dask, Spark): each integration is a module here, behind an optional
extra. The rest of termkit never imports this package, so that the core
installs and starts without any of them (a test holds it to that)."""

from __future__ import annotations

_DEFAULT: list = []


def default_annotator():
    """The Annotator of the bundled glossary, compiled on first use in this process and kept."""
    if not _DEFAULT:
        from ..glossary import Glossary
        from ..match import Annotator

        _DEFAULT.append(Annotator(Glossary.load()))
    return _DEFAULT[0]
