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

from array import array
from collections.abc import Iterable, Iterator, Sequence
import gc
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Literal, NamedTuple, Optional

from .. import cache, native
from ..glossary import Glossary
from ..glossary.model import Context, Term, from_cache, to_json, trusted
from ..scope.places import Place, place
from ..scope.resolve import document_year, everywhere, period_years, resolve, scope_place
from ..text.chars import ascii_alnum, fold_width, is_quote
from ..text.normalize import STEPS, Normalization, View
from ..text.traditional import TRADITIONAL_CONFIGS, traditional_forms
from .engine import Engine, Match, NativeEngine, engine_class, installed_copy, select_longest

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
_PAYLOAD_TERM = Mention._fields.index("term") - 3


class Spans(NamedTuple):
    """The mentions of a text as columns (:meth:`Annotator.find_spans`):
    their ``starts`` and ``ends`` (code points of the original text) and
    ``terms``, the index of each mention's term in ``list(glossary)`` (-1
    for an ambiguous mention), each an ``array('q')``."""

    starts: array
    ends: array
    terms: array


def _fields(term: Term, form: str, steps: tuple, candidates: tuple = ()) -> tuple:
    """A form's payload: the fields of its Mentions after the span and the
    text (id, key, headword, definition, form, normalizations, term,
    candidates, ambiguous), for a mention of ``term``."""
    return (term.id, term.key, term.headword, term.definition, form, steps, term, candidates, False)


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


class _Plan(NamedTuple):
    """A compiled glossary as plain data (what the cache keeps, see
    :func:`_load_compiled`): the automaton's keys; per key, the index of its
    term in the glossary (a list of them for a form of several terms), its
    label where that is not the key itself, and its static steps as a mask
    (bit n = STEPS[n]); the Traditional spellings of the contexts' strings;
    the rules (contexts, each once; as JSON in the cache) and each key's rule (for a form
    of several terms, see :func:`_shared_context`); and the keys whose
    mentions depend on the document's place or date (a form of several
    terms, or of a term of some place). With these, installing a plan reads
    no term: a cached glossary's terms are made only as mentions need them."""

    keys: list
    terms: list
    labels: list
    steps: list
    traditional: dict
    contexts: list
    rules: list
    scoped: list


_TRADITIONAL_BIT, _VARIANT_BIT = 1 << STEPS.index("traditional"), 1 << STEPS.index("variant")


def _plan(terms: list[Term], norm: Normalization) -> _Plan:
    """Compile the glossary's terms: every surface form to look for, once."""
    contexts = {id(t.context): t.context for t in terms}.values()
    strings = [x for c in contexts for x in (*c.followed_by, *c.preceded_by, *c.not_followed_by, *c.not_preceded_by)]
    traditional: dict[str, list[str]] = {}
    if norm.traditional:
        traditional = traditional_table(chain((f for t in terms for f in (t.key, *t.aliases, *t.variants)), strings))
    # Own forms first, then their Traditional spellings: (term, form, spelling, mask).
    spellings = [(j, t.key, t.key, 0) for j, t in enumerate(terms)]
    spellings += [(j, a, a, 0) for j, t in enumerate(terms) for a in t.aliases]
    if norm.variants:
        spellings += [(j, v, v, _VARIANT_BIT) for j, t in enumerate(terms) for v in t.variants]
    spellings.sort(key=lambda x: x[0])  # a term's forms together, as Term.forms lists them
    if traditional:
        spellings += [(j, f, trad, m | _TRADITIONAL_BIT) for j, f, _, m in spellings for trad in traditional[f]]
    index: dict[str, int] = {}
    keys, owners, labels, steps = [], [], [], []
    width = norm.width
    for j, form, spelling, mask in spellings:
        key = fold_width(spelling) if width else spelling
        label = key if mask & _TRADITIONAL_BIT else form
        i = index.get(key)
        if i is not None:
            # A form of several terms (of different scopes or periods) is one
            # entry holding them all; a Traditional spelling that is some
            # term's own form is that form.
            own = owners[i]
            if (labels[i] or keys[i]) == label and steps[i] == mask and j not in ([own] if type(own) is int else own):
                owners[i] = [own, j] if type(own) is int else own + [j]
            continue
        index[key] = len(keys)
        keys.append(key)
        owners.append(j)
        labels.append(None if label == key else label)
        steps.append(mask)
    rule_of: dict[Context, int] = {}  # equal contexts are one rule
    rules, scoped, local = [], [], {}
    for i, who in enumerate(owners):
        if type(who) is int:
            ctx = terms[who].context
            scope = terms[who].scope
            if scope not in local:
                local[scope] = not everywhere(scope)
            if local[scope]:
                scoped.append(i)
        else:
            ctx = _shared_context([terms[j].context for j in who])
            scoped.append(i)
        rules.append(rule_of.setdefault(ctx, len(rule_of)))
    return _Plan(keys, owners, labels, steps, {s: traditional[s] for s in strings if traditional.get(s)},
                 list(rule_of), rules, scoped)


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector off for the block (as it was, after).
    For work that makes many objects and no cycles: compiling makes hundreds
    of thousands, and the collections they would set off took two thirds of
    its time; a Dask partition's mentions cost a worker a quarter."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _compiled_name(glossary: Glossary, terms: Sequence[Term], norm: Normalization, kind: type[Engine]) -> str | None:
    """The cache entry of a compiled glossary: named by its files and their
    contents where it was read from files as they are (``Glossary._digest``),
    else by what compiling reads of its terms (forms, contexts and scopes,
    in order); and by the options, the engine and OpenCC installed; None
    where there is no cache."""
    if cache.cache_dir() is None:
        return None
    opencc = (installed_copy("opencc") or "opencc") if norm.traditional else ""
    files = getattr(glossary, "_digest", None)
    if files:
        return "compiled-" + cache.digest("files:" + files, repr(norm), kind.stamp(), opencc, *TRADITIONAL_CONFIGS)
    import json

    contexts: dict[int, int] = {}  # by id(context): the number of its rule
    rules: dict[Context, int] = {}  # equal contexts are one rule, shared or not
    rows = []
    for t in terms:
        k = contexts.get(id(t.context))
        if k is None:
            k = contexts[id(t.context)] = rules.setdefault(t.context, len(rules))
        rows.append((t.key, t.aliases, t.variants, k, t.scope))
    content = json.dumps([rows, [repr(c) for c in rules]], ensure_ascii=False).encode("utf-8", "surrogatepass")
    return "compiled-" + cache.digest(content, repr(norm), kind.stamp(), opencc, *TRADITIONAL_CONFIGS)


def _load_compiled(name: str | None, terms: list[Term], kind: type[Engine]) -> tuple:
    """The cached (plan, engine) of entry ``name``, or (None, None) where
    there is none, or it is not exactly what :func:`_store_compiled` writes."""
    import json

    data = cache.load_bytes(name) if name else None
    if data is None:
        return None, None
    size = int.from_bytes(data[:8], "little")
    try:
        plan = _Plan(**json.loads(str(data[8 : 8 + size], "utf-8", "surrogatepass")))
        plan.contexts[:] = [from_cache(Context, c) for c in plan.contexts]  # (the few rules, as JSON)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None, None
    if not _is_plan(plan, len(terms)):
        return None, None
    blob = data[8 + size :]
    engine = kind.load(plan.keys, blob) if blob else kind(plan.keys)
    return (plan, engine) if engine is not None else (None, None)


def _is_plan(plan: _Plan, n: int) -> bool:
    """Whether ``plan`` has the shape of a plan of ``n`` terms."""
    keys, owners, labels, steps, trad, contexts, rules, scoped = plan
    if not (type(keys) is type(owners) is type(labels) is type(steps) is type(contexts) is type(rules)
            is type(scoped) is list and type(trad) is dict):
        return False
    if not len(keys) == len(owners) == len(labels) == len(steps) == len(rules):
        return False
    # (Whole lists at once where Python can: this runs at every start, for every form.)
    ints = [j for j in owners if type(j) is int]
    shared = [j for j in owners if type(j) is not int]
    ok_owner = lambda j: type(j) is int and 0 <= j < n  # noqa: E731
    return (
        set(map(type, keys)) <= {str} and "" not in keys
        and (not ints or (min(ints) >= 0 and max(ints) < n))
        and all(type(j) is list and len(j) > 1 and all(map(ok_owner, j)) for j in shared)
        and set(map(type, labels)) <= {str, type(None)} and "" not in labels
        and set(map(type, steps)) <= {int}
        and set(steps) <= {0, _TRADITIONAL_BIT, _VARIANT_BIT, _TRADITIONAL_BIT | _VARIANT_BIT}
        and cache.is_table(trad, list(trad))
        and all(type(c) is Context and type(c.quoted) is bool and all(
            type(x) is tuple and all(type(y) is str and y for y in x)
            for x in (c.followed_by, c.preceded_by, c.not_followed_by, c.not_preceded_by)) for c in contexts)
        and set(map(type, rules)) <= {int} and (not rules or (min(rules) >= 0 and max(rules) < len(contexts)))
        and set(map(type, scoped)) <= {int} and scoped == sorted(set(scoped))
        and (not scoped or (scoped[0] >= 0 and scoped[-1] < len(keys)))
        and set(scoped) >= {i for i in range(len(owners)) if type(owners[i]) is not int}
    )


def _store_compiled(name: str | None, plan: _Plan, engine: Engine) -> None:
    """Cache a compiled glossary: the plan as JSON, then the engine's own
    dump of its automaton (nothing where it has none: it is built again)."""
    import json

    if name is None:
        return
    data = {**plan._asdict(), "contexts": [to_json(c, exclude_defaults=True) for c in plan.contexts]}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    cache.store_bytes(name, len(text).to_bytes(8, "little"), text, engine.dump() or b"")


class Annotator:
    """Finds and expands glossary terms in text. Build once, use for many texts.

    >>> ann = Annotator(Glossary.from_keys(["三区三线", "1236"]))
    >>> [(m.start, m.end, m.text) for m in ann.find("科学划定“三区\\n三线”，G1236 不是")]
    [(5, 10, '三区\\n三线')]

    An Annotator is safe to share between threads. What compiling makes
    (the tables of every form, and the automaton where its engine can write
    it: termkit's own, of 1,000 keys or more) is cached on disk, keyed by the
    glossary's files and their contents where it was read from files as
    they are, else by its forms, rules and scopes, and by the options and the
    engine installed (see :mod:`termkit.cache`): the next Annotator of the
    same glossary, in any process, loads it instead of compiling again.
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
        self._engine_name = engine
        kind = engine_class(engine)
        with gc_paused():
            # (A cached glossary's terms are made as they are read: _install reads none.)
            terms = glossary._terms if isinstance(glossary, Glossary) else list(glossary)
            name = _compiled_name(glossary, terms, normalization, kind)
            plan, self.engine = _load_compiled(name, terms, kind)
            if plan is None:
                plan = _plan(terms, normalization)
                self.engine = kind(plan.keys)
                _store_compiled(name, plan, self.engine)
            self._install(terms, plan)

    def _install(self, terms: Sequence[Term], plan: "_Plan") -> None:
        """Set up the tables matching reads from a compiled :class:`_Plan`
        (reading no term where they are not made yet)."""
        norm = self.normalization
        self._traditional = plan.traditional
        self._keys = keys = plan.keys
        by_mask = [tuple(x for n, x in enumerate(STEPS) if mask >> n & 1) for mask in range(1 << len(STEPS))]
        # Per rule: the context, whether it is checked at all, its strings as the
        # view spells them (after, before, not after, not before), what _valid() reads.
        self._contexts = contexts = plan.contexts
        checked = [c.checked for c in contexts]
        self._suffixes = [tuple(self._spellings(x) for x in (c.followed_by, c.preceded_by, c.not_followed_by,
                                                               c.not_preceded_by)) if ck else ()
                          for c, ck in zip(contexts, checked)]
        valid = [(c.quoted, c.constrained, *sfx) if ck else None for c, ck, sfx in zip(contexts, checked, self._suffixes)]
        self._terms, self._owners, self._labels = terms, plan.terms, plan.labels
        self._payload = payload = [None] * len(keys)  # made on first use (_form_payload): most forms never occur
        self._scoped = plan.scoped
        flags = bytearray(len(keys))
        rules: list = [None] * len(keys)
        # One object for each equal owner and label (a plan read back from the cache has a
        # copy in every place), and each key the term's own string where the term is made:
        # at 100,000 keys, 9 MB less.
        owners, labels, same, number = plan.terms, plan.labels, {}, list(range(len(terms)))
        made = type(terms) is list
        for i, (key, who, label, r) in enumerate(zip(keys, owners, labels, plan.rules)):
            if type(who) is int:
                owners[i] = who = number[who]
                if made and key == terms[who].key:
                    keys[i] = key = terms[who].key
            if label is not None:
                own = terms[who if type(who) is int else who[0]].key if made else None
                labels[i] = label = own if label == own else same.setdefault(label, label)
            c = checked[r]
            if c:
                rules[i] = valid[r]
            flags[i] = (key[0].isascii() and key[0].isalnum()) | (key[-1].isascii() and key[-1].isalnum()) << 1 | c << 2
        # What every mention of form i carries besides its span and text, in a
        # document of unknown place and date; other documents: _payload_for().
        self._payloads: dict[tuple, list] = {}
        self._candidates: dict[int, tuple] = {}  # a scoped form's terms' places and periods
        self._verdicts: dict[tuple, int | None] = {}  # resolve() of candidates, place and year
        # Per payload (by id): the payload and its forms' term indices, for find_spans().
        self._term_indexes: dict[int, tuple[list, array]] = {}
        # _valid() for the C module: per form, 1 ASCII head, 2 ASCII tail, 4
        # context; and the context as (quoted, constrained, followed_by, preceded_by,
        # not_followed_by, not_preceded_by).
        self._rules = (bytes(flags), rules)
        self._steps = _StepTable(
            bytes(plan.steps),
            by_mask,
            _PAYLOAD_STEPS,
            # What a mention's text is where nothing was skipped or folded: the key
            # itself, unless the engine may have read a lone surrogate (as U+FFFD)
            # there. (Validated forms never hold U+FFFD.)
            None if any("\ufffd" in k for k in keys) else keys,
            norm.width,
        )
        self._maxlen = max(map(len, keys), default=1)
        self._rule = array("I", plan.rules)  # each key's rule (half a list's memory: 0.7 MB at 100,000 keys)
        for i in self._scoped:
            if type(owners[i]) is not int:  # (one term: its own, in a document of no known place)
                payload[i] = self._resolved(i, None, None)

    def _form_payload(self, i: int) -> tuple:
        """What every mention of form ``i`` carries besides its span and text,
        in a document of unknown place and date: made on first use, and kept
        in ``self._payload`` (at 100,000 keys, 20 MB less of what never occurs)."""
        fields = self._payload[i]
        if fields is None:
            fields = self._payload[i] = _fields(self._terms[self._owners[i]], self._labels[i] or self._keys[i],
                                                self._steps.by_mask[self._steps.static[i]])
        return fields

    @cached_property
    def _forms(self) -> list[_Form]:
        """Every key's :class:`_Form`, made on first use (by the pure-Python
        matcher, :meth:`explain` and scoped forms): the C module reads the
        flat tables :meth:`_install` made instead."""
        steps = {m: frozenset(s) for m, s in enumerate(self._steps.by_mask)}
        forms = []
        for i, (key, who, label, flags) in enumerate(zip(self._keys, self._owners, self._labels, self._rules[0])):
            own = [self._terms[who]] if type(who) is int else [self._terms[j] for j in who]
            r = self._rule[i]
            f = _Form(own, key if label is None else label, steps[self._steps.static[i]], self._contexts[r],
                      bool(flags & 1), bool(flags & 2), bool(flags))
            if flags & 4:
                f.suffixes = self._suffixes[r]
            forms.append(f)
        return forms

    def __reduce__(self):
        """An Annotator pickles as its glossary (compressed, see
        :meth:`Glossary.packed`) and options, and is compiled once per
        process that unpickles it (loaded from the on-disk cache, where a
        process compiled it before: see :mod:`termkit.cache`): a second copy
        in the same process, as Dask, Spark or multiprocessing send with
        every task, is the first one again, neither decoded nor compiled
        (see :func:`compiled`)."""
        name, blob = self.glossary.packed()
        return (compiled, (name, blob, self.normalization, self._engine_name))

    def _resolved(self, i: int, where: Place | None, year: int | None) -> tuple:
        """The payload of form ``i`` in a document from ``where`` in ``year``."""
        who = self._owners[i]
        terms = [self._terms[who]] if type(who) is int else [self._terms[j] for j in who]
        label = self._labels[i] or self._keys[i]
        steps = self._steps.by_mask[self._steps.static[i]]
        cands = self._candidates.get(i)
        if cands is None:
            cands = self._candidates[i] = tuple((scope_place(t.scope), period_years(t.period)) for t in terms)
        k = self._verdicts.get((cands, where, year), -2)
        if k == -2:  # forms of one place share their candidates: one resolution serves them all
            k = self._verdicts[cands, where, year] = resolve(cands, where, year)
        ids = tuple(t.id for t in terms) if len(terms) > 1 or k is None else ()
        if k is None:
            return (None, label, label, None, label, steps, None, ids, True)
        return _fields(terms[k], label, steps, ids)

    def _payload_for(self, scope: "str | Place | None", date: "str | int | None") -> list:
        """Every form's payload in a document of this scope and date (see
        :mod:`termkit.scope.resolve`), computed once per place and year."""
        where = place(scope) if isinstance(scope, str) else scope
        year = document_year(date)
        if (where is None and year is None) or not self._scoped:
            return self._payload
        payload = self._payloads.pop((where, year), None)
        if payload is None:
            payload = list(self._payload)
            for i in self._scoped:
                payload[i] = self._resolved(i, where, year)
            # Keep the latest places' (a corpus of a few hundred places and years fits),
            # within about 16 million list slots.
            if len(self._payloads) >= max(4, min(1024, (1 << 24) // max(1, len(payload)))):
                self._payloads.pop(next(iter(self._payloads), None), None)
                self._verdicts.clear()
        self._payloads[where, year] = payload  # (the last used, last)
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
        return self._mentions(view, self._select(view, overlapping, start, stop, True), offset, payload)

    def find_spans(
        self, text: str, *, overlapping: bool = False, start: int = 0, stop: int | None = None, offset: int = 0,
        scope: "str | Place | None" = None, date: "str | int | None" = None,
    ) -> Spans:
        """The mentions :meth:`find` returns with the same arguments, as
        columns and without making a :class:`Mention` (see :class:`Spans`):
        for data frames, Arrow tables and counts over many documents.
        ``find(...)[n]`` has ``start == starts[n]``, ``end == ends[n]`` and
        the term ``list(glossary)[terms[n]]`` (none where ``terms[n]`` is -1).

        >>> ann = Annotator(Glossary.from_keys(["双碳", "碳达峰"]))
        >>> ann.find_spans("实现双碳，\\n碳达\\n峰")
        Spans(starts=array('q', [2, 6]), ends=array('q', [4, 10]), terms=array('q', [0, 1]))
        """
        if not isinstance(text, str):
            raise TypeError(f"find_spans() takes a str, not {type(text).__name__}")
        index = self._term_index(self._payload_for(scope, date))
        view = View(text, self.normalization)
        matches = self._select(view, overlapping, start, stop, True)
        if native.module is None:
            return self._spans_python(view, matches, offset, index)
        return Spans(*(array("q", b) for b in native.module.spans(matches, view.starts, view.shifts, offset, index)))

    def _term_index(self, payload: list) -> array:
        """Per form, the index in the glossary of the term its mentions
        report in documents of this ``payload`` (-1: ambiguous)."""
        got = self._term_indexes.get(id(payload))
        if got is None or got[0] is not payload:
            where = {id(t): j for j, t in enumerate(self._terms)}
            owners = self._owners  # (a payload not made yet: its form's own term)
            index = array("q", [owners[i] if p is None else -1 if p[_PAYLOAD_TERM] is None else where[id(p[_PAYLOAD_TERM])]
                                for i, p in enumerate(payload)])
            if len(self._term_indexes) >= 64:
                self._term_indexes.clear()
            got = self._term_indexes[id(payload)] = (payload, index)
        return got[1]

    def _spans_python(self, view: View, matches: list[Match], shift: int, index: array) -> Spans:
        """:meth:`find_spans`'s columns of view matches (``termkit._native.spans`` is its twin)."""
        starts, shifts = view.starts, view.shifts
        out = Spans(array("q"), array("q"), array("q"))
        for s, e, i in matches:
            k = bisect_right(starts, s) - 1
            out.starts.append(s + (shifts[k] if k >= 0 else 0) + shift)
            k = bisect_right(starts, e - 1) - 1
            out.ends.append(e + (shifts[k] if k >= 0 else 0) + shift)
            out.terms.append(index[i])
        return out

    def _select(
        self, view: View, overlapping: bool, lo: int = 0, hi: int | None = None, packed: bool = False
    ) -> list[Match]:
        """The selected view matches whose original start lies in ``[lo, hi)``.

        The result equals the selection over the valid candidates starting at
        or after ``lo``, cut at ``hi``: what a whole-text :meth:`find` yields
        there, provided the text before ``lo`` held no mention reaching past it.
        With ``packed``, where the engine is termkit's own, the matches come
        as the C module's ``find`` packs them (bytes), for ``_mentions``.
        """
        vt = view.text
        vlo = view.from_original(lo) if lo else 0
        vhi = len(vt) if hi is None else view.from_original(hi)
        if native.module is not None and type(self.engine) is NativeEngine:
            # One pass in C: the automaton's candidates judged and selected as it scans.
            return native.module.find(self.engine.automaton, view, vlo, vhi, overlapping, self._rules, packed)
        checks, rejected = self._rules[0], self._rejection
        if overlapping:
            return sorted(
                m for m in self.engine.overlapping(vt)
                if vlo <= m[0] < vhi and (not checks[m[2]] or not rejected(view, m))
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
        checks, rejected = self._rules[0], self._rejection
        out: list[Match] = []
        k = 0
        n = len(greedy)
        while k < n and greedy[k][1] <= p:
            k += 1
        while k < n:
            s, e, i = greedy[k]
            if s >= vhi:
                break
            if s >= p and (not checks[i] or not rejected(view, greedy[k])):
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
                if m[0] < min(limit, vhi) and (not checks[m[2]] or not rejected(view, m))
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
                found = self._mentions(view, self._select(view, overlapping, p - lo, end - lo, True), lo, payload)
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
            payload, Mention, self._steps, self._form_payload,
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
            fields = payload[i]
            if fields is None:
                fields = payload[i] = self._form_payload(i)
            if b - a == e - s and not folded:
                append(new(Mention, (a + shift, b + shift, text) + fields))
            else:
                append(self._mention(a + shift, b + shift, text, e - s, fields))
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
            _COMPILED.pop(next(iter(_COMPILED), None), None)  # (another thread may have taken it)
        _COMPILED[recipe] = ann
    return ann
