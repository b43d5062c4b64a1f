#!/usr/bin/env python
"""termkit on more than one worker: the whole real corpus with the bundled
glossary, one worker against two, side by side in one run.

    python benchmarks/bench_dask.py                  # ../shared/corpus, medians of 3
    python benchmarks/bench_dask.py --no-spark       # Dask and the command line only

What one run does:

1. Starts a Dask ``LocalCluster`` of one worker process and one of two
   (``threads_per_worker=1``), both at once, and times each start (cluster
   and client ready).
2. Runs ``termkit.integrations.dask.find_files`` over every report (``*.md``)
   of the corpus on each cluster in turn, ``--repeats`` times, after one
   untimed run each (the workers import termkit and compile the glossary
   there); each run computes the whole DataFrame of mentions into the client.
3. With PySpark and Java: the same with ``termkit.integrations.spark.find_files``
   on ``local[1]`` and ``local[2]`` sessions (one after the other: a process
   holds one SparkContext), timing each session's start.
4. ``termkit annotate -j 1`` and ``-j 2`` on the same files (output discarded),
   in turn, for reference.
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
    from dask.distributed import Client, LocalCluster

    from termkit.integrations.dask import find_files

    started, clients, clusters = {}, {}, []
    for n in (1, 2):
        def start(n=n):
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.CRITICAL)
            clusters.append(cluster)
            return Client(cluster, set_as_default=False)
        started[n], clients[n] = timed(start)
    try:
        runs = {n: (lambda c=c: len(c.compute(find_files(files), sync=True))) for n, c in clients.items()}
        times, counts = interleaved(runs, repeats)
    finally:
        for c, cluster in zip(clients.values(), clusters):
            c.close()
            cluster.close()
    return started, times, counts


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
    print(row("Dask `LocalCluster`, `find_files`", f"{dask_started[1]:.1f} s / {dask_started[2]:.1f} s",
              dask_times, dask_counts, mentions))
    if spark is not None:
        started, times, counts = spark
        print(row("Spark `local[n]`, `find_files`", f"{started[1]:.1f} s (the JVM and a first session) / "
                  f"{started[2]:.1f} s (a second)", times, counts, mentions))
    print(row("`termkit annotate -j n`", "(in each run)", cli_times, cli_counts, mentions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
