"""The one check of a set of terms taken together: ids unique, no surface
form (key, alias or variant) of two terms, component ``ref`` s naming terms
that exist, and no cycle of refs. :class:`~termkit.glossary.Glossary`
raises the first problem it finds; ``termkit validate`` reports them all.
Whatever changes what may share a form (scopes, periods) changes here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

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
    (the first to have it), and every problem, in entry order."""

    by_id: dict[str, Term]
    by_form: dict[str, Term]
    problems: list[Problem]


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
            other = by_form.setdefault(form, t)
            if other.id != t.id:
                problems.append(
                    Problem("duplicate-key", t, f"term {t.id}: form {form!r} already belongs to term {other.id}{where(other)}")
                )
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
    return Checked(by_id, by_form, problems)


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
