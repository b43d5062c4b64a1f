"""Why a term was, or was not, tagged: :meth:`Annotator.explain`.

Every *candidate* (an occurrence in the view of any surface form, see
:mod:`termkit.match.annotator`) gets a :class:`Verdict`, one per term where
several terms share the form. The verdicts, in the order the rules apply:

``ascii-boundary``
    an ASCII letter or digit touches an ASCII end of the form (``1236`` in
    ``G1236``);
``context``
    its term's context rule rejects it (not quoted, not followed by what it
    asks for, or vetoed by a ``not_followed_by`` / ``not_preceded_by``);
``overlap``
    a longer or earlier mention took its place (never with ``overlapping``);
``scope``
    another term of the same form won for the document's place and year;
``ambiguous``
    no rule decides which term of the form the document means: the mention
    :meth:`~Annotator.find` returns has no id;
``kept``
    the mention :meth:`~Annotator.find` returns.

What is not in the automaton is no candidate: with a normalization step
off (``variants``, ``traditional``, ...) its forms are not looked for, and a
text that needs a step that is off to match has nothing to explain.

The verdicts are computed by the Annotator's own rules (``_rejection``,
``_select``, ``_payload_for``): slowly, for a person asking why, not for
corpora.

>>> from termkit import Annotator, Glossary
>>> ann = Annotator(Glossary.from_keys(["三区三线", "三区", "1236"]))
>>> for v in ann.explain("三区三线，G1236"):
...     print(v.start, v.end, v.text, v.verdict, "|", v.reason)
0 4 三区三线 kept | valid, and the longest at its start
0 2 三区 overlap | 三区三线 (adhoc/三区三线) at 0-4 is longer
6 10 1236 ascii-boundary | ASCII letter 'G' right before it
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple, Optional

from ..scope.places import Place, place
from ..scope.resolve import document_year
from ..text.normalize import View

if TYPE_CHECKING:  # pragma: no cover
    from ..glossary.model import Term
    from .annotator import Annotator

#: The verdicts, in the order the rules apply (see the module's docstring).
VERDICTS = ("ascii-boundary", "context", "overlap", "scope", "ambiguous", "kept")

#: The largest document ``termkit annotate --explain`` reads (it holds the
#: whole text and all its verdicts in memory): 64 MiB, or as many characters.
MAX_BYTES = 64 << 20


class By(NamedTuple):
    """The mention that won over a candidate: its term's id (None where it is
    ambiguous) and its span."""

    id: Optional[str]
    start: int
    end: int


class Verdict(NamedTuple):
    """One candidate occurrence of one term, and what became of it.

    ``start``/``end`` are code-point offsets into the original text, mapped
    as :meth:`~Annotator.find` maps them (``text == original[start:end]``);
    ``form`` the surface form that matched; ``id`` the term's; ``verdict``
    one of :data:`VERDICTS`; ``reason`` a short English phrase; ``by`` the
    mention that won, for ``overlap`` and ``scope``.
    """

    start: int
    end: int
    text: str
    form: str
    id: str
    verdict: str
    reason: str
    by: Optional[By] = None

    def to_dict(self) -> dict:
        """The JSON-ready record (``termkit annotate --explain``, less ``file``)."""
        out = self._asdict()
        out["by"] = None if self.by is None else self.by._asdict()
        return out


def explain(ann: "Annotator", text: str, *, scope: "str | Place | None" = None,
            date: "str | int | None" = None, overlapping: bool = False) -> list[Verdict]:
    """:meth:`Annotator.explain`: every candidate in ``text`` with its verdict,
    ordered by start, then longer first, then the glossary's order of terms."""
    if not isinstance(text, str):
        raise TypeError(f"explain() takes a str, not {type(text).__name__}")
    where = place(scope) if isinstance(scope, str) else scope
    year = document_year(date)
    payload = ann._payload_for(where, year)
    view = View(text, ann.normalization)
    cands = sorted(map(tuple, ann.engine.overlapping(view.text)))
    chosen = [tuple(m) for m in ann._select(view, overlapping)]
    found = dict(zip(chosen, ann._mentions(view, chosen, 0, payload)))
    starts = [m[0] for m in chosen]
    doc = _document(where, year)
    out: list[Verdict] = []
    for c, m in zip(cands, ann._mentions(view, cands, 0, payload)):
        f = ann._forms[c[2]]
        rejection = ann._rejection(view, c)
        if rejection is not None:
            verdict, reason = _rejected(ann, view, c, rejection)
            out += [Verdict(m.start, m.end, m.text, m.form, t.id, verdict, reason) for t in f.terms]
            continue
        if c not in found:
            k = bisect_right(starts, c[0]) - 1  # the chosen mention at or before it: it covers c's start
            w = found[chosen[k]] if k >= 0 and chosen[k][1] > c[0] else None
            reason = _overlap(m, w)
            by = None if w is None else By(w.id, w.start, w.end)
            out += [Verdict(m.start, m.end, m.text, m.form, t.id, "overlap", reason, by) for t in f.terms]
            continue
        for t in f.terms:
            verdict, reason = _resolved(t, f.terms, found[c], doc, overlapping)
            by = By(m.id, m.start, m.end) if verdict == "scope" else None
            out.append(Verdict(m.start, m.end, m.text, m.form, t.id, verdict, reason, by))
    out.sort(key=lambda v: (v.start, -v.end))  # stable: terms stay in glossary order
    return out


def _rejected(ann: "Annotator", view: View, c: tuple, rejection: str) -> tuple[str, str]:
    """The verdict and reason of a candidate that a rule of ``_rejection`` rejects."""
    s, e, i = c
    f = ann._forms[i]
    vt = view.text
    if rejection in ("ascii-head", "ascii-tail"):
        ch = vt[s - 1] if rejection == "ascii-head" else vt[e]
        kind = "letter" if ch.isalpha() else "digit"
        side = "right before it" if rejection == "ascii-head" else "right after it"
        return "ascii-boundary", f"ASCII {kind} {ch!r} {side}"
    _, _, not_after, not_before = f.suffixes
    if rejection == "not_followed_by":
        x = next(x for x in not_after if vt.startswith(x, e))
        return "context", f"vetoed by not_followed_by {x!r}"
    if rejection == "not_preceded_by":
        x = next(x for x in not_before if vt.endswith(x, 0, s))
        return "context", f"vetoed by not_preceded_by {x!r}"
    ctx = f.context
    wants = (["not quoted"] if ctx.quoted else []) + [
        f"not {how} by {' / '.join(xs)}" for how, xs in (("followed", ctx.followed_by), ("preceded", ctx.preceded_by))
        if xs]
    return "context", "its context rule: " + ", ".join(wants)


def _overlap(m, w) -> str:
    """Why a valid candidate ``m`` lost to the chosen mention ``w``."""
    if w is None:  # leftmost-longest leaves no valid candidate uncovered
        return "not selected, and no mention covers it (please report this)"
    how = "longer" if w.start == m.start else "earlier"
    return f"{w.text} ({w.id or 'ambiguous'}) at {w.start}-{w.end} is {how}"


def _document(where: Place | None, year: int | None) -> str:
    """A document's place and year in words."""
    return (f"a document from {where.name if where is not None else 'an unknown place'}, "
            f"{year if year is not None else 'year unknown'}")


def _term(t: "Term") -> str:
    """A term's id with its scope and period."""
    return f"{t.id} ({t.scope}" + (f", {t.period})" if t.period else ")")


def _resolved(t: "Term", terms: list, m, doc: str, overlapping: bool) -> tuple[str, str]:
    """The verdict and reason of term ``t`` at a selected mention ``m`` of a
    form of ``terms``."""
    if m.ambiguous:
        if len(terms) == 1:
            return "ambiguous", f"a term of {t.scope} only, which does not apply to {doc}"
        return "ambiguous", f"no rule decides between {', '.join(map(_term, terms))} for {doc}"
    if m.id != t.id:
        return "scope", f"the form stands for {_term(m.term)} in {doc}; this term is of {t.scope}" + (
            f", {t.period}" if t.period else "")
    if m.candidates:
        return "kept", f"the term of this form for {doc}"
    reason = "valid" if overlapping else "valid, and the longest at its start"
    if m.normalizations:
        reason += f"; read through {', '.join(m.normalizations)}"
    return "kept", reason


# -- termkit annotate --explain ------------------------------------------------------------

class TooLarge(ValueError):
    """A document too large for ``--explain`` (over :data:`MAX_BYTES`)."""


def write_explain(ann: "Annotator", pieces: Iterable[str], doc, *, overlapping: bool = False,
                  documents: bool = False) -> Iterator[str]:
    """The ``explain`` output format: one JSON line per :class:`Verdict` of a
    document (:class:`termkit.render.Doc`), with ``file`` first, in the
    document's place and year. Reads the document whole: TooLarge past
    :data:`MAX_BYTES` characters."""
    from ..render import _json, _SURROGATE, _escape, document_record

    if documents:
        yield document_record(doc)
    held, n = [], 0
    for piece in pieces:
        n += len(piece)
        if n > MAX_BYTES:
            raise TooLarge(too_large(doc.name))
        held.append(piece)
    head = '{"file": ' + _json(doc.name) + ", "
    for v in explain(ann, "".join(held), scope=doc.scope, date=doc.date, overlapping=overlapping):
        record = json.dumps(v.to_dict(), ensure_ascii=False)[1:]
        yield head + (_SURROGATE.sub(_escape, record) if _SURROGATE.search(record) else record) + "\n"


def too_large(name: str) -> str:
    """The one-line error for a document over :data:`MAX_BYTES`."""
    return (f"{name}: too large for --explain (over {MAX_BYTES >> 20} MiB): it reads a document whole, "
            "to look into one document; annotate corpora without --explain")


def explain_format():
    """The ``explain`` output format, registered in :data:`termkit.render.FORMATS`
    (on first call: :mod:`termkit.render` imports this package)."""
    from ..render import FORMATS, Format, register

    if "explain" not in FORMATS:
        register(Format("explain", "every candidate with its verdict (--explain)", write_explain,
                        ("overlapping", "documents")))
    return FORMATS["explain"]
