#!/usr/bin/env python
"""Where ``Annotator.find`` spends its time, stage by stage, against raw daachorse.

    python benchmarks/find_profile.py                  # 10k and 100k keys, 5 MB, 5 repeats
    python benchmarks/find_profile.py --sizes 10k --mb 3 --repeats 7

The glossaries and the corpus are those of ``benchmarks/run.py`` (the bundled
terms plus synthetic keys; the seeds repeated and cut into 1 MB documents).
In one process, round-robin, each pass timed over every document:

- ``raw daachorse``: the benchmark's raw contender (``find`` over the raw forms);
- ``engine``: daachorse's ``find`` over the views with termkit's own keys
  (with the Traditional spellings: a larger automaton), tuples and all;
- ``view``: building the normalized views;
- ``select``: the selection from the engine's matches (validity checks, and
  the windows redone where a candidate is rejected), engine excluded;
- ``mentions``: ``_mentions`` (offset mapping and Mention objects);
- ``find``: the whole of ``Annotator.find``;
- ``find_spans``: the columnar result, where the Annotator has it;

all of these with the daachorse engine, and then with termkit's own
(``engine="native"``, where the C module is built):

- ``native scan``: its automaton over the views, the valid candidates
  selected as it scans into a C array (``_native.find``, packed: no Python
  object per match);
- ``native find``, ``native find_spans``: the whole of them.

Medians of the passes, in ms per MB of UTF-8, and the ratio of raw daachorse's
time to termkit's (what the issue calls "× raw daachorse"). The machine's
load average is printed: compare figures within one run only.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run as bench  # noqa: E402  (benchmarks/run.py: the same glossaries and corpus)


def corpus(mb: float, chunk_mb: float = 1.0) -> list[str]:
    """The seeds repeated to ``mb`` MB, cut at line ends into ``chunk_mb`` MB documents."""
    seeds = bench.seed_text()
    if not seeds.endswith("\n"):
        seeds += "\n"
    times = -(-int(mb * 1e6) // len(seeds.encode("utf-8")))
    lines = (seeds * times).splitlines(keepends=True)
    chunks, cur, size = [], [], 0
    for line in lines:
        cur.append(line)
        size += len(line.encode("utf-8"))
        if size >= chunk_mb * 1e6:
            chunks.append("".join(cur))
            cur, size = [], 0
    if cur:
        chunks.append("".join(cur))
    return chunks


def stages(size: str, chunks: list[str]) -> dict:
    """The timed stages of one glossary size: name -> function of no argument."""
    import daachorse

    import termkit
    from termkit import native
    from termkit.match.engine import available
    from termkit.text.normalize import View

    spec = bench.make_specs([size])[size]
    glossary = bench.prepare(bench.TERMKIT, spec)
    ann = termkit.Annotator(glossary, engine="daachorse")
    raw = daachorse.CharwiseDoubleArrayAhoCorasick(list(spec["forms"]),
                                                   match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST)
    norm = ann.normalization

    def select(view, matches):  # Annotator._select, less the engine's own find
        if native.module is None:
            return ann._select_python(view, matches, 0, len(view.text))
        return native.module.select(matches, 0, len(view.text), view, ann._rules, ann.engine.overlapping,
                                    ann._maxlen)

    views = [View(c, norm) for c in chunks]
    greedy = [ann.engine.longest(v.text) for v in views]
    selected = [ann._select(v, False) for v in views]
    assert [ann._mentions(v, s) for v, s in zip(views, selected)] == [ann.find(c) for c in chunks]
    out = {
        "raw daachorse": lambda: [raw.find(c) for c in chunks],
        "engine": lambda: [ann.engine.longest(v.text) for v in views],
        "view": lambda: [View(c, norm) for c in chunks],
        "select": lambda: [select(v, g) for v, g in zip(views, greedy)],
        "mentions": lambda: [ann._mentions(v, s) for v, s in zip(views, selected)],
        "find": lambda: [ann.find(c) for c in chunks],
    }
    if hasattr(ann, "find_spans"):
        out["find_spans"] = lambda: [ann.find_spans(c) for c in chunks]
    if "native" in available():
        nat = termkit.Annotator(glossary, engine="native")
        aut = nat.engine.automaton
        assert [nat.find(c) for c in chunks] == [ann.find(c) for c in chunks]
        out["native scan"] = lambda: [native.module.find(aut, v, 0, len(v.text), False, nat._rules, True)
                                      for v in views]
        out["native find"] = lambda: [nat.find(c) for c in chunks]
        out["native find_spans"] = lambda: [nat.find_spans(c) for c in chunks]
    windows = []  # the windows select() redid: one overlapping() call each
    if native.module is not None:
        for v, g in zip(views, greedy):
            native.module.select(g, 0, len(v.text), v, ann._rules, lambda t: windows.append(t) or
                                 ann.engine.overlapping(t), ann._maxlen)
    counts = {
        "raw matches": sum(len(raw.find(c)) for c in chunks),
        "engine matches": sum(map(len, greedy)),
        "mentions": sum(map(len, selected)),
        "windows redone": len(windows),
        "automaton keys": len(ann._keys),
    }
    return out, counts


def measure(funcs: dict, repeats: int) -> dict[str, float]:
    """Median seconds per pass of each function, run round-robin (rotated)."""
    times: dict[str, list[float]] = {k: [] for k in funcs}
    order = list(funcs)
    for r in range(repeats):
        k = r % len(order)
        for name in order[k:] + order[:k]:
            gc.collect()
            t0 = time.perf_counter()
            funcs[name]()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10k,100k")
    p.add_argument("--mb", type=float, default=5.0, help="corpus size in MB (default 5)")
    p.add_argument("--repeats", type=int, default=5, help="passes per stage (default 5)")
    a = p.parse_args(argv)
    bench.DATA.mkdir(exist_ok=True)
    os.environ.setdefault("TERMKIT_CACHE_DIR", str(bench.WARM_CACHE))
    chunks = corpus(a.mb)
    mb = sum(len(c.encode("utf-8")) for c in chunks) / 1e6
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{mb:.1f} MB in {len(chunks)} documents; medians of {a.repeats}")
    for size in a.sizes.split(","):
        funcs, counts = stages(size, chunks)
        med = measure(funcs, a.repeats)
        raw = med["raw daachorse"]
        print(f"\n{size} keys: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        print(f"{'stage':<19}{'ms/MB':>9}{'share of find':>15}{'raw ÷ this':>12}")
        for name, t in med.items():
            of = {"engine": "find", "view": "find", "select": "find", "mentions": "find",
                  "native scan": "native find"}.get(name)
            share = f"{t / med[of]:.0%}" if of else ""
            print(f"{name:<19}{t / mb * 1e3:>9.2f}{share:>15}{raw / t:>12.2f}")
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
