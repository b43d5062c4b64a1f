#!/usr/bin/env python
"""termkit on more than one worker: the whole real corpus with the bundled
glossary, one worker against two, side by side in one run.

    python benchmarks/bench_dask.py                  # ../shared/corpus, medians of 3
    python benchmarks/bench_dask.py --no-spark       # Dask and the command line only

What one run does:

1. Starts a Dask ``LocalCluster`` of one worker process
   (``threads_per_worker=1``), timing its start, runs
   ``termkit.integrations.dask.find_files`` over every report (``*.md``) of
   the corpus once untimed (the workers import termkit and compile the
   glossary there) and once timed, computing the whole DataFrame of mentions
   into the client, and closes it; then the same with two workers; and so
   ``--repeats`` rounds.
3. With PySpark and Java: the same with ``termkit.integrations.spark.find_files``
   on ``local[1]`` and ``local[2]`` sessions (one after the other: a process
   holds one SparkContext), timing each session's start.
4. ``termkit annotate -j 1`` and ``-j 2`` on the same files (output discarded),
   in turn, for reference; and the machine's own ceiling at that moment: one
   plain Python process annotating every file (as a task does) against two
   started together, each over half of them.
5. Prints a markdown table (medians), the load average before and after,
   and checks that every run found as many mentions as ``termkit annotate``.

It is a benchmark, not a test: nothing here asserts a duration. The machine
should be otherwise idle: two workers on two cores share them with anything
else running.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.md") if p.name != "README.md")


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def interleaved(runs: dict, repeats: int) -> dict[str, list[float]]:
    """Each of ``runs`` (name -> a function returning a count of mentions)
    once untimed, then ``repeats`` times in turn; the times, and every count
    the same."""
    counts = {name: {run()} for name, run in runs.items()}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            seconds, n = timed(run)
            times[name].append(seconds)
            counts[name].add(n)
    return times, counts


def bench_dask(files: list[str], repeats: int) -> tuple[dict, dict, dict]:
    """One cluster at a time (two alive at once slowed the two-worker runs
    down on two cores), one worker then two, ``repeats`` rounds; each start
    timed, each cluster's first run untimed."""
    from dask.distributed import Client, LocalCluster

    from termkit.integrations.dask import default_annotator, find_files

    annotator = default_annotator()
    started: dict[int, list[float]] = {1: [], 2: []}
    times: dict[int, list[float]] = {1: [], 2: []}
    counts: dict[int, set[int]] = {1: set(), 2: set()}
    for _ in range(repeats):
        for n in (1, 2):
            seconds, cluster = timed(lambda: LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                          dashboard_address=None, silence_logs=logging.CRITICAL))
            with cluster, Client(cluster) as client:
                started[n].append(seconds)
                counts[n].add(len(client.compute(find_files(files, annotator), sync=True)))
                seconds, count = timed(lambda: len(client.compute(find_files(files, annotator), sync=True)))
                times[n].append(seconds)
                counts[n].add(count)
    return {n: statistics.median(s) for n, s in started.items()}, times, counts


def bench_spark(files: list[str], repeats: int) -> tuple[dict, dict, dict]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from termkit.integrations.spark import find_files

    started, times, counts = {}, {}, {}
    for n in (1, 2):
        def start(n=n):
            spark = (SparkSession.builder.master(f"local[{n}]").appName("termkit-bench")
                     .config("spark.ui.enabled", "false").getOrCreate())
            spark.sparkContext.setLogLevel("ERROR")
            return spark
        started[n], spark = timed(start)
        try:
            t, c = interleaved({n: lambda: find_files(spark, files).count()}, repeats)
            times.update(t)
            counts.update(c)
        finally:
            spark.stop()
    return started, times, counts


def bench_cli(files: list[str], repeats: int) -> tuple[dict, dict]:
    def run(jobs: int):
        out = subprocess.run([sys.executable, "-m", "termkit", "annotate", "-j", str(jobs), *files],
                             stdout=subprocess.PIPE, check=True)
        return out.stdout.count(b"\n")

    return interleaved({n: (lambda n=n: run(n)) for n in (1, 2)}, repeats)


#: One process annotating the files listed in a file, as a Dask or Spark task does.
ALONE = """import sys
from termkit.integrations.dask import default_annotator, file_columns, locator
ann, paths = default_annotator(), open(sys.argv[1], encoding="utf-8").read().splitlines()
print(len(file_columns(ann, paths, locator())["doc"]))
"""


def bench_ceiling(files: list[str], repeats: int, scratch: Path) -> tuple[dict, dict]:
    """The machine's own ceiling: one plain process over every file against
    two over half each, started together (no engine between them)."""
    lists = []
    for name, part in (("all", files), ("odd", files[1::2]), ("even", files[::2])):
        lists.append(scratch / f"{name}.txt")
        lists[-1].write_text("\n".join(part), encoding="utf-8")

    def run(*paths):
        procs = [subprocess.Popen([sys.executable, "-c", ALONE, str(p)], stdout=subprocess.PIPE) for p in paths]
        return sum(int(p.communicate()[0]) for p in procs)

    return interleaved({1: lambda: run(lists[0]), 2: lambda: run(*lists[1:])}, repeats)


def row(name: str, start: str, times: dict, counts: dict, mentions: int) -> str:
    one, two = statistics.median(times[1]), statistics.median(times[2])
    ok = all(c == {mentions} for c in counts.values())
    return (f"| {name} | {start} | {one:.2f} s | {two:.2f} s | {one / two:.2f}× | "
            f"{min(a / b for a, b in zip(times[1], times[2])):.2f}–{max(a / b for a, b in zip(times[1], times[2])):.2f}× | "
            f"{'same' if ok else 'DIFFERENT: ' + repr(counts)} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a folder of reports (*.md)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-spark", action="store_true", help="leave Spark out")
    args = parser.parse_args(argv)
    files = corpus_files(args.corpus)
    if not files:
        print(f"{args.corpus}: no reports (*.md) there", file=sys.stderr)
        return 1
    size = sum(os.path.getsize(f) for f in files) / 1e6
    load = os.getloadavg()
    cli_times, cli_counts = bench_cli(files, args.repeats)
    mentions = next(iter(cli_counts[1]))
    with tempfile.TemporaryDirectory() as scratch:
        ceiling = bench_ceiling(files, args.repeats, Path(scratch))
    dask_started, dask_times, dask_counts = bench_dask(files, args.repeats)
    spark = None
    if not args.no_spark:
        try:
            spark = bench_spark(files, args.repeats)
        except ImportError:
            print("(pyspark is not installed: Spark left out)", file=sys.stderr)
    print(f"{len(files)} reports ({size:.1f} MB) of {args.corpus.name}, the bundled glossary, {mentions:,} mentions; "
          f"medians of {args.repeats} runs after one untimed run; {os.cpu_count()} CPUs, "
          f"{platform.python_implementation()} {platform.python_version()}; "
          f"load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f}.\n")
    print("| engine | start-up (1 / 2 workers) | 1 worker | 2 workers | speed-up | run by run | mentions |")
    print("| --- | --: | --: | --: | --: | --: | --- |")
    print(row("Dask `LocalCluster`, `find_files`", f"{dask_started[1]:.1f} s / {dask_started[2]:.1f} s (medians)",
              dask_times, dask_counts, mentions))
    if spark is not None:
        started, times, counts = spark
        print(row("Spark `local[n]`, `find_files`", f"{started[1]:.1f} s (the JVM and a first session) / "
                  f"{started[2]:.1f} s (a second)", times, counts, mentions))
    print(row("`termkit annotate -j n`", "(in each run)", cli_times, cli_counts, mentions))
    print(row("the machine's ceiling: n plain processes", "(in each run)", *ceiling, mentions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
