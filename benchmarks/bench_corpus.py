#!/usr/bin/env python
"""termkit's commands over the real corpus in ../shared/corpus, side by side in one run.

    python benchmarks/bench_corpus.py [--repeats 3]

Times whole commands (wall time, median of ``--repeats`` after one untimed
run, so that termkit's caches are warm) and their peak memory (the largest
resident set of the command and its worker processes): ``termkit annotate``
over every report with 1 and 2 jobs, against the machine's ceiling (the same
files cut in two halves, annotated by two ``-j 1`` processes at once), and
``extract``, ``discover`` and ``stats`` over the same corpus. Prints a
markdown table. Skips, saying so, where the corpus is absent.

It is a benchmark, not a test: nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def termkit(*args: str) -> list[str]:
    return [sys.executable, "-m", "termkit", *args]


def together(commands: list[list[str]]) -> None:
    """(In a process of its own.) Start the commands together; print the wall
    time and the peak RSS (KB) of any process they made."""
    start = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in commands]
    codes = [p.wait() for p in procs]
    wall = time.perf_counter() - start
    if any(code not in (0, 1) for code in codes):  # 1: an input without an appendix (extract)
        raise SystemExit(f"failed ({codes}): {commands[0]}")
    print(json.dumps([wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))


def run_together(commands: list[list[str]]) -> tuple[float, int]:
    """:func:`together` in a fresh process, so that the peak RSS is these commands' own."""
    out = subprocess.run([sys.executable, __file__, "--together", json.dumps(commands)], capture_output=True,
                         text=True, check=True).stdout
    wall, rss = json.loads(out)
    return wall, rss


def measure(name: str, commands: list[list[str]], repeats: int) -> dict:
    run_together(commands)  # untimed: caches warm
    times, peak = [], 0
    for _ in range(repeats):
        wall, rss = run_together(commands)
        times.append(wall)
        peak = max(peak, rss)
    return {"name": name, "median": statistics.median(times), "min": min(times), "max": max(times), "rss_mb": peak / 1024}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--together", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.together:
        together(json.loads(args.together))
        return 0
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is not here")
        return 0
    files = sorted(str(f) for f in CORPUS.rglob("*.md") if f.name != "README.md")
    size = sum(os.path.getsize(f) for f in files)
    half = len(files) // 2
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        rows = [
            measure("annotate -j 1", [termkit("annotate", *files, "-o", out)], args.repeats),
            measure("annotate -j 2", [termkit("annotate", "-j", "2", *files, "-o", out)], args.repeats),
            measure("ceiling: two annotate -j 1 on halves, at once",
                    [termkit("annotate", *files[:half], "-o", out + "1"),
                     termkit("annotate", *files[half:], "-o", out + "2")], args.repeats),
            measure("annotate --format csv -j 1", [termkit("annotate", "-f", "csv", *files, "-o", out)], args.repeats),
            measure("extract (corpus mode) -j 1", [termkit("extract", str(CORPUS / "provinces"), "-o", out + "x/")],
                    args.repeats),
            measure("discover -j 1", [termkit("discover", str(CORPUS), "-o", out + ".txt")], args.repeats),
            measure("stats -j 1", [termkit("stats", str(CORPUS), "-o", out + "s")], args.repeats),
        ]
    load = os.getloadavg()[0]
    print(f"{len(files)} reports of ../shared/corpus, {size / 1e6:.1f} MB; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}; medians of {args.repeats} after one untimed run; "
          f"load average {load:.2f} at the end\n")
    print("| command | median | min–max | MB/s | peak RSS |")
    print("| --- | --: | --: | --: | --: |")
    for r in rows:
        print(f"| {r['name']} | {r['median']:.2f} s | {r['min']:.2f}–{r['max']:.2f} s | "
              f"{size / 1e6 / r['median']:.1f} | {r['rss_mb']:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
