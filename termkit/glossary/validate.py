"""Checking glossary files: schema, duplicates, and whether numeric keys count right.

:func:`validate_files` returns :class:`Finding` s:

- ``schema`` (error): a file that does not load; the message is the loader's.
- ``duplicate-id`` / ``duplicate-key`` (error): an id, or a surface form (key,
  alias, variant), that two entries share, within a file or across files.
- ``count-mismatch`` (error), ``count-ok`` (info), ``not-checkable`` (info):
  the numeric check, for every key that contains numerals.

The numeric check
-----------------
A key's counts and their labels come from :func:`termkit.text.numerals.key_parts`
(六九九六 → 6, 9, 9, 6; 两匹配一服从 → 2 匹配, 1 服从). A term's *list* is the
items of a component named like the key itself (the flat enumeration that
``termkit extract`` writes); its *parts* are its other components.

1. **As many parts as counts** (六九九六, 三区三线, 1236, 12345, 154+50): count *i*
   goes with part *i*. A part agrees when the count in its name agrees
   (六项制度 ↔ 6; a part named ``154`` ↔ 154) and its own size agrees, where
   its size can be told: its items; else its sub-parts (the total of their
   counts when each names one — “15” = 六大产业链 + 九大专业镇 — else their
   number); else a total stated after its list (…三条控制线); else how often
   its label occurs in its definition (两个共同体 → 共同体 twice).
2. **One count** (十大平台, 煤八条, 三个务必): the list's length, else the number
   of parts, else a stated total, else the label's occurrences in the definition.
3. **Several counts, no matching parts** (两匹配一服从, 4句话32字, 一重点三同步):
   each count by its label — ``字`` counts the characters of the list, a bare
   classifier (句, 句话, 条, 项, 点, 个) counts the list's items, any other
   label counts the list items that contain it (or, without a list, its
   occurrences in the definition). Parts whose number equals the total of the
   counts (two-match-one-obey as three parts) agree as well; any other number
   of parts disagrees.

Only clear evidence refutes a count (issue 13: every count-mismatch on real
appendices was false). A list refutes only when the definition is one flat
、-list (:func:`termkit.text.lists.is_plain_list`), not ；-groups or sentences,
and only when no other reading of it agrees (:func:`termkit.text.lists.list_readings`:
a last 和 item, a quoted list inside, a lead-in clause, a shared ending). A total
stated in the definition, list items that contain a label, and parts found in
prose confirm a count but never refute it. A part counted 1 is one thing, whatever
its list. Some numerals are not counts at all (:func:`not_counts`): N, X or 多
(1+N, 一库多圃: the counts named by parts are still checked), 百/千/万 and numbers
of 100 and more (三百工程, 千企行丝路), durations, rates and amounts (三年行动,
双15%), and a lone 一 (一揽子, 一单制).

A count with nothing to compare against is *unknown*. The result is
``count-mismatch`` when any count disagrees, ``count-ok`` when all agree, and
``not-checkable`` otherwise (digits with no parts; a definition in prose;
a plan number such as 十四五; a run of more than
:data:`termkit.text.numerals.MAX_DIGITS` digits, which no slogan counts; more than
:data:`MAX_COUNTS` counts, which would make the check cost their number times
the length of the list).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, Optional

from ..text.lists import is_plain_list, list_readings, stated_total
from ..text.numerals import (
    MAX_DIGITS,
    KeyPart,
    has_overlong_numeral,
    is_ordinal_key,
    key_parts,
    numerals_in_key,
    parse_numeral,
)
from .checks import check_terms
from .files import GlossaryError, read_file
from .model import Component, Term

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One thing validate has to say about a glossary entry (or a whole file)."""

    file: str
    id: Optional[str]
    key: Optional[str]
    code: str
    severity: Severity
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


# -- the numeric check --------------------------------------------------------

#: The most counts a key may have and be checked (六九九六 has four).
MAX_COUNTS = 100
_GENERIC = {"句", "句话", "条", "项", "点", "个", "方面", "件"}
_COUNTED = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_SPLIT_TOP = re.compile("[、，,；;。]")


def characters(texts: list[str]) -> int:
    """How many characters the texts hold, punctuation and quotes not counted.

    >>> characters(["主强辅优、分灶吃饭", "对标挖潜、突破“两线”"])
    16
    """
    return sum(len(_COUNTED.findall(t)) for t in texts)


def part_size(c: Component) -> tuple[int | None, str]:
    """The size of a component, and how it was told; (None, '') when it cannot be.

    >>> part_size(Component(name="两个共同体", definition="城乡学校共同体和医疗卫生共同体"))
    (2, '共同体 2 times in its definition')
    >>> part_size(Component(name="15", components=[Component(name="六大产业链"), Component(name="九大专业镇")]))
    (15, 'its parts count 6+9')
    >>> part_size(Component(name="1", definition="区救援总指挥部"))
    (None, '')
    """
    if c.items:
        return len(c.items), f"{len(c.items)} items"
    if c.components:
        counts = [numerals_in_key(s.name) for s in c.components]
        if all(len(n) == 1 for n in counts):
            return sum(n[0] for n in counts), "its parts count " + "+".join(str(n[0]) for n in counts)
        return len(c.components), f"{len(c.components)} parts"
    stated = stated_total(c.definition)
    if stated is not None:
        return stated, f"its definition states {stated}"
    parts = key_parts(c.name)
    if len(parts) == 1 and parts[0].label and c.definition:
        label = parts[0].label
        n = c.definition.count(label)
        if n:
            return n, f"{label} {n} times in its definition"
    return None, ""


def _weak(how: str) -> bool:
    return "times in" in how or "states" in how


def _compare(want: int, got: int | None, how: str, weak: bool = False) -> tuple[str, str]:
    """(status, what was found): ok, mismatch or unknown.

    Weak evidence (a word counted in prose) confirms a count but never refutes it.
    """
    if got is None:
        return "unknown", "nothing to compare"
    if got == want:
        return "ok", how
    return ("unknown", how + ", inconclusive") if weak else ("mismatch", how)


def _combine(label: str, results: list[tuple[str, str]]) -> tuple[str, str]:
    """One count's status from its checks, with a message like ``6 ↔ 六项制度 (6 in its name; 6 items)``."""
    statuses = {st for st, _ in results}
    status = "mismatch" if "mismatch" in statuses else "ok" if "ok" in statuses else "unknown"
    return status, f"{label} ({'; '.join(h for _, h in results)})"


def _name_count(name: str) -> int | None:
    n = parse_numeral(name)
    if n is not None:
        return n
    counts = numerals_in_key(name)
    return counts[0] if counts else None


def _check_part(p: KeyPart, c: Component) -> tuple[str, str]:
    results = []
    named = _name_count(c.name)
    if named is not None:
        results.append(_compare(p.count, named, f"{named} in its name"))
    got, how = part_size(c)
    if got is not None and p.count > 1:
        weak = _weak(how) or not is_plain_list(c.definition)
        if got != p.count and p.count in list_readings(c.definition):
            got, how = p.count, f"{p.count} items read another way"
        results.append(_compare(p.count, got, how, weak=weak))
    return _combine(f"{p.count} ↔ {c.name}", results or [("unknown", "nothing to compare")])


def _check_label(p: KeyPart, items: list[str], definition: str | None) -> tuple[str, str]:
    what = f"{p.count}{p.label}"
    if p.label.startswith("字"):
        result = _compare(p.count, characters(items) if items else None, f"{characters(items)} characters")
    elif p.label in _GENERIC:
        result = _compare(p.count, len(items) if items else None, f"{len(items)} items",
                          weak=not is_plain_list(definition))
    elif not p.label:
        result = ("unknown", "no label to look for")
    else:
        n = sum(p.label in i for i in items) if items else 0
        if n:  # the label recurs in items, or is left out of some (三通一码, 两品一标): confirms only
            result = _compare(p.count, n, f"{n} items with {p.label}", weak=True)
        else:
            n = (definition or "").count(p.label)
            result = _compare(p.count, n or None, f"{p.label} {n} times in the definition", weak=True)
    return _combine(what, [result])


def _match_by_name(parts: list[KeyPart], named: list[Component]) -> list[tuple[KeyPart, Component]]:
    """Counts paired, in order, with the parts whose names carry those numbers (1+3+N: 1 and 3)."""
    out, i = [], 0
    for c in named:
        if i < len(parts) and _name_count(c.name) == parts[i].count:
            out.append((parts[i], c))
            i += 1
    return out if i == len(parts) else []


def check_counts(term: Term) -> tuple[str, str] | None:
    """The numeric check of one term: (code, message), or None for a key without numerals.

    >>> from termkit.glossary.model import Source
    >>> t = Term(id="x/五个一", key="五个一", headword="“五个一”", kind="numeric-slogan", scope="x",
    ...          sources=[Source(document="x")], components=[Component(name="五个一", items=["甲", "乙", "丙", "丁"])])
    >>> check_counts(t)
    ('count-mismatch', '五个一: 5 (4 items)')
    >>> from dataclasses import replace
    >>> check_counts(replace(t, key="清化收")) is None
    True
    """
    if is_ordinal_key(term.key):
        return "not-checkable", f"{term.key}: its numerals are not counts (a plan period or congress)"
    if has_overlong_numeral(term.key):
        return "not-checkable", f"{term.key}: a number of more than {MAX_DIGITS} digits is not a count"
    parts = key_parts(term.key)
    if not parts:
        return None
    own = [c for c in term.components if c.name == term.key]
    named = [c for c in term.components if c.name != term.key]
    why = not_counts(term.key, parts)
    if why.startswith("N,"):  # 1+3+N: the counts named by parts are still checked
        by_name = _match_by_name([p for p in parts if p.count > 0], named) if named else []
        if by_name:
            return _result(term.key, [_check_part(p, c) for p, c in by_name])
    if why:
        return "not-checkable", f"{term.key}: {why}"
    if len(parts) > MAX_COUNTS:
        return "not-checkable", f"{term.key}: {len(parts)} counts are more than {MAX_COUNTS} to check"
    own = [c for c in term.components if c.name == term.key]
    items = [i for c in own for i in c.items]
    named = [c for c in term.components if c.name != term.key]
    if len(parts) == 1:
        p = parts[0]
        weak = not is_plain_list(term.definition)
        if items:
            got, how = len(items), f"{len(items)} items"
        elif named:
            got, how = len(named), f"{len(named)} parts"
            weak = weak or all(numerals_in_key(c.name) for c in named)  # 三单 + 一网: the key's own pieces
        else:
            got = stated_total(term.definition)
            how, weak = f"its definition states {got}", True
        if got != p.count and p.count in list_readings(term.definition):
            got, how, weak = p.count, f"{p.count} items read another way", False
        return _result(term.key, [_combine(str(p.count), [_compare(p.count, got, how, weak=weak)])])
    if named and len(named) == len(parts):
        return _result(term.key, [_check_part(p, c) for p, c in zip(parts, named)])
    by_name = _match_by_name(parts, named)
    if by_name:
        return _result(term.key, [_check_part(p, c) for p, c in by_name])
    if named:
        total = sum(p.count for p in parts)
        return _result(term.key, [_combine(
            f"{len(parts)} counts totalling {total}",
            [_compare(total, len(named), f"{len(named)} parts", weak=bool(term.definition))]
        )])
    return _result(term.key, [_check_label(p, items, term.definition) for p in parts])


_OPEN_COUNT = re.compile(r"[+＋][NXnx]|[NXnx][+＋]|多")
_SIZE_LABELS = ("年", "天", "日", "月", "周", "分钟", "小时", "%", "倍", "岁", "元", "万", "亿")
_CJK_MAGNITUDE = re.compile("[百千万]")


def not_counts(key: str, parts: list[KeyPart]) -> str:
    """Why a key's numerals are not counts to check ('' when they are).

    >>> [not_counts(k, key_parts(k)) for k in ["1+N", "一库多圃", "三百工程", "三年行动计划", "双15%", "一揽子", "三区三线"]]
    ['N, X or 多 is an open number', 'N, X or 多 is an open number', '百, 千 and 万 here are magnitudes, not counts', 'a duration, rate or amount, not a count', 'a duration, rate or amount, not a count', '一 here means one single thing', '']
    """
    if _OPEN_COUNT.search(key):
        return "N, X or 多 is an open number"
    if any(p.count >= 100 for p in parts) and (_CJK_MAGNITUDE.search(key) or "+" not in key):
        return "百, 千 and 万 here are magnitudes, not counts"
    if any(p.label.startswith(_SIZE_LABELS) for p in parts):
        return "a duration, rate or amount, not a count"
    if [p.count for p in parts] == [1]:
        return "一 here means one single thing"
    return ""


def _result(key: str, results: list[tuple[str, str]]) -> tuple[str, str]:
    statuses = {s for s, _ in results}
    if "mismatch" in statuses:
        return "count-mismatch", f"{key}: " + "; ".join(m for s, m in results if s == "mismatch")
    code = "count-ok" if statuses == {"ok"} else "not-checkable"
    return code, f"{key}: " + "; ".join(m for _, m in results)


# -- files ---------------------------------------------------------------------------

_SEVERITY = {"count-mismatch": "error", "count-ok": "info", "not-checkable": "info"}


def validate_files(paths: list[str | Path]) -> list[Finding]:
    """Every finding about the given glossary files, file by file, in entry order.

    Duplicates are reported on the later entry, naming the earlier one.
    """
    findings: list[Finding] = []
    terms: list[Term] = []
    origins: dict[int, str] = {}  # id(term) -> its file
    for path in paths:
        path = str(path)
        try:
            with open(path, "rb"):
                pass
        except OSError as e:
            findings.append(Finding(path, None, None, "unreadable", "error",
                                    f"{path}: cannot read glossary: {e.strerror or e}"))
            continue
        try:
            gf = read_file(path)
        except GlossaryError as e:
            findings.append(Finding(path, None, None, "schema", "error", str(e)))
            continue
        for t in gf.terms:
            origins[id(t)] = path
            terms.append(t)
            checked = check_counts(t)
            if checked is not None:
                code, message = checked
                findings.append(Finding(path, t.id, t.key, code, _SEVERITY[code], message))
    # Ids, forms and references across all the files, as when they are loaded together.
    for p in check_terms(terms, lambda t: origins[id(t)]).problems:
        findings.append(Finding(origins[id(p.term)], p.term.id, p.term.key, p.code, "error", p.message))
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def format_text(findings: list[Finding]) -> str:
    """One line per finding, ``file: severity code [id]: message``, then a summary line.

    >>> print(format_text([Finding("g.yaml", "x/三区三线", "三区三线", "count-ok", "info", "三区三线: 3 = 3")]))
    g.yaml: info count-ok [x/三区三线]: 三区三线: 3 = 3
    1 finding: 0 errors, 0 warnings, 1 info
    """
    lines = [
        f"{f.file}: {f.severity} {f.code}" + (f" [{f.id}]" if f.id else "") + f": {f.message}"
        for f in findings
    ]
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    n = len(findings)
    lines.append(
        f"{n} finding{'s' if n != 1 else ''}: {counts['error']} error{'s' if counts['error'] != 1 else ''}, "
        f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}, {counts['info']} info"
    )
    return "\n".join(lines)


def format_json(findings: list[Finding]) -> str:
    """The findings as a JSON list of objects (file, id, key, code, severity, message)."""
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)
