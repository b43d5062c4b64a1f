"""Matching: the automaton back ends (:mod:`.engine`) and the
:class:`Annotator` that compiles a glossary into one and finds
:class:`Mention` s in text (:mod:`.annotator`): candidates, then the
validity checks, then the leftmost-longest selection; :mod:`.explain`
says why each candidate was or was not tagged."""

from .annotator import CONTEXT, Annotator, Mention, Window
from .explain import VERDICTS, Verdict

__all__ = ["CONTEXT", "VERDICTS", "Annotator", "Mention", "Verdict", "Window"]
