"""``termkit discover``: find the formulas no glossary has yet.

Where to look:

- :mod:`.candidates` — formula-shaped strings in a text (numeral-led runs,
  digit formulas, quoted strings), counted line by line;
- :mod:`.definitions` — definitions the text gives itself (appendix entries,
  以下简称“X”, “X”，即…, “X”是指…) and the parts it lists, counts checked;
- :mod:`.near` — what the glossary covers, and near misses of known terms;
- :mod:`.rank` — candidates across documents, and the documented score;
- :mod:`.collect` — scanning files (in worker processes), gathering, choosing;
- :mod:`.report` — table, jsonl, csv and draft glossary YAML;
- :mod:`.cli` — the subcommand.

>>> from termkit import Annotator, Glossary
>>> g = Glossary.from_keys(["两个维护"])
>>> found = discover_texts({"a.txt": "做到“两个维护”，落实“五个必须”。\\n坚持五个必须，推进“1+3+N”。"}, g)
>>> [(c.key, c.count, c.quoted) for c in found]
[('1+3+N', 1, 1), ('五个必须', 2, 1)]
"""

from __future__ import annotations


def discover_texts(texts: dict, glossary, *, top: int | None = None) -> list:
    """The candidates of in-memory texts (name -> text) that ``glossary`` does not cover, best first.
    (Imported when called: ``termkit --help`` and ``annotate`` load this package's cli only.)"""
    from ..match import Annotator
    from .collect import ScanTask, attach_examples, gather, scan_file, select
    from .near import NearMisses

    annotator = Annotator(glossary)
    results = [scan_file(ScanTask(name, name, None, None, text)) for name, text in texts.items()]
    cands = select(gather(results), annotator, NearMisses(glossary))
    lines = {name: text.split("\n") for name, text in texts.items()}
    return attach_examples(cands[: top * 2 if top else None], annotator, None, None, cache=lines)[:top]
