"""Matching: the automaton back ends (:mod:`.engine`) and the
:class:`Annotator` that compiles a glossary into one and finds
:class:`Mention` s in text (:mod:`.annotator`): candidates, then the
validity checks, then the leftmost-longest selection; :mod:`.explain`
says why each candidate was or was not tagged."""

from .annotator import CONTEXT, Annotator, Mention, Window

__all__ = ["CONTEXT", "VERDICTS", "Annotator", "Mention", "Verdict", "Window"]


def __getattr__(name: str):
    """:mod:`.explain`'s names, imported on first use (not at every start)."""
    if name in ("VERDICTS", "Verdict"):
        from . import explain

        return getattr(explain, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
