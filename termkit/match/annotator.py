"""The Annotator: compile a glossary once, then find and expand mentions in any text.

Matching semantics (pinned by a property test against a brute-force matcher):

1. The *view* of the text is built (see :mod:`termkit.text.normalize`): full-width
   forms folded, breaks and inner quotation marks skipped.
2. A *candidate* is an occurrence in the view of any surface form of a term:
   its key, aliases, variants (misprints) and, with ``traditional`` on, their
   Traditional-script forms.
3. A candidate is *valid* when

   - a form that starts (ends) with an ASCII letter or digit is not preceded
     (followed) by one: ``1236`` is not found in ``G1236`` or ``12360``;
   - the term's :class:`~termkit.glossary.model.Context` holds, if it has one.

4. By default the valid candidates are reduced to a leftmost-longest,
   non-overlapping selection: scanning left to right, at the leftmost start
   the longest candidate wins, and candidates overlapping a chosen one are
   dropped. With ``overlapping=True`` every valid candidate is returned.

Every :class:`Mention` has ``start`` and ``end`` in code points of the
caller's original string, ``text == original[start:end]``, and lists the
normalization steps it needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from bisect import bisect_right
from dataclasses import dataclass
from itertools import chain
from typing import Literal, NamedTuple, Optional

from .. import cache, native
from ..glossary import Glossary
from ..glossary.model import Context, Term, trusted
from ..scope.places import Place, place
from ..scope.resolve import document_year, everywhere, period_years, resolve, scope_place
from ..text.chars import ascii_alnum, fold_width, is_quote
from ..text.normalize import STEPS, Normalization, View
from ..text.traditional import TRADITIONAL_CONFIGS, traditional_forms
from .engine import Match, make_engine, select_longest

#: The default context of :meth:`Annotator.find_stream` and
#: :meth:`Annotator.scan`: a term, with the breaks inside it and the context
#: its rule needs, may span up to this many characters.
CONTEXT = 4096

def traditional_table(strings: Iterable[str]) -> dict[str, list[str]]:
    """:func:`traditional_forms` of each string, through the on-disk cache."""
    import opencc

    strings = sorted(set(strings))
    name = "traditional-" + cache.digest(opencc.__version__, *TRADITIONAL_CONFIGS, *strings)
    table = cache.load(name, valid=lambda t: cache.is_table(t, strings))
    if table is None:
        table = {s: traditional_forms(s) for s in strings}
        cache.store(name, table)
    return table


class Mention(NamedTuple):
    """One mention of a term in a text (an immutable named tuple).

    ``start``/``end`` are code-point offsets into the original text and
    ``text == original[start:end]``. Two mentions are equal, and hash
    alike, when they have the same ``start``, ``end`` and ``id``. ``form`` is the surface form that matched
    (a key, alias, variant or Traditional spelling of one); ``normalizations``
    lists, in the order of :data:`termkit.text.normalize.STEPS`, what it took to
    find it; ``term`` is the glossary entry.

    Where the form belongs to several terms (of different places or
    periods), or to a term of another place than the document's,
    ``candidates`` holds their ids (see :mod:`termkit.scope.resolve`). A
    mention that no rule decides is ``ambiguous``: its ``id``, ``term`` and
    ``definition`` are None, and ``key`` and ``headword`` are its form.
    """

    start: int
    end: int
    text: str
    id: str
    key: str
    headword: str
    definition: Optional[str]
    form: str
    normalizations: tuple[str, ...] = ()
    term: Optional[Term] = None
    candidates: tuple[str, ...] = ()
    ambiguous: bool = False

    # A mention is the term ``id`` at ``start:end``: equal and hashable on
    # those three (as spaCy's Span is on start, end and label), whatever the
    # entry behind it. Compare ``tuple(m)`` for every field.
    def __eq__(self, other):
        if not isinstance(other, Mention):
            return False if isinstance(other, tuple) else NotImplemented
        return self[0] == other[0] and self[1] == other[1] and self[3] == other[3]

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash((self[0], self[1], self[3]))

    def to_dict(self) -> dict:
        """The JSON-ready record (the jsonl contract, less ``file``): with
        ``ambiguous`` and ``candidates`` only where there are candidates."""
        out = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "id": self.id,
            "key": self.key,
            "headword": self.headword,
            "definition": self.definition,
            "form": self.form,
            "normalizations": list(self.normalizations),
        }
        if self.candidates:
            out["ambiguous"] = self.ambiguous
            out["candidates"] = list(self.candidates)
        return out


#: Where a mention's steps stand in a form's payload (the fields of a Mention
#: after start, end and text).
_PAYLOAD_STEPS = Mention._fields.index("normalizations") - 3


class _StepTable(NamedTuple):
    """For the C module's mentions(), which reads it by position: each form's
    own steps as a bit mask (bit n = STEPS[n]); the steps tuple of every
    mask; where the steps stand in a payload; the texts of exact mentions
    (or None); whether width folding is on."""

    static: bytes
    by_mask: list
    at: int
    keys: list | None
    width: bool


@dataclass(slots=True)
class _Form:
    """A surface form in the automaton, with what a mention of it reports."""

    terms: list  # the terms it is a form of: one, or several of different scopes or periods
    label: str  # the form reported: as the glossary writes it, or its Traditional spelling
    steps: frozenset  # normalizations every match of it needs (traditional, variant)
    context: Context  # the rule of its term; for a shared form, see _shared_context
    ascii_head: bool
    ascii_tail: bool
    check: bool  # whether candidates need the validity check
    suffixes: tuple = ()  # the context's strings as the view spells them: after, before, not after, not before

    @property
    def term(self) -> Term:
        return self.terms[0]


def _shared_context(contexts: list[Context]) -> Context:
    """One rule for a form of several terms: an occurrence counts where one
    of their rules would count it, as nearly as one rule can say so (a veto
    holds only where every rule has it; any unconstrained rule leaves the
    occurrence unconstrained; otherwise any of their constraints will do).

    >>> _shared_context([Context(quoted=True), Context(followed_by=("机制",))]).followed_by
    ('机制',)
    """
    if len(contexts) == 1:
        return contexts[0]
    vetoes = [set(c.not_followed_by) for c in contexts], [set(c.not_preceded_by) for c in contexts]
    not_after, not_before = (tuple(sorted(set.intersection(*v))) for v in vetoes)
    with trusted():
        if not all(c.constrained for c in contexts):
            return Context(not_followed_by=not_after, not_preceded_by=not_before)
        union = lambda name: tuple(dict.fromkeys(x for c in contexts for x in getattr(c, name)))  # noqa: E731
        return Context(quoted=any(c.quoted for c in contexts), followed_by=union("followed_by"),
                       preceded_by=union("preceded_by"), not_followed_by=not_after, not_preceded_by=not_before)


class Annotator:
    """Finds and expands glossary terms in text. Build once, use for many texts.

    >>> ann = Annotator(Glossary.from_keys(["三区三线", "1236"]))
    >>> [(m.start, m.end, m.text) for m in ann.find("科学划定“三区\\n三线”，G1236 不是")]
    [(5, 10, '三区\\n三线')]

    An Annotator is safe to share between threads.
    """

    def __init__(
        self,
        glossary: Glossary,
        *,
        normalization: Normalization = Normalization(),
        engine: str = "auto",
    ):
        self.glossary = glossary
        self.normalization = normalization
        self._forms: list[_Form] = []
        index: dict[str, int] = {}
        norm = normalization
        self._traditional: dict[str, list[str]] = {}
        if norm.traditional:
            self._traditional = traditional_table(
                x
                for t in glossary
                for x in [*(f for f, _ in t.forms), *t.context.followed_by, *t.context.preceded_by,
                          *t.context.not_followed_by, *t.context.not_preceded_by]
            )
        static_steps = {
            (trad, variant): frozenset(x for x, on in (("traditional", trad), ("variant", variant)) if on)
            for trad in (False, True)
            for variant in (False, True)
        }
        traditional = self._traditional
        spellings: list[tuple[Term, str, str, bool, bool]] = []  # own forms first, then Traditional
        for term in glossary:
            for form, variant in term.forms:
                if not variant or norm.variants:
                    spellings.append((term, form, form, False, variant))
        if traditional:
            spellings += [(t, f, trad, True, v) for t, f, _, _, v in list(spellings) for trad in traditional[f]]
        shared = []
        for term, form, spelling, trad, variant in spellings:
            key = fold_width(spelling) if norm.width else spelling
            label = key if trad else form
            i = index.get(key)
            if i is not None:
                # A form of several terms (of different scopes or periods) is one
                # entry holding them all; a Traditional spelling that is some
                # term's own form is that form.
                f = self._forms[i]
                if f.label == label and f.steps == static_steps[trad, variant] and all(t is not term for t in f.terms):
                    f.terms.append(term)
                    shared.append(i)
                continue
            index[key] = len(self._forms)
            head, tail = ascii_alnum(key[0]), ascii_alnum(key[-1])
            check = head or tail or term.context.checked
            self._forms.append(_Form([term], label, static_steps[trad, variant], term.context, head, tail, check))
        for i in shared:
            f = self._forms[i]
            f.context = _shared_context([t.context for t in f.terms])
            f.check = f.ascii_head or f.ascii_tail or f.context.checked
        suffixes: dict[int, tuple] = {}  # after, before, not after, not before, by context
        for f in self._forms:
            ctx = f.context
            if ctx.checked:
                if id(ctx) not in suffixes:
                    suffixes[id(ctx)] = tuple(
                        self._spellings(x)
                        for x in (ctx.followed_by, ctx.preceded_by, ctx.not_followed_by, ctx.not_preceded_by)
                    )
                f.suffixes = suffixes[id(ctx)]
        self._keys = list(index)
        # Forms whose term depends on where and when a document is from: those
        # of several terms, and those of a term of one place.
        self._scoped = [i for i, f in enumerate(self._forms) if len(f.terms) > 1 or not everywhere(f.term.scope)]
        # What every mention of form i carries besides its span and text, in a
        # document of unknown place and date; other documents: _payload_for().
        self._payload = [
            (f.term.id, f.term.key, f.term.headword, f.term.definition, f.label,
             tuple(x for x in STEPS if x in f.steps), f.term, (), False)
            for f in self._forms
        ]
        for i in self._scoped:
            if len(self._forms[i].terms) > 1:  # (one term: its own, in a document of no known place)
                self._payload[i] = self._resolved(i, None, None)
        self._payloads: dict[tuple, list] = {}
        # _valid() for the C module: per form, 1 ASCII head, 2 ASCII tail, 4
        # context; and the context as (quoted, constrained, followed_by, preceded_by,
        # not_followed_by, not_preceded_by).
        self._rules = (
            bytes(f.ascii_head | f.ascii_tail << 1 | f.context.checked << 2 for f in self._forms),
            [
                (f.context.quoted, f.context.constrained, *f.suffixes) if f.context.checked else None
                for f in self._forms
            ],
        )
        self._steps = _StepTable(
            bytes(sum(1 << n for n, x in enumerate(STEPS) if x in f.steps) for f in self._forms),
            [tuple(x for n, x in enumerate(STEPS) if mask >> n & 1) for mask in range(1 << len(STEPS))],
            _PAYLOAD_STEPS,
            # What a mention's text is where nothing was skipped or folded: the key
            # itself, unless the engine may have read a lone surrogate (as U+FFFD)
            # there. (Validated forms never hold U+FFFD.)
            None if any("\ufffd" in k for k in self._keys) else self._keys,
            normalization.width,
        )
        self._maxlen = max(map(len, self._keys), default=1)
        self._engine_name = engine
        self.engine = make_engine(engine, self._keys)

    def __reduce__(self):
        """An Annotator pickles as its glossary (compressed, see
        :meth:`Glossary.packed`) and options, and is compiled once per
        process that unpickles it: a second copy in the same process, as
        Dask, Spark or multiprocessing send with every task, is the first
        one again, neither decoded nor compiled (see :func:`compiled`)."""
        name, blob = self.glossary.packed()
        return (compiled, (name, blob, self.normalization, self._engine_name))

    def _resolved(self, i: int, where: Place | None, year: int | None) -> tuple:
        """The payload of form ``i`` in a document from ``where`` in ``year``."""
        f = self._forms[i]
        steps = tuple(x for x in STEPS if x in f.steps)
        terms = f.terms
        k = resolve([(scope_place(t.scope), period_years(t.period)) for t in terms], where, year)
        ids = tuple(t.id for t in terms) if len(terms) > 1 or k is None else ()
        if k is None:
            return (None, f.label, f.label, None, f.label, steps, None, ids, True)
        t = terms[k]
        return (t.id, t.key, t.headword, t.definition, f.label, steps, t, ids, False)

    def _payload_for(self, scope: "str | Place | None", date: "str | int | None") -> list:
        """Every form's payload in a document of this scope and date (see
        :mod:`termkit.scope.resolve`), computed once per place and year."""
        where = place(scope) if isinstance(scope, str) else scope
        year = document_year(date)
        if (where is None and year is None) or not self._scoped:
            return self._payload
        payload = self._payloads.get((where, year))
        if payload is None:
            payload = list(self._payload)
            for i in self._scoped:
                payload[i] = self._resolved(i, where, year)
            if len(self._payloads) >= 64:
                self._payloads.clear()
            self._payloads[where, year] = payload
        return payload

    def _spellings(self, strings: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for s in strings:
            for t in [s, *self._traditional.get(s, [])]:
                t = fold_width(t) if self.normalization.width else t
                if t not in out:
                    out.append(t)
        return tuple(out)

    # -- matching -----------------------------------------------------
    def _valid(self, view: View, m: Match) -> bool:
        """Whether candidate ``m`` is valid (``is_valid`` in termkit._native is its twin)."""
        return self._rejection(view, m) is None

    def _rejection(self, view: View, m: Match) -> str | None:
        """Which rule rejects candidate ``m``: ``ascii-head``, ``ascii-tail``,
        ``not_followed_by``, ``not_preceded_by`` or ``context`` (the context
        its rule asks for is not there); None where it is valid."""
        s, e, i = m
        f = self._forms[i]
        if not f.check:
            return None
        vt = view.text
        if f.ascii_head and s > 0 and ascii_alnum(vt[s - 1]):
            return "ascii-head"
        if f.ascii_tail and e < len(vt) and ascii_alnum(vt[e]):
            return "ascii-tail"
        ctx = f.context
        if not ctx.checked:
            return None
        after, before, not_after, not_before = f.suffixes
        if not_after and vt.startswith(not_after, e):
            return "not_followed_by"
        if not_before and any(vt.endswith(b, 0, s) for b in not_before):
            return "not_preceded_by"
        if not ctx.constrained:
            return None
        if ctx.quoted and self._quoted(view, s, e):
            return None
        if after and vt.startswith(after, e):
            return None
        if before and any(vt.endswith(b, 0, s) for b in before):
            return None
        return "context"

    @staticmethod
    def _quoted(view: View, s: int, e: int) -> bool:
        text = view.original
        a, b = view.span(s, e)
        a -= 1
        while a >= 0 and text[a].isspace():
            a -= 1
        while b < len(text) and text[b].isspace():
            b += 1
        return a >= 0 and b < len(text) and is_quote(text[a]) and is_quote(text[b])

    def find(
        self, text: str, *, overlapping: bool = False, start: int = 0, stop: int | None = None, offset: int = 0,
        scope: "str | Place | None" = None, date: "str | int | None" = None,
    ) -> list[Mention]:
        """Every mention of a glossary term in ``text``, in text order.

        By default mentions are leftmost-longest and never overlap; with
        ``overlapping=True`` every valid occurrence is returned, sorted by
        start, then end.

        A window of a larger text: only mentions starting in
        ``text[start:stop]`` are returned, selected as if no mention ran into
        ``start`` from before it (the text around the window still counts for
        context rules and for terms running past ``stop``), and ``offset`` is
        added to every offset (where ``text`` stands in the larger text).

        ``scope`` and ``date`` say where and when the text is from (a place
        such as ``长治市上党区`` or ``national``; ``2023`` or ``2023-06-16``):
        they decide which term a form of several terms, or of a term of one
        place, stands for (see :mod:`termkit.scope.resolve`).

        >>> ann = Annotator(Glossary.from_keys(["双碳", "碳达峰"]))
        >>> [(m.start, m.text) for m in ann.find("双碳达峰", start=1)]
        [(1, '碳达峰')]
        >>> [(m.start, m.text) for m in ann.find("双碳达峰", stop=1, offset=100)]
        [(100, '双碳')]
        """
        if not isinstance(text, str):
            raise TypeError(f"find() takes a str, not {type(text).__name__}")
        payload = self._payload_for(scope, date)
        view = View(text, self.normalization)
        return self._mentions(view, self._select(view, overlapping, start, stop), offset, payload)

    def _select(self, view: View, overlapping: bool, lo: int = 0, hi: int | None = None) -> list[Match]:
        """The selected view matches whose original start lies in ``[lo, hi)``.

        The result equals the selection over the valid candidates starting at
        or after ``lo``, cut at ``hi``: what a whole-text :meth:`find` yields
        there, provided the text before ``lo`` held no mention reaching past it.
        """
        vt = view.text
        vlo = view.from_original(lo) if lo else 0
        vhi = len(vt) if hi is None else view.from_original(hi)
        forms, rejected = self._forms, self._rejection
        if overlapping:
            return sorted(
                m for m in self.engine.overlapping(vt)
                if vlo <= m[0] < vhi and (not forms[m[2]].check or not rejected(view, m))
            )
        greedy = self.engine.longest(vt)
        if native.module is None:
            return self._select_python(view, greedy, vlo, vhi)
        return native.module.select(greedy, vlo, vhi, view, self._rules, self.engine.overlapping, self._maxlen)

    def _select_python(self, view: View, greedy: list[Match], p: int, vhi: int) -> list[Match]:
        """The leftmost-longest selection among the valid candidates starting
        in ``[p, vhi)`` of the view, from the engine's own leftmost-longest
        matches ``greedy``. ``termkit._native.select`` is its twin in C.

        The engine's matches are the answer wherever they are valid: if the
        engine's selection from p on contains no rejected candidate and
        nothing crosses p, the selection among the valid candidates is the
        same. Where a candidate is rejected, the selection is redone among
        the valid candidates of a short window, after which the engine's
        matches are trusted again.
        """
        vt = view.text
        forms, rejected = self._forms, self._rejection
        out: list[Match] = []
        k = 0
        n = len(greedy)
        while k < n and greedy[k][1] <= p:
            k += 1
        while k < n:
            s, e, i = greedy[k]
            if s >= vhi:
                break
            if s >= p and (not forms[i].check or not rejected(view, greedy[k])):
                out.append(greedy[k])
                p = e
                k += 1
                continue
            # Redo the selection in a window from p.
            limit = min(len(vt), max(e, p) + self._maxlen)
            end = min(len(vt), limit + self._maxlen)
            cands = [
                m
                for m in ((a + p, b + p, j) for a, b, j in self.engine.overlapping(vt[p:end]))
                if m[0] < min(limit, vhi) and (not forms[m[2]].check or not rejected(view, m))
            ]
            for m in select_longest(cands):
                out.append(m)
                p = m[1]
            p = max(p, limit)
            if p >= vhi:
                break
            while k < n and greedy[k][0] < p:
                k += 1
            if k and greedy[k - 1][1] > p:
                # An engine match crosses p: its choices after p are not the
                # selection from p; keep redoing the window from p.
                k -= 1
        return out

    def explain(
        self, text: str, *, scope: "str | Place | None" = None, date: "str | int | None" = None,
        overlapping: bool = False,
    ) -> list:
        """Every candidate occurrence in ``text`` with its verdict: why it was,
        or was not, tagged (a list of :class:`~termkit.match.explain.Verdict`,
        see :mod:`termkit.match.explain`). Those ``kept`` or ``ambiguous`` are
        what :meth:`find` returns with the same arguments. Slow: for a person
        asking why, not for corpora.

        >>> ann = Annotator(Glossary.from_keys(["1236"]))
        >>> [(v.text, v.verdict) for v in ann.explain("G1236 和 1236")]
        [('1236', 'ascii-boundary'), ('1236', 'kept')]
        """
        from .explain import explain

        return explain(self, text, scope=scope, date=date, overlapping=overlapping)

    def find_stream(
        self, pieces: Iterable[str], *, context: int = CONTEXT, overlapping: bool = False,
        scope: "str | Place | None" = None, date: "str | int | None" = None,
    ) -> Iterator[Mention]:
        """Mentions in a long text that arrives in consecutive pieces, such as
        chunks read from a large file; offsets index the whole text.

        The result equals ``find("".join(pieces), overlapping=overlapping)``
        provided no candidate, with the breaks and quotation marks inside it
        and the context its term requires, spans more than ``context``
        characters. Memory stays about one piece plus ``2 * context``
        characters. See :meth:`scan` for the windows it reads, and
        :meth:`find` for ``scope`` and ``date``.
        """
        for window in self.scan(pieces, context=context, overlapping=overlapping, scope=scope, date=date):
            yield from window.mentions

    def scan(
        self, pieces: Iterable[str], *, context: int = CONTEXT, overlapping: bool = False,
        scope: "str | Place | None" = None, date: "str | int | None" = None,
    ) -> Iterator["Window"]:
        """A long text in consecutive pieces, read as a series of
        :class:`Window` objects: each holds the text from ``Window.start`` on and
        the mentions found in it since the last window (those of
        :meth:`find_stream`, in order). The text before ``Window.settled``
        is in no later window, and every later mention starts at
        ``settled + 1`` or after, so that the character before it is still
        held: a renderer may write that text out. The last window's
        ``settled`` is the length of the whole text.

        >>> ann = Annotator(Glossary.from_keys(["双碳"]))
        >>> [(w.start, w.settled, [m.start for m in w.mentions])
        ...  for w in ann.scan(["实现双碳", "目标，双碳"], context=2)]
        [(0, 0, []), (0, 5, [2]), (5, 9, [7])]
        """
        if context < 1:
            raise ValueError(f"context must be at least 1 character, not {context}")
        payload = self._payload_for(scope, date)
        buf = ""  # the text from absolute offset `base` on
        base = 0
        p = 0  # the next mention starts at or after p
        for piece in chain(pieces, [None]):
            final = piece is None
            if not final:
                if not isinstance(piece, str):
                    raise TypeError(f"find_stream() takes str pieces, not {type(piece).__name__}")
                buf += piece
            end = base + len(buf) if final else base + len(buf) - context  # owned up to here
            found: list[Mention] = []
            if end - p >= (1 if final else context):
                lo = max(base, p - context)
                view = View(buf[lo - base :], self.normalization)
                found = self._mentions(view, self._select(view, overlapping, p - lo, end - lo), lo, payload)
                p = end if overlapping or not found else max(end, found[-1].end)
            elif not final:
                continue
            cut = base + len(buf) if final else max(base, p - context)
            yield Window(buf, base, found, cut)
            buf = buf[cut - base :]
            base = cut

    def _mentions(self, view: View, matches: list[Match], shift: int = 0, payload: list | None = None) -> list[Mention]:
        """Mentions of view matches, with offsets into the original (+ ``shift``),
        carrying each form's ``payload`` (by default, that of a document of
        unknown place and date)."""
        payload = self._payload if payload is None else payload
        if native.module is None:
            return self._mentions_python(view, matches, shift, payload)
        return native.module.mentions(
            matches, view.original, view.starts, view.shifts, shift, view.width_changed,
            payload, Mention, self._steps,
        )

    def _mentions_python(self, view: View, matches: list[Match], shift: int, payload: list) -> list[Mention]:
        """:meth:`_mentions` in Python (``termkit._native.mentions`` is its twin).

        This is the hot loop: view offsets are mapped back inline, and a
        mention whose span holds nothing skipped or folded is built from its
        form's precomputed fields in one tuple operation.
        """
        original = view.original
        starts, shifts = view.starts, view.shifts
        folded = view.width_changed
        new = tuple.__new__
        out = []
        append = out.append
        for s, e, i in matches:
            if starts:
                k = bisect_right(starts, s) - 1
                a = s + shifts[k] if k >= 0 else s
                k = bisect_right(starts, e - 1, k if k > 0 else 0) - 1
                b = e + shifts[k] if k >= 0 else e
            else:
                a, b = s, e
            text = original[a:b]
            if b - a == e - s and not folded:
                append(new(Mention, (a + shift, b + shift, text) + payload[i]))
            else:
                append(self._mention(a + shift, b + shift, text, e - s, payload[i]))
        return out

    def _mention(self, a: int, b: int, text: str, view_len: int, fields: tuple) -> Mention:
        """A mention whose span needed a skip or a fold: find out which."""
        static = fields[_PAYLOAD_STEPS]
        steps = set(static)
        if b - a != view_len:
            if any(c.isspace() for c in text):
                steps.add("break")
            if any(is_quote(c) for c in text):
                steps.add("quote")
        if self.normalization.width and fold_width(text) != text:
            steps.add("width")
        ordered = tuple(x for x in STEPS if x in steps)
        return tuple.__new__(Mention, (a, b, text, *fields[:_PAYLOAD_STEPS], ordered, *fields[_PAYLOAD_STEPS + 1:]))

    # -- expansion ----------------------------------------------------
    def expand(self, text: str, style: Literal["inline", "footnotes"] = "inline", *,
               scope: "str | Place | None" = None, date: "str | int | None" = None) -> str:
        """The text with its terms explained.

        ``inline``: at its first mention a term is followed by （its definition）,
        or by （its components） where it has no definition; terms with neither
        are left as they are. A note follows the closing quotation mark of a
        quoted term.

        ``footnotes``: every mention is followed by a numbered marker ``[n]``
        (numbered in order of first mention), and a 名词解释 list of the terms
        used is appended. An ambiguous mention (see :meth:`find` for ``scope``
        and ``date``) is noted as such, with its candidates.

        >>> g = Glossary.from_keys(["双碳"])
        >>> Annotator(g).expand("实现双碳目标", style="footnotes")
        '实现双碳[1]目标\\n\\n名词解释\\n\\n1. 双碳'
        """
        if not isinstance(text, str):
            raise TypeError(f"expand() takes a str, not {type(text).__name__}")
        if style not in ("inline", "footnotes"):
            raise ValueError(f"unknown style {style!r}: choose inline or footnotes")
        return "".join(self.expand_stream([text], style=style, context=max(1, len(text)), scope=scope, date=date))

    def expand_stream(
        self, pieces: Iterable[str], style: Literal["inline", "footnotes"] = "inline", *, context: int = CONTEXT,
        scope: "str | Place | None" = None, date: "str | int | None" = None,
    ) -> Iterator[str]:
        """:meth:`expand` of a long text that arrives in pieces, as consecutive
        pieces of the result (``"".join`` of them is ``expand`` of the whole
        text, under :meth:`find_stream`'s precondition on ``context``).
        Memory stays bounded as for :meth:`find_stream`, plus the list of terms
        used for ``footnotes``. (The formats live in :mod:`termkit.render`.)"""
        from ..render import expand

        return expand(self, pieces, style, context=context, scope=scope, date=date)


class Window(NamedTuple):
    """One step of :meth:`Annotator.scan`: ``text`` is the stream's text from
    offset ``start`` on (as far as has been read), ``mentions`` those found
    since the last window, ``settled`` the offset before which nothing will
    change any more."""

    text: str
    start: int
    mentions: list[Mention]
    settled: int

    def char(self, offset: int) -> str:
        """The character at ``offset`` of the whole text, or '' where this
        window does not hold it (before its start, or past what was read)."""
        i = offset - self.start
        return self.text[i] if 0 <= i < len(self.text) else ""


#: The Annotators unpickled in this process, by what they were made from (see :func:`compiled`).
_COMPILED: dict[tuple, Annotator] = {}


def compiled(name: str, blob: bytes, normalization: Normalization, engine: str) -> Annotator:
    """The Annotator of a packed glossary (``name`` is its digest) with these
    options, compiled on its first use in this process and kept (the last
    four) for the next.

    >>> import pickle
    >>> ann = Annotator(Glossary.from_keys(["双碳"]))
    >>> copy = pickle.loads(pickle.dumps(ann))
    >>> copy is pickle.loads(pickle.dumps(ann)), [m.text for m in copy.find("实现双碳")]
    (True, ['双碳'])
    """
    recipe = (name, normalization, engine)
    ann = _COMPILED.get(recipe)
    if ann is None:
        ann = Annotator(Glossary.unpacked(blob), normalization=normalization, engine=engine)
        if len(_COMPILED) >= 4:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[recipe] = ann
    return ann
