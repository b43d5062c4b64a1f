"""Matching: the automaton back ends (:mod:`.engine`) and the
:class:`Annotator` that compiles a glossary into one and finds
:class:`Mention` s in text (:mod:`.annotator`): candidates, then the
validity checks, then the leftmost-longest selection."""

from .annotator import CONTEXT, Annotator, Mention, Window

__all__ = ["CONTEXT", "Annotator", "Mention", "Window"]
