"""Output formats of ``termkit discover``: a table, jsonl, csv, and draft glossary YAML.

Every format is built from :func:`record`, one plain dict per candidate.
"""

from __future__ import annotations

import csv
import io
import json

from ..corpus.extract import guess_kind, to_yaml
from .collect import dates
from .rank import Candidate, score

FIELDS = ("rank", "key", "score", "kind", "count", "quoted", "documents", "places", "years", "first", "last",
          "definition", "components", "count_check", "variant_of", "variant_how", "examples")


def kind_of(c: Candidate) -> str:
    """The kind a draft entry is given (guessed from the key's shape, as ``extract`` does)."""
    return guess_kind(c.key, f"“{c.key}”", True).value


def record(c: Candidate, rank: int) -> dict:
    """One candidate as plain data (the jsonl record)."""
    first, last = dates(c)
    d = c.definition
    return {
        "rank": rank, "key": c.key, "score": round(score(c), 2), "kind": kind_of(c), "count": c.count,
        "quoted": c.quoted, "documents": len(c.docs), "places": len(c.places), "years": len(c.years),
        "first": first, "last": last,
        "definition": {"text": d["text"], "file": d["file"], "line": d["line"], "how": d["how"]} if d else None,
        "components": list(c.components), "count_check": c.count_check,
        "variant_of": c.variant_of, "variant_how": c.variant_how,
        "examples": list(getattr(c, "shown", [])),
    }


def write_jsonl(records: list[dict], out) -> None:
    for r in records:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_csv(records: list[dict], out) -> None:
    """CSV with a header; the definition as its text, lists joined by ``|``, examples as file:line."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(FIELDS)
    for r in records:
        row = dict(r)
        row["definition"] = r["definition"]["text"] if r["definition"] else ""
        row["components"] = "|".join(r["components"])
        row["examples"] = "|".join(f"{e['file']}:{e['line']}" for e in r["examples"])
        w.writerow(["" if row[f] is None else row[f] for f in FIELDS])


def write_table(records: list[dict], out) -> None:
    """A table for the terminal: rank, key, score, count, documents, dates, note, first example."""
    out.write("rank  key            score  count  docs  first       last        note / example\n")
    for r in records:
        note = f"variant of {r['variant_of']} ({r['variant_how']})" if r["variant_of"] else ""
        if r["definition"]:
            note = (note + "; " if note else "") + f"defined ({r['definition']['how']}, {r['definition']['file']}:{r['definition']['line']})"
        ex = r["examples"][0] if r["examples"] else None
        shown = f"{ex['file']}:{ex['line']}  {ex['context']}" if ex else ""
        out.write(f"{r['rank']:>4}  {_pad(r['key'], 14)} {r['score']:>6}  {r['count']:>5}  {r['documents']:>4}  "
                  f"{r['first'] or '-':<10}  {r['last'] or '-':<10}  {note + '  ' if note else ''}{shown}\n")


def _pad(s: str, width: int) -> str:
    """``s`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    cols = sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)
    return s + " " * max(0, width - cols)


def draft_terms(cands: list[Candidate], glossary) -> list:
    """Draft glossary entries: ``discovered/<key>`` for a new formula (definition
    null unless the text defines it; sources: its example lines), and for a near
    miss the known term again with the new form added as a variant or alias
    (loaded with ``--glossary`` it replaces the bundled one)."""
    from ..glossary.model import Component, Source, Term

    terms, known = [], {}
    for c in cands:
        shown = getattr(c, "shown", [])
        sources = [Source(document=e["file"], line=e["line"], note="termkit discover") for e in shown] or \
            [Source(document="termkit discover")]
        key = "".join(c.key.split())
        try:
            if c.variant_of and c.variant_of in glossary:
                base = known.get(c.variant_of) or glossary[c.variant_of]
                field = "aliases" if c.variant_how == "punctuation" else "variants"
                data = {f: getattr(base, f) for f in base.__dataclass_fields__}
                if key not in data[field]:
                    data[field] = (*data[field], key)
                data["sources"] = (*base.sources, *sources)
                known[c.variant_of] = Term(**data)
                continue
            d = c.definition
            if d:
                sources.insert(0, Source(document=d["file"], line=d["line"], note=f"definition ({d['how']})"))
            terms.append(Term(
                id=f"discovered/{key}", key=key, headword=f"“{key}”", kind=kind_of(c),
                definition=d["text"] if d else None,
                components=[Component(name=x) for x in c.components if x.strip()],
                scope=next(iter(c.places)) if len(c.places) == 1 else "unknown",
                sources=sources,
            ))
        except Exception:  # a key the format cannot hold (quotes, punctuation): left out of the draft
            continue
    return terms + list(known.values())


def write_yaml(cands: list[Candidate], glossary, out) -> None:
    out.write(to_yaml(draft_terms(cands, glossary), "discovered",
                      "Candidate formulas found by termkit discover; review before use."))


def render(cands: list[Candidate], fmt: str, glossary, out) -> None:
    """Write the candidates in ``fmt`` (table, jsonl, csv, yaml) to ``out``."""
    if fmt == "yaml":
        write_yaml(cands, glossary, out)
        return
    records = [record(c, i) for i, c in enumerate(cands, 1)]
    {"table": write_table, "jsonl": write_jsonl, "csv": write_csv}[fmt](records, out)


def as_text(cands: list[Candidate], fmt: str, glossary=None) -> str:
    buf = io.StringIO()
    render(cands, fmt, glossary, buf)
    return buf.getvalue()
