"""The one check of a set of terms taken together: ids unique, no surface
form (key, alias or variant) twice in one scope and period, component
``ref`` s naming terms that exist, and no cycle of refs.
:class:`~termkit.glossary.Glossary` raises the first problem it finds;
``termkit validate`` reports them all.

Terms of different scopes, or of one scope and different periods, may share
a form (the 三个一批 of two districts; a city's slogan as it defined it in
2021 and again in 2023): which one a document means is decided when it is
annotated (:mod:`termkit.scope.resolve`). Scopes are compared as places
(长治市上党区 and 山西省长治市上党区 are one), and ``unknown`` counts as
``national``: both apply everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from ..scope.places import place
from .model import Component, Term


class Problem(NamedTuple):
    """A problem of a set of terms: ``code`` (duplicate-id, duplicate-key,
    missing-ref, ref-cycle), the ``term`` it is reported on (the later of
    two), and a one-line ``message`` naming it."""

    code: str
    term: Term
    message: str


class Checked(NamedTuple):
    """What :func:`check_terms` found: the terms by id and by surface form
    (the first to have it), the forms that several terms share (with those
    terms, in entry order), and every problem, in entry order."""

    by_id: dict[str, Term]
    by_form: dict[str, Term]
    shared: dict[str, tuple[Term, ...]]
    problems: list[Problem]


def where_and_when(term: Term) -> tuple[str, str | None]:
    """What two terms may not both have with one form: the place of the
    scope (by name; ``unknown`` is ``national``) and the period.

    >>> from termkit import Glossary
    >>> where_and_when(next(iter(Glossary.from_keys(["双碳"]))))
    ('national', None)
    """
    p = place(term.scope)
    return ("national" if p is None else p.name), term.period


def check_terms(terms: Iterable[Term], origin: Callable[[Term], str | None] = lambda t: None) -> Checked:
    """Check terms as a whole; ``origin(term)`` names the file a term came
    from, for the messages.

    >>> from termkit import Glossary
    >>> a, b = Glossary.from_keys(["双碳"]), Glossary.from_keys(["两个维护"])
    >>> [p.message for p in check_terms([*a, *a, *b]).problems]
    ['term adhoc/双碳: duplicate id']
    """
    by_id: dict[str, Term] = {}
    by_form: dict[str, Term] = {}
    sharing: dict[str, list[Term]] = {}
    problems: list[Problem] = []

    def where(t: Term) -> str:
        o = origin(t)
        return f" ({o})" if o else ""

    terms = list(terms)
    for t in terms:
        if t.id in by_id:
            first = origin(by_id[t.id])
            problems.append(Problem("duplicate-id", t, f"term {t.id}: duplicate id" + (f" (first in {first})" if first else "")))
            continue
        by_id[t.id] = t
        for form, _ in t.forms:
            first = by_form.setdefault(form, t)
            if first is t:
                continue
            others = sharing.setdefault(form, [first])
            mine = where_and_when(t)
            clash = next((o for o in others if where_and_when(o) == mine), None)
            if clash is not None:
                scope, period = mine
                problems.append(Problem(
                    "duplicate-key", t,
                    f"term {t.id}: form {form!r} already belongs to term {clash.id}{where(clash)}"
                    f" (both of scope {scope}" + (f", period {period}" if period else "") + ")"))
            else:
                others.append(t)
    refs = {tid: sorted(component_refs(t.components)) for tid, t in by_id.items()}
    for tid, targets in refs.items():
        for target in targets:
            if target not in by_id:
                problems.append(
                    Problem("missing-ref", by_id[tid], f"term {tid}: component refers to missing term {target!r}")
                )
    cycle = find_cycle({tid: [x for x in targets if x in by_id] for tid, targets in refs.items()})
    if cycle:
        message = f"term {cycle[0]}: components refer in a cycle: " + " -> ".join(cycle)
        problems.append(Problem("ref-cycle", by_id[cycle[0]], message))
    shared = {form: tuple(ts) for form, ts in sharing.items() if len(ts) > 1}
    return Checked(by_id, by_form, shared, problems)


def component_refs(components: list[Component]) -> set[str]:
    out = set()
    for c in components:
        if c.ref:
            out.add(c.ref)
        out |= component_refs(c.components)
    return out


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    WHITE, GREY, BLACK = 0, 1, 2
    color = dict.fromkeys(graph, WHITE)
    for root in graph:
        if color[root] != WHITE:
            continue
        stack = [(root, iter(graph[root]))]
        path = [root]
        color[root] = GREY
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = BLACK
                stack.pop()
                path.pop()
            elif color.get(nxt) == GREY:
                return path[path.index(nxt):] + [nxt]
            elif color.get(nxt) == WHITE:
                color[nxt] = GREY
                stack.append((nxt, iter(graph[nxt])))
                path.append(nxt)
    return None
