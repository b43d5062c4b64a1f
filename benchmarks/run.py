#!/usr/bin/env python
"""termkit benchmarks: one command, every contender side by side, ratios.

    python benchmarks/run.py             # full run: 50 MB corpus, writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick     # smoke run: 5 MB, 1 repeat, writes benchmarks/data/RESULTS-quick.md
    python benchmarks/run.py --profile   # cProfile of Annotator.find at 10k keys, into benchmarks/data/

What one run does:

1. Snapshots the working tree's ``termkit/`` and ``glossaries/`` into
   ``benchmarks/data/snapshot/`` so that every measurement of the run (each in
   its own subprocess) sees the same code, even while termkit is being edited.
2. Builds the corpus: the five seeds concatenated and repeated to ``--size-mb``
   (MB = 10^6 bytes of UTF-8), split at line ends into ~``--chunk-mb`` documents.
3. Builds the glossaries: the bundled one, and 10k and 100k terms = the bundled
   terms + synthetic keys of 2-6 characters drawn (fixed seed) from the
   corpus's distribution of letters and digits; most of them never occur.
4. Build time and memory: each contender is compiled in a fresh subprocess,
   ``--build-repeats`` times; memory is the RSS delta (``/proc/self/status``)
   across construction, after a warm-up build that loads the libraries.
5. Throughput: per glossary size, one subprocess builds every contender and
   times full passes over the same chunks, round-robin, ``--repeats`` times;
   the table shows the median. A contender too slow to pass over the whole
   corpus within ``--budget`` seconds runs on a leading sub-sample, and the
   table says so.
6. Start-up: wall time of ``termkit annotate`` on a small file.
7. Writes the markdown report (machine, tables, ratios, and sentences
   generated from the figures) and ``benchmarks/data/results.json``.

It is a benchmark, not a test: nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as _dt
import gc
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
SNAPSHOT = DATA / "snapshot"
WARM_CACHE = DATA / "cache"
SEEDS = REPO / "seeds"

SIZES = {"bundled": None, "10k": 10_000, "100k": 100_000}
TARGET_SIZE = "10k"
SYNTHETIC_SEED = 20240101
SMALL_FILE = SEEDS / "pinglu-2024-03-npc-opening.txt"
RE_COMPILE_LIMIT = 60.0
STREAM_TARGET_MB = 300
JOBS_TARGET = 1.8

# Contender ids, in table order, with their labels.
CONTENDERS = {
    "termkit/default/native": "termkit find, default normalization, its own automaton (the default engine)",
    "termkit/none/native": "termkit find, Normalization.none(), its own automaton",
    "termkit/default/daachorse": "termkit find, default normalization, daachorse",
    "termkit/default/pyahocorasick": "termkit find, default normalization, pyahocorasick",
    "termkit/none/daachorse": "termkit find, Normalization.none(), daachorse",
    "termkit/none/pyahocorasick": "termkit find, Normalization.none(), pyahocorasick",
    "raw/daachorse": "raw daachorse CharwiseDoubleArrayAhoCorasick, leftmost-longest `find`",
    "raw/pyahocorasick": "raw pyahocorasick Automaton `iter_long`",
    "raw/ahocorasick_rs": "raw ahocorasick_rs LeftmostLongest `find_matches_as_indexes`",
    "flashtext": "flashtext `extract_keywords(span_info=True)`",
    "re": "Python `re` alternation, longest key first, `findall`",
}
SHORT = {
    "termkit/default/native": "termkit default/native",
    "termkit/none/native": "termkit none/native",
    "termkit/default/daachorse": "termkit default/daachorse",
    "termkit/default/pyahocorasick": "termkit default/pyahocorasick",
    "termkit/none/daachorse": "termkit none/daachorse",
    "termkit/none/pyahocorasick": "termkit none/pyahocorasick",
    "raw/daachorse": "raw daachorse",
    "raw/pyahocorasick": "raw pyahocorasick iter_long",
    "raw/ahocorasick_rs": "raw ahocorasick_rs",
    "flashtext": "flashtext",
    "re": "re alternation",
}
TERMKIT = "termkit/default/native"  # "termkit-default" in the ratios
TERMKIT_NONE = "termkit/none/native"
RATIOS = [  # (denominator, target, aim)
    ("raw/daachorse", 0.8, None),
    ("raw/pyahocorasick", 5.0, None),
    ("flashtext", 8.0, None),
]
#: Issue 20: termkit find against raw daachorse, by glossary size.
DAACHORSE_TARGETS = {"10k": 0.8, "100k": 0.6}
#: Issue 20: building 100,000 keys, against raw daachorse: time and memory.
BUILD_TARGETS = {"time": 3.0, "memory": 2.0}
STARTUP_TARGET = 0.08

PACKAGES = ["pyahocorasick", "daachorse", "ahocorasick_rs", "flashtext", "OpenCC", "pydantic", "PyYAML"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- corpus ------------------------------------------------------------------

def seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))


def corpus_path(size_mb: float) -> Path:
    return DATA / f"corpus-{size_mb:g}mb.txt"


def make_corpus(size_mb: float) -> Path:
    """The seeds concatenated and repeated to at least ``size_mb`` MB of UTF-8."""
    seeds = seed_text()
    if not seeds.endswith("\n"):
        seeds += "\n"
    times = -(-int(size_mb * 1e6) // len(seeds.encode("utf-8")))
    path = corpus_path(size_mb)
    data = seeds.encode("utf-8")
    if path.exists() and path.stat().st_size == len(data) * times:
        return path  # already built
    with open(path, "wb") as f:
        for _ in range(times):
            f.write(data)
    return path


def load_chunks(path: Path, chunk_mb: float) -> list[str]:
    """The corpus split at line ends into documents of about ``chunk_mb`` MB."""
    limit = int(chunk_mb * 1e6)
    chunks, cur, size = [], [], 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            cur.append(line)
            size += len(line.encode("utf-8"))
            if size >= limit:
                chunks.append("".join(cur))
                cur, size = [], 0
    if cur:
        chunks.append("".join(cur))
    return chunks


# -- glossaries --------------------------------------------------------------

def synthetic_keys(n: int, exclude: set[str], text: str) -> list[str]:
    """``n`` distinct keys of 2-6 letters or digits drawn from ``text``'s distribution."""
    counts = Counter(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    chars = sorted(counts)
    weights = [counts[c] for c in chars]
    rng = random.Random(SYNTHETIC_SEED)
    out: list[str] = []
    seen = set(exclude)
    while len(out) < n:
        key = "".join(rng.choices(chars, weights, k=rng.randint(2, 6)))
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def make_specs(sizes: list[str]) -> dict[str, dict]:
    """Per glossary size: the synthetic keys, the raw forms, and statistics. Written to data/."""
    import termkit

    bundled = termkit.Glossary.load()
    bundled_forms = [f for t in bundled for f, _ in t.forms]
    text = seed_text()
    largest = max((SIZES[s] or 0) for s in sizes)
    pool = synthetic_keys(max(0, largest - len(bundled)), set(bundled_forms), text)
    occurring = _occurring(bundled_forms + pool, text)
    specs = {}
    for name in sizes:
        n = SIZES[name]
        synthetic = pool[: max(0, n - len(bundled))] if n else []
        forms = bundled_forms + synthetic
        spec = {
            "name": name,
            "terms": len(bundled) + len(synthetic),
            "bundled_terms": len(bundled),
            "synthetic": synthetic,
            "forms": forms,
            "occurring_forms": sum(1 for f in forms if f in occurring),
            "occurring_synthetic": sum(1 for f in synthetic if f in occurring),
            "occurring_synthetic_2chars": sum(1 for f in synthetic if f in occurring and len(f) == 2),
        }
        path = DATA / f"spec-{name}.json"
        path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        spec["path"] = str(path)
        specs[name] = spec
    return specs


def _occurring(keys: list[str], text: str) -> set[str]:
    import ahocorasick

    a = ahocorasick.Automaton()
    for k in keys:
        a.add_word(k, k)
    a.make_automaton()
    return {k for _, k in a.iter(text)}


# -- contenders --------------------------------------------------------------

def prepare(cid: str, spec: dict):
    """The input a contender is built from: a termkit Glossary, or the raw forms."""
    if cid.startswith("termkit/"):
        import termkit

        g = termkit.Glossary.load()
        if spec["synthetic"]:
            g = g + termkit.Glossary.from_keys(spec["synthetic"])
        return g
    return list(spec["forms"])


def tiny_input(cid: str):
    if cid.startswith("termkit/"):
        import termkit

        return termkit.Glossary.from_keys(["两个维护", "1236"])
    return ["两个维护", "1236"]


def build(cid: str, source):
    """Compile a contender; returns (object, count(text) -> number of matches)."""
    if cid.startswith("termkit/"):
        import termkit

        _, norm, engine = cid.split("/")
        normalization = termkit.Normalization() if norm == "default" else termkit.Normalization.none()
        ann = termkit.Annotator(source, normalization=normalization, engine=engine)
        return ann, lambda text: len(ann.find(text))
    keys = source
    if cid == "raw/daachorse":
        import daachorse

        pma = daachorse.CharwiseDoubleArrayAhoCorasick(keys, match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST)
        return pma, lambda text: len(pma.find(text))
    if cid == "raw/pyahocorasick":
        import ahocorasick

        a = ahocorasick.Automaton()
        for i, k in enumerate(keys):
            a.add_word(k, i)
        a.make_automaton()
        return a, lambda text: len(list(a.iter_long(text)))
    if cid == "raw/ahocorasick_rs":
        import ahocorasick_rs

        ac = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        return ac, lambda text: len(ac.find_matches_as_indexes(text))
    if cid == "flashtext":
        from flashtext import KeywordProcessor

        kp = KeywordProcessor(case_sensitive=True)
        for k in keys:
            kp.add_keyword(k)
        return kp, lambda text: len(kp.extract_keywords(text, span_info=True))
    if cid == "re":
        pattern = re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))
        return pattern, lambda text: len(pattern.findall(text))
    raise ValueError(f"unknown contender {cid!r}")


def compiled_keys(cid: str, obj) -> int | None:
    """How many strings the contender's automaton holds (termkit adds Traditional forms)."""
    keys = getattr(obj, "_keys", None)  # termkit's Annotator; private, read for the report only
    return len(keys) if isinstance(keys, list) else None


# -- workers (run in subprocesses) ---------------------------------------------

def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def worker_build(cid: str, spec: dict) -> dict:
    obj, count = build(cid, tiny_input(cid))  # warm-up: imports, OpenCC dictionaries
    count("两个维护 1236")
    del obj, count
    gc.collect()
    t0 = time.perf_counter()
    source = prepare(cid, spec)
    prep_s = time.perf_counter() - t0
    gc.collect()
    rss0 = _status_kb("VmRSS")
    peak_ok = _reset_peak()
    t0 = time.perf_counter()
    obj, count = build(cid, source)
    build_s = time.perf_counter() - t0
    peak = _status_kb("VmHWM")
    gc.collect()
    rss1 = _status_kb("VmRSS")
    t0 = time.perf_counter()
    count(seed_text())
    first_s = time.perf_counter() - t0
    gc.collect()
    rss2 = _status_kb("VmRSS")
    return {
        "prep_s": prep_s,
        "build_s": build_s,
        "rss_mb": (rss1 - rss0) / 1024,
        "peak_mb": (peak - rss0) / 1024 if peak_ok else None,
        "first_find_s": first_s,
        "rss_after_first_find_mb": (rss2 - rss0) / 1024,
        "compiled_keys": compiled_keys(cid, obj),
    }


def _pilot(count, chunks: list[str]) -> float:
    """Seconds per UTF-8 byte, from growing prefixes of the first chunk (also a warm-up)."""
    first = chunks[0]
    rate = 0.0
    for n in (10_000, 100_000, len(first)):
        piece = first[:n]
        t0 = time.perf_counter()
        count(piece)
        dt = time.perf_counter() - t0
        rate = dt / max(1, len(piece.encode("utf-8")))
        if dt > 1.0 or n >= len(first):
            break
    return rate


def _sample(chunks: list[str], sizes: list[int], max_bytes: float) -> list[str]:
    """The leading chunks up to ``max_bytes``, the last one cut short if need be."""
    out, total = [], 0
    for c, b in zip(chunks, sizes):
        if total + b <= max_bytes:
            out.append(c)
            total += b
            continue
        chars = int(len(c) * (max_bytes - total) / b)
        if chars > 0:
            out.append(c[: max(chars, 1000)])
        break
    return out or [chunks[0][:10_000]]


def worker_throughput(cids: list[str], spec: dict, corpus: Path, chunk_mb: float,
                      repeats: int, budget: float) -> dict:
    chunks = load_chunks(corpus, chunk_mb)
    sizes = [len(c.encode("utf-8")) for c in chunks]
    total = sum(sizes)
    results: dict[str, dict] = {}
    runners = {}
    sources: dict[str, object] = {}
    for cid in cids:
        try:
            kind = "termkit" if cid.startswith("termkit/") else "raw"
            if kind not in sources:
                sources[kind] = prepare(cid, spec)
            obj, count = build(cid, sources[kind])
        except Exception as e:  # termkit may be mid-edit: report, don't crash
            results[cid] = {"error": f"{type(e).__name__}: {e}"}
            log(f"  {cid}: build failed: {e}")
            continue
        rate = _pilot(count, chunks)
        full_pass = rate * total
        if full_pass * repeats <= budget:
            sample = chunks
        else:
            sample = _sample(chunks, sizes, budget / repeats / rate)
        nbytes = sum(len(c.encode("utf-8")) for c in sample)
        runners[cid] = (count, sample)
        results[cid] = {"bytes": nbytes, "total_bytes": total, "chunks": len(sample),
                        "of_chunks": len(chunks), "times": [], "matches": None,
                        "sampled": len(sample) < len(chunks) or nbytes < total,
                        "estimated_full_pass_s": full_pass}
        log(f"  {cid}: ~{full_pass:.1f} s per full pass; measuring {nbytes / 1e6:.2f} MB")
    order = list(runners)
    for r in range(repeats):
        k = r % max(1, len(order))
        for cid in order[k:] + order[:k]:  # rotate, so no contender always runs first
            count, sample = runners[cid]
            gc.collect()
            t0 = time.perf_counter()
            n = 0
            for c in sample:
                n += count(c)
            dt = time.perf_counter() - t0
            res = results[cid]
            res["times"].append(dt)
            if res["matches"] is None:
                res["matches"] = n
            elif res["matches"] != n:
                res["inconsistent"] = True
        log(f"  repeat {r + 1}/{repeats} done")
    return results


def worker_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("build", "throughput"))
    p.add_argument("--spec", required=True)
    p.add_argument("--contenders", required=True)
    p.add_argument("--corpus")
    p.add_argument("--chunk-mb", type=float, default=1.0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--budget", type=float, default=45.0)
    a = p.parse_args(argv)
    spec = json.loads(Path(a.spec).read_text(encoding="utf-8"))
    cids = a.contenders.split(",")
    if a.mode == "build":
        out = worker_build(cids[0], spec)
    else:
        out = worker_throughput(cids, spec, Path(a.corpus), a.chunk_mb, a.repeats, a.budget)
    print(json.dumps(out))
    return 0


def _env(cache: Path | None = None) -> dict:
    """Subprocess environment: the snapshot first on the path, termkit's cache in ``cache``
    (default ``data/cache``), never the user's own cache."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SNAPSHOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("TERMKIT_NO_CACHE", None)
    env["TERMKIT_CACHE_DIR"] = str(cache or WARM_CACHE)
    return env


class _ColdCache:
    """A fresh, empty termkit cache directory for one run, removed afterwards."""

    def __enter__(self) -> Path:
        import tempfile

        self.path = Path(tempfile.mkdtemp(prefix="cold-cache-", dir=DATA))
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def run_worker(args: list[str], timeout: float, cache: Path | None = None) -> dict:
    """Run this file as a worker; its last stdout line is JSON. Raises on failure or timeout."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", *args],
        stdout=subprocess.PIPE, stderr=None, text=True, timeout=timeout, env=_env(cache), cwd=str(DATA),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker exited with status {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- start-up ------------------------------------------------------------------

def measure_startup(runs: int) -> dict:
    cmd, regular = _regular_install()
    python = cmd[:2]
    out = {"how": REGULAR_HOW, "file": SMALL_FILE.name, "file_bytes": SMALL_FILE.stat().st_size}

    def wall(argv: list[str], cold: bool = False) -> tuple[float | None, str | None]:
        times = []
        for i in range(runs + 1):
            with _ColdCache() as fresh:
                env = {**regular, "TERMKIT_CACHE_DIR": str(fresh)} if cold else regular
                t0 = time.perf_counter()
                try:
                    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       env=env, cwd=str(DATA), timeout=60)
                except (OSError, subprocess.TimeoutExpired) as e:
                    return None, f"{type(e).__name__}: {e}"
                dt = time.perf_counter() - t0
            if p.returncode != 0:
                err = (p.stderr.strip().splitlines() or ["(no message)"])[-1]
                return None, f"exit status {p.returncode}: {err}"
            if i:  # the first run only warms the file cache
                times.append(dt)
        return statistics.median(times), None

    out["annotate_s"], out["annotate_error"] = wall(cmd + ["annotate", str(SMALL_FILE)])
    out["annotate_cold_s"], out["annotate_cold_error"] = wall(cmd + ["annotate", str(SMALL_FILE)], cold=True)
    out["python_s"], _ = wall(python + ["-c", "pass"])
    out["import_s"], out["import_error"] = wall(python + ["-c", "import termkit"])
    out["runs"] = runs
    out["imports"] = _import_costs([*python, "-X", "importtime", *cmd[2:], "annotate", str(SMALL_FILE)], regular)
    return out


def _import_costs(argv: list[str], env: dict, runs: int = 5) -> list[tuple[str, float]] | None:
    """What each module a warm ``termkit annotate`` imports costs, from
    ``-X importtime`` (each module's own time, in ms, its submodules summed
    in: ``termkit.glossary`` for all of it, ``re`` for ``re._parser``…),
    medians of ``runs`` runs, the costliest first; None if it fails."""
    per_run = []
    for _ in range(runs):
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                           cwd=str(DATA), timeout=60)
        if p.returncode != 0:
            return None
        costs: dict[str, float] = {}
        for line in p.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            own, _, name = line[len("import time:"):].split("|")
            name = name.strip()
            parts = name.split(".")
            group = ".".join(parts[:2]) if parts[0] == "termkit" else parts[0].lstrip("_") or name
            costs[group] = costs.get(group, 0.0) + int(own) / 1000
        per_run.append(costs)
    groups = set().union(*per_run)
    medians = {g: statistics.median(run.get(g, 0.0) for run in per_run) for g in groups}
    return sorted(medians.items(), key=lambda kv: -kv[1])


# -- the command line: streaming memory and --jobs ------------------------------------

#: What the ``termkit`` script that pip writes runs.
CONSOLE_SCRIPT = "import sys; from termkit.cli import main; sys.exit(main())"


def _regular_install() -> tuple[list[str], dict]:
    """The ``termkit`` command and its environment, as after a regular install:
    the console script's code (:data:`CONSOLE_SCRIPT`) under ``python -S``, which
    skips the site hooks (.pth files) that a development install adds to every
    Python start-up (setuptools' editable finder costs ~10 ms); site-packages comes in
    through PYTHONPATH, after the snapshot (its bytecode compiled, as pip does)."""
    import site

    env = _env()
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], *site.getsitepackages()])
    return [sys.executable, "-S", "-c", CONSOLE_SCRIPT], env


REGULAR_HOW = ("the `termkit` console script's code under `python -S`, with the snapshot (its bytecode "
               "compiled, as pip does) and site-packages on PYTHONPATH: as a regular install runs, without "
               "the start-up hooks of a development install")


def _timed(argv: list[str], env: dict) -> dict:
    """Wall time and exit status of a command, its output discarded."""
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        p = subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE, text=True, env=env, cwd=str(DATA))
    out = {"wall_s": time.perf_counter() - t0, "exit": p.returncode}
    if p.returncode:
        out["error"] = (p.stderr.strip().splitlines() or ["(no message)"])[-1]
    return out


def measure_cli(stream_mb: float, corpora: list[tuple[int, float]], repeats: int) -> dict:
    """`termkit annotate` as users run it: one very large file (peak memory, since jsonl is
    streamed), and many small files with --jobs 1 and --jobs 2 (speed-up)."""
    cmd, env = _regular_install()
    big = make_corpus(stream_mb)
    out: dict = {"how": REGULAR_HOW, "stream_bytes": big.stat().st_size}
    log(f"cli: streaming {big.stat().st_size / 1e6:.0f} MB")
    # Peak RSS is read in a fresh process so that no earlier child's peak is counted.
    probe = subprocess.run(
        [sys.executable, "-c", "import json, subprocess, sys, time\n"
         "import resource\n"
         "t = time.perf_counter()\n"
         "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
         "print(json.dumps({'wall_s': time.perf_counter() - t, 'exit': p.returncode, 'stderr': p.stderr[-300:],"
         " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))",
         *cmd, "annotate", str(big)],
        stdout=subprocess.PIPE, text=True, env=env, cwd=str(DATA))
    out["stream"] = json.loads(probe.stdout.strip().splitlines()[-1])
    # The same large file with --jobs 2: cut into segments for two processes.
    log(f"cli: streaming {big.stat().st_size / 1e6:.0f} MB with --jobs 2")
    out["stream_jobs2"] = _timed([*cmd, "annotate", "--jobs", "2", str(big)], env)
    # Many files: corpora cut into `files` documents of about `file_kb` kB each.
    out["files"] = [_many_files(cmd, env, files, file_kb, repeats) for files, file_kb in corpora]
    return out


def _many_files(cmd: list[str], env: dict, files: int, file_kb: float, repeats: int) -> dict:
    """`--jobs 1` and `--jobs 2` over ``files`` documents of about ``file_kb`` kB, in
    alternation (1, 2, 1, 2, ...), so that a drift in the machine's speed falls on both."""
    text = seed_text()
    folder = DATA / f"files-{files}x{file_kb:g}kb"
    if not folder.exists() or len(list(folder.glob("*.txt"))) != files:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        chars = int(file_kb * 1000 * len(text) / len(text.encode("utf-8")))  # about file_kb kB of UTF-8
        body = text * (chars // len(text) + 2)
        for i in range(files):
            start = (i * 977) % len(text)
            (folder / f"doc-{i:04d}.txt").write_text(body[start:start + chars], encoding="utf-8")
    paths = sorted(str(p) for p in folder.glob("*.txt"))
    out = {"count": files, "bytes": sum(os.path.getsize(p) for p in paths), "runs": repeats}
    log(f"cli: {files} files, --jobs 1, --jobs 2 and two halves, {repeats} times each")
    half = len(paths) // 2
    runs: dict[str, list[dict]] = {"jobs1": [], "jobs2": [], "halves": []}
    for _ in range(repeats):
        runs["jobs1"].append(_timed([*cmd, "annotate", "--jobs", "1", *paths], env))
        runs["jobs2"].append(_timed([*cmd, "annotate", "--jobs", "2", *paths], env))
        runs["halves"].append(_timed_together([[*cmd, "annotate", *paths[:half]], [*cmd, "annotate", *paths[half:]]], env))
    for name, timed in runs.items():
        bad = [r for r in timed if r["exit"]]
        out[name] = bad[0] if bad else {
            "wall_s": statistics.median(r["wall_s"] for r in timed), "all_s": [r["wall_s"] for r in timed]}
    return out


def _timed_together(argvs: list[list[str]], env: dict) -> dict:
    """Wall time until every command, all started at once, has ended: the
    machine's own ceiling for that many processes, with no work shared."""
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        procs = [subprocess.Popen(a, stdout=sink, stderr=subprocess.PIPE, text=True, env=env, cwd=str(DATA))
                 for a in argvs]
        errors = [p.communicate()[1] for p in procs]
    out = {"wall_s": time.perf_counter() - t0, "exit": max(p.returncode for p in procs)}
    if out["exit"]:
        err = next(e for p, e in zip(procs, errors) if p.returncode)
        out["error"] = (err.strip().splitlines() or ["(no message)"])[-1]
    return out


# -- machine ---------------------------------------------------------------------

def describe_machine() -> dict:
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""

    import termkit

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": mem,
        "platform": platform.platform(),
        "python": sys.version.split()[0] + f" ({platform.python_implementation()})",
        "packages": versions,
        "termkit": termkit.__version__,
        "native": termkit.native.module is not None,
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "dirty": [line[3:] for line in git("status", "--porcelain", "--", "termkit", "glossaries").splitlines()],
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def snapshot_termkit(keep: bool = False) -> None:
    if keep and (SNAPSHOT / "termkit").is_dir():
        sys.path.insert(0, str(SNAPSHOT))
        return
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "termkit", SNAPSHOT / "termkit", ignore=ignore)
    shutil.copytree(REPO / "glossaries", SNAPSHOT / "glossaries", ignore=ignore)
    # Bytecode, as pip writes it at install time (even where PYTHONDONTWRITEBYTECODE is set).
    compileall.compile_dir(str(SNAPSHOT / "termkit"), quiet=1)
    sys.path.insert(0, str(SNAPSHOT))


# -- report --------------------------------------------------------------------

def _mbps(res: dict) -> float | None:
    if not res or res.get("error") or not res.get("times"):
        return None
    return res["bytes"] / 1e6 / statistics.median(res["times"])


def _fmt(x: float | None, digits: int = 1) -> str:
    """A figure at a readable precision: 1,234 / 56.7 / 8.9 (8.90 with digits=2) / 0.031."""
    if x is None:
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.{digits}f}"
    if abs(x) >= 0.001:
        return f"{x:.2g}"
    return f"{x:.4f}"


def _build(run: dict, size: str, cid: str, mode: str, fallback: bool = True) -> dict | None:
    """A build cell; raw contenders have only "cold", which stands for "warm" when ``fallback``."""
    cell = run["builds"].get(size, {}).get(cid) or {}
    return cell.get(mode) or (cell.get("cold") if fallback else None)


def _density(res: dict | None) -> float | None:
    if not res or res.get("error") or res.get("skipped") or not res.get("bytes"):
        return None
    return res["matches"] / (res["bytes"] / 1e6)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _x(r: float | None) -> str:
    return "n/a" if r is None else (f"{r:.2f}×" if r < 10 else f"{r:.1f}×")


def write_report(path: Path, run: dict) -> str:
    m, sizes, specs = run["machine"], run["sizes"], run["specs"]
    thr, st = run["throughput"], run["startup"]
    L: list[str] = []
    w = L.append
    w("# termkit benchmarks: results")
    w("")
    w("Generated by `benchmarks/run.py`; every figure and sentence below comes from the run. "
      "Re-run to regenerate; do not edit by hand.")
    w("")
    w(f"- Date: {run['date']}")
    w(f"- Command: `{run['command']}` (took {run['elapsed_s'] / 60:.1f} min)")
    dirty = f"; uncommitted changes in {', '.join(m['dirty'])}" if m["dirty"] else ""
    w(f"- termkit {m['termkit']} at commit `{m['commit']}`{dirty} (working tree snapshotted at the start)")
    w("")
    w("## Machine")
    w("")
    w(f"- CPU: {m['cpu']}, {m['cpus']} logical CPUs ({m['usable_cpus']} usable by this process)")
    if m["memory_gb"]:
        w(f"- Memory: {m['memory_gb']:.1f} GiB")
    w(f"- OS: {m['platform']}")
    w(f"- Python {m['python']}")
    w("- Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()))
    if "native" in m:
        w("- termkit's C module (`termkit/_native.c`): " + ("built and in use" if m["native"] else
          "not built: termkit ran its pure-Python loops"))
    if m["loadavg"]:
        w(f"- Load average at start: {', '.join(f'{x:.2f}' for x in m['loadavg'])}")
    w("")
    w("## Corpus and glossaries")
    w("")
    c = run["corpus"]
    w(f"The five seeds (`seeds/*.txt`, {c['seed_bytes'] / 1e3:.0f} kB) concatenated and repeated to "
      f"{c['bytes'] / 1e6:.1f} MB, split at line ends into {c['chunks']} documents of about "
      f"{run['args']['chunk_mb']:g} MB; every contender reads the same documents. "
      "MB = 10^6 bytes of UTF-8 (a Chinese character is 3 bytes).")
    w("")
    w("| glossary | terms | synthetic keys | forms (raw contenders' keys) | forms occurring in the corpus "
      "| strings compiled by termkit default |")
    w("|---|--:|--:|--:|--:|--:|")
    for s in sizes:
        sp = specs[s]
        ck = (_build(run, s, TERMKIT, "warm") or {}).get("compiled_keys")
        w(f"| {s} | {sp['terms']:,} | {sp['synthetic']:,} | {sp['forms']:,} | {sp['occurring_forms']:,} "
          f"({sp['occurring_synthetic']:,} synthetic) | {ck:,} |" if ck else
          f"| {s} | {sp['terms']:,} | {sp['synthetic']:,} | {sp['forms']:,} | {sp['occurring_forms']:,} "
          f"({sp['occurring_synthetic']:,} synthetic) | n/a |")
    w("")
    dens = {s: _density(thr.get(s, {}).get("raw/daachorse")) for s in sizes}
    if dens.get("bundled") and any(dens.get(s) for s in sizes if s != "bundled"):
        two = [(s, specs[s].get("occurring_synthetic_2chars"), specs[s]["occurring_synthetic"]) for s in sizes
               if specs[s]["occurring_synthetic"] and specs[s].get("occurring_synthetic_2chars") is not None]
        why = ("; of the synthetic keys that occur, " + ", ".join(f"{n:,} of {k:,} ({s})" for s, n, k in two) +
               " are two characters long, pairs of frequent characters" if two else "")
        w("Raw daachorse finds " + ", ".join(f"{_fmt(dens[s], 0)} matches/MB with the {s} glossary"
                                           for s in sizes if dens.get(s)) +
          f"{why}. So the few synthetic keys that occur add many matches, and per-match costs weigh more at "
          "10k and 100k keys than the number of occurring keys suggests.")
        w("")
    w("Synthetic keys: 2-6 letters or digits drawn with a fixed seed from the corpus's character "
      "frequencies, minus any equal to a bundled form. The raw contenders get the glossary's forms "
      "(keys, aliases, variants) as they are; termkit with default normalization also compiles their "
      "Traditional spellings.")
    w("")

    # throughput
    w("## Throughput (median MB/s)")
    w("")
    w(f"Median of {run['args']['repeats']} passes, contenders interleaved round-robin in one process per "
      "glossary size. Higher is better.")
    w("")
    w("| contender | " + " | ".join(sizes) + " |")
    w("|---|" + "--:|" * len(sizes))
    for cid, label in CONTENDERS.items():
        cells = []
        for s in sizes:
            res = thr.get(s, {}).get(cid)
            if res is None:
                cells.append("—")
            elif res.get("error") or res.get("skipped"):
                cells.append("n/a")
            else:
                cells.append(_fmt(_mbps(res)) + (" †" if res.get("sampled") else ""))
        w(f"| {label} | " + " | ".join(cells) + " |")
    w("")
    w("† measured on a leading sub-sample of the corpus (see the details below).")
    w("")
    w("## Ratios (termkit find, default normalization, its own automaton ÷ contender)")
    w("")
    w("| glossary | " + " | ".join(f"÷ {SHORT[d]} (target ≥ {t:g}×)"
                                      for d, t, _ in RATIOS) + " |")
    w("|---|" + "--:|" * len(RATIOS))
    for s in sizes:
        tk = _mbps(thr.get(s, {}).get(TERMKIT))
        cells = []
        for d, target, _ in RATIOS:
            r = _ratio(tk, _mbps(thr.get(s, {}).get(d)))
            if d == "raw/daachorse" and s in DAACHORSE_TARGETS:
                target = DAACHORSE_TARGETS[s]
            elif s != TARGET_SIZE:
                target = None
            mark = "" if r is None or target is None else (" ✅" if r >= target else " ❌")
            cells.append(_x(r) + mark + (f" (target ≥ {target:g}×)" if target is not None and s != TARGET_SIZE else ""))
        w(f"| {s}{' (target size)' if s == TARGET_SIZE else ''} | " + " | ".join(cells) + " |")
    w("")
    w("The targets apply to the 10k-key glossary, and against raw daachorse also to the 100k one (issue 20). "
      "✅ met, ❌ missed.")
    w("")

    w("## Details: matches and samples")
    w("")
    w("Match counts show whether contenders do the same work: flashtext only matches at its notion of a "
      "word boundary, termkit adds normalized and Traditional matches and drops invalid ones, `re` is "
      "leftmost-first over longest-first alternatives.")
    w("")
    for s in sizes:
        w(f"### {s}")
        w("")
        w("| contender | MB/s median (min–max) | matches | matches/MB | text measured |")
        w("|---|--:|--:|--:|---|")
        for cid, label in CONTENDERS.items():
            res = thr.get(s, {}).get(cid)
            if res is None:
                continue
            if res.get("error") or res.get("skipped"):
                w(f"| {label} | n/a | | | {res.get('error') or res.get('skipped')} |")
                continue
            rates = [res["bytes"] / 1e6 / t for t in res["times"]]
            what = (f"{res['bytes'] / 1e6:.2f} of {res['total_bytes'] / 1e6:.1f} MB (sub-sample; a full pass "
                    f"would take ~{res['estimated_full_pass_s']:.0f} s)" if res["sampled"]
                    else f"all {res['of_chunks']} documents")
            if res.get("inconsistent"):
                what += "; match count varied between passes!"
            w(f"| {label} | {_fmt(_mbps(res))} ({_fmt(min(rates))}–{_fmt(max(rates))}) | {res['matches']:,} "
              f"| {res['matches'] / (res['bytes'] / 1e6):,.0f} | {what} |")
        w("")

    # build
    w("## Build time and memory of the compiled glossary")
    w("")
    w(f"Each build runs in a fresh subprocess ({run['args']['build_repeats']}× per cell; medians), after a "
      "warm-up build of a two-key glossary that loads the libraries (and OpenCC's dictionaries). "
      "Time: constructing the contender from its input (termkit: `Annotator(glossary, ...)` from an already "
      "built `Glossary`; raw: from the list of forms). termkit keeps the Traditional spellings of the forms in "
      "an on-disk cache: *cold* is a first build (empty `TERMKIT_CACHE_DIR`), *warm* a repeated one (cache "
      "filled by an unmeasured build); the raw contenders have no cache (one figure, under cold).")
    w("")
    def build_table(unit: str, cell) -> None:
        """A contender × (size, cold/warm) table of build figures."""
        w("| contender | " + " | ".join(f"{s} cold{unit} | {s} warm{unit}" for s in sizes) + " |")
        w("|---|" + "--:|" * (2 * len(sizes)))
        for cid, label in CONTENDERS.items():
            cells = []
            for s in sizes:
                for mode in ("cold", "warm"):
                    b = _build(run, s, cid, mode, fallback=False)
                    cells.append("—" if b is None else "n/a" if b.get("error") else cell(b))
            w(f"| {label} | " + " | ".join(cells) + " |")

    build_table(" s", lambda b: _fmt(b["build_s"], 2))
    w("")
    w("Memory: RSS retained after construction and `gc.collect()`, and in parentheses the high-water RSS "
      "during construction, both above the RSS before it, in MB, read from `/proc/self/status` (RSS includes "
      "allocator slack; `tracemalloc` would miss the Rust and C heaps).")
    w("")
    build_table("", lambda b: f"{_fmt(b['rss_mb'])} ({_fmt(b['peak_mb'])})")
    w("")
    for s in sizes:
        b = _build(run, s, TERMKIT, "warm")
        if b and not b.get("error"):
            w(f"- {s}: building the termkit `Glossary` itself (`Glossary.load()`, from termkit's "
              f"cache, + `Glossary.from_keys`) took {_fmt(b['prep_s'], 2)} s before that (warm); the first `find` over the seeds "
              f"took {_fmt(b['first_find_s'], 2)} s and left RSS {_fmt(b['rss_after_first_find_mb'])} MB above the "
              "start (the daachorse engine builds its overlapping automaton on first need).")
    for s in sizes:
        for cid, cell in run["builds"].get(s, {}).items():
            for mode, b in cell.items():
                if b.get("error"):
                    w(f"- {s}, {CONTENDERS[cid]} ({mode}): {b['error']}")
    w("")

    # start-up
    w("## Start-up")
    w("")
    w(f"`termkit annotate {st['file']}` ({st['file_bytes'] / 1e3:.1f} kB) with the bundled glossary, run as "
      f"{st['how']}; median wall time of {st['runs']} runs after one warm-up.")
    w("")
    w("| what | median wall s |")
    w("|---|--:|")
    ann = f"{st['annotate_s']:.3f}" if st["annotate_s"] is not None else f"n/a ({st['annotate_error']})"
    w(f"| `termkit annotate`, warm cache (target ≤ {STARTUP_TARGET} s) | {ann} |")
    cold = (f"{st['annotate_cold_s']:.3f}" if st["annotate_cold_s"] is not None
            else f"n/a ({st['annotate_cold_error']})")
    w(f"| `termkit annotate`, empty cache (first run) | {cold} |")
    imp = f"{st['import_s']:.3f}" if st["import_s"] is not None else f"n/a ({st['import_error']})"
    w(f"| `python -S -c 'import termkit'` | {imp} |")
    w(f"| `python -S -c pass` | {st['python_s']:.3f} |" if st["python_s"] is not None else "| `python -S -c pass` | n/a |")
    w("")
    if st.get("imports"):
        top = st["imports"][:16]
        rest = sum(ms for _, ms in st["imports"][16:])
        total = sum(ms for _, ms in st["imports"])
        w(f"What the warm `termkit annotate` imports, and what each costs (`-X importtime`: each module's own "
          f"time with its submodules', medians of 5 runs; the tool's own overhead inflates them: "
          f"{total:.1f} ms in all here):")
        w("")
        w("| module (with its submodules) | ms |")
        w("|---|--:|")
        for name, ms in top:
            w(f"| `{name}` | {ms:.1f} |")
        w(f"| {len(st['imports']) - len(top)} others | {rest:.1f} |")
        w("")

    cli = run.get("cli")
    if cli:
        w("## The command line: a very large file, and many files")
        w("")
        w(f"Run as {cli['how']}, jsonl output to /dev/null.")
        w("")
        sm = cli["stream"]
        mb = cli["stream_bytes"] / 1e6
        if sm.get("exit"):
            w(f"- Streaming a {mb:.0f} MB file failed: {sm.get('stderr', '').strip()}")
        else:
            w(f"- One {mb:.0f} MB file: peak resident memory {sm['peak_rss_mb']:.0f} MB (target < {STREAM_TARGET_MB} MB), "
              f"{sm['wall_s']:.1f} s wall ({mb / sm['wall_s']:.1f} MB/s, output included).")
            s2 = cli.get("stream_jobs2")
            if s2 and not s2.get("error"):
                w(f"- The same file with `--jobs 2` (cut into segments): {s2['wall_s']:.1f} s wall, "
                  f"{sm['wall_s'] / s2['wall_s']:.2f}× one job.")
            elif s2:
                w(f"- The same file with `--jobs 2` failed: {s2['error']}")
        for f in cli["files"] if isinstance(cli["files"], list) else [cli["files"]]:
            j1, j2, halves = f["jobs1"], f["jobs2"], f.get("halves")
            if j1.get("error") or j2.get("error"):
                w(f"- {f['count']} files: failed: {j1.get('error') or j2.get('error')}")
                continue
            ratio = j1["wall_s"] / j2["wall_s"]
            pairs = [a / b for a, b in zip(j1.get("all_s", []), j2.get("all_s", []))]
            spread = f"; run by run {min(pairs):.2f}–{max(pairs):.2f}×" if len(pairs) > 1 else ""
            w(f"- {f['count']} files of {f['bytes'] / f['count'] / 1e3:.0f} kB ({f['bytes'] / 1e6:.0f} MB): "
              f"`--jobs 1` {j1['wall_s']:.1f} s, `--jobs 2` {j2['wall_s']:.1f} s: {ratio:.2f}× "
              f"(target ≥ {JOBS_TARGET}× on 2 cores {'✅' if ratio >= JOBS_TARGET else '❌'}); "
              f"{_runs(f.get('runs', args_repeats(run)))}, the settings in turn{spread}.")
            if halves and not halves.get("error"):
                w(f"  - The machine's own ceiling: two separate `termkit annotate` processes, each over half the "
                  f"files, started together, end after {halves['wall_s']:.2f} s: "
                  f"{j1['wall_s'] / halves['wall_s']:.2f}× one job. `--jobs 2` reaches "
                  f"{halves['wall_s'] / j2['wall_s'] * 100:.0f}% of that.")
        st = run.get("startup", {}).get("annotate_s")
        if st:
            w(f"- Start-up ({st:.2f} s, see above) runs once either way, so if one job takes T s, two take at "
              f"least {st:.2f} + (T − {st:.2f}) / 2 s: the shorter the batch, the further below 2× it holds "
              f"the speed-up.")
        w("")

    # findings
    w("## Where termkit is slower")
    w("")
    for line in findings(run):
        w(f"- {line}")
    w("")
    text = "\n".join(L)
    path.write_text(text, encoding="utf-8")
    return text


def _runs(n: int) -> str:
    return "one run each" if n == 1 else f"medians of {n} runs each"


def args_repeats(run: dict) -> int:
    return run.get("args", {}).get("cli_repeats") or 1


def findings(run: dict) -> list[str]:
    """Sentences computed from the figures: where termkit falls short, and by how much."""
    out = []
    thr, st = run["throughput"], run["startup"]
    for s in run["sizes"]:
        tk = _mbps(thr.get(s, {}).get(TERMKIT))
        if tk is None:
            out.append(f"{s}: termkit find could not be measured.")
            continue
        faster = []
        for cid in CONTENDERS:
            if cid == TERMKIT:
                continue
            v = _mbps(thr.get(s, {}).get(cid))
            if v is not None and v > tk:
                faster.append(f"{SHORT[cid]} ({_fmt(v)} MB/s, {v / tk:.1f}×)")
        if faster:
            out.append(f"{s} glossary: termkit find (default normalization, native) runs at {_fmt(tk)} MB/s; "
                       f"faster are: " + "; ".join(faster) + ".")
        else:
            out.append(f"{s} glossary: termkit find (default normalization, native) runs at {_fmt(tk)} MB/s, "
                       "faster than every other contender.")
        none = _mbps(thr.get(s, {}).get(TERMKIT_NONE))
        if none:
            out.append(f"{s} glossary: default normalization costs {max(0.0, 1 - tk / none) * 100:.0f}% of "
                       f"throughput against `Normalization.none()` ({_fmt(none)} MB/s), "
                       f"which itself reaches {_ratio(none, _mbps(thr.get(s, {}).get('raw/daachorse'))) or 0:.2f}× "
                       "raw daachorse.")
    for d, target, aim in RATIOS:
        r = _ratio(_mbps(thr.get(TARGET_SIZE, {}).get(TERMKIT)), _mbps(thr.get(TARGET_SIZE, {}).get(d)))
        if r is None:
            out.append(f"Target ≥ {target:g}× {SHORT[d]} at {TARGET_SIZE}: not measured.")
        elif r < target:
            out.append(f"Target missed at {TARGET_SIZE}: termkit is {r:.2f}× {SHORT[d]}, target ≥ {target:g}×; "
                       f"it needs {target / r:.1f}× its current throughput.")
        elif aim and r < aim:
            out.append(f"At {TARGET_SIZE} termkit is {r:.2f}× {SHORT[d]}: target {target:g}× met, aim {aim:g}× not yet.")
    for s, target in DAACHORSE_TARGETS.items():
        r = _ratio(_mbps(thr.get(s, {}).get(TERMKIT)), _mbps(thr.get(s, {}).get("raw/daachorse")))
        if r is not None:
            out.append(f"{s} glossary: termkit find is {r:.2f}× raw daachorse (issue 20's target ≥ {target:g}×: "
                       f"{'met' if r >= target else 'missed'}).")
    b, raw = _build(run, "100k", TERMKIT, "warm"), _build(run, "100k", "raw/daachorse", "cold")
    if b and raw and not any(x.get("error") for x in (b, raw)) and raw["build_s"] > 0 and raw["rss_mb"] > 0:
        t, m = b["build_s"] / raw["build_s"], b["rss_mb"] / raw["rss_mb"]
        out.append(f"100k glossary: the Annotator builds in {t:.1f}× raw daachorse's time (target ≤ "
                   f"{BUILD_TARGETS['time']:g}×: {'met' if t <= BUILD_TARGETS['time'] else 'missed'}) and holds "
                   f"{m:.2f}× its memory (target ≤ {BUILD_TARGETS['memory']:g}×: "
                   f"{'met' if m <= BUILD_TARGETS['memory'] else 'missed'}).")
    for s in run["sizes"]:
        b, c = _build(run, s, TERMKIT, "warm"), _build(run, s, TERMKIT, "cold")
        raw = _build(run, s, "raw/daachorse", "cold")
        if b and c and raw and not any(x.get("error") for x in (b, c, raw)) and raw["build_s"] > 0:
            out.append(f"{s} glossary: building the termkit Annotator (default normalization, native) takes "
                       f"{_fmt(b['build_s'], 2)} s with a warm cache and {_fmt(c['build_s'], 2)} s with an empty "
                       f"one ({b['build_s'] / raw['build_s']:.0f}× and {c['build_s'] / raw['build_s']:.0f}× raw "
                       f"daachorse's {_fmt(raw['build_s'], 2)} s), and holds {_fmt(b['rss_mb'])} MB warm, "
                       f"{_fmt(c['rss_mb'])} MB cold (raw daachorse: {_fmt(raw['rss_mb'])} MB); building the "
                       f"Glossary takes another {_fmt(b['prep_s'], 2)} s.")
    if st["annotate_s"] is None:
        out.append(f"Start-up could not be measured: {st['annotate_error']}.")
    elif st["annotate_s"] > STARTUP_TARGET:
        imp = f"; `import termkit` alone takes {st['import_s']:.3f} s" if st["import_s"] else ""
        out.append(f"Start-up misses its target: `termkit annotate` takes {st['annotate_s']:.3f} s with a warm "
                   f"cache, target ≤ {STARTUP_TARGET} s (Python itself starts in {st['python_s']:.3f} s{imp}).")
    else:
        out.append(f"Start-up meets its target with a warm cache: {st['annotate_s']:.3f} s ≤ {STARTUP_TARGET} s.")
    if st.get("annotate_cold_s") and st["annotate_cold_s"] > STARTUP_TARGET:
        out.append(f"A first run, with an empty cache, takes {st['annotate_cold_s']:.3f} s "
                   f"({st['annotate_cold_s'] / STARTUP_TARGET:.1f}× the start-up target).")
    cli = run.get("cli") or {}
    for f in cli.get("files", []):
        j1, j2, halves = f["jobs1"], f["jobs2"], f.get("halves") or {}
        if j1.get("error") or j2.get("error") or j1["wall_s"] / j2["wall_s"] >= JOBS_TARGET:
            continue
        ceiling = ""
        if halves.get("wall_s"):
            ceiling = (f"; two separate processes, each over half the files, reach "
                       f"{j1['wall_s'] / halves['wall_s']:.2f}× on this machine")
        out.append(f"`--jobs 2` over {f['count']} files ({f['bytes'] / 1e6:.0f} MB) misses its target: "
                   f"{j1['wall_s'] / j2['wall_s']:.2f}× one job, target ≥ {JOBS_TARGET}×{ceiling}.")
    return out


# -- profile ---------------------------------------------------------------------

def profile(args) -> None:
    import cProfile
    import io
    import pstats

    import termkit

    spec = make_specs([args.profile_size])[args.profile_size]
    path = corpus_path(args.size_mb)
    if not path.exists():
        make_corpus(args.size_mb)
    chunks = load_chunks(path, args.chunk_mb)
    g = prepare(TERMKIT, spec)
    ann = termkit.Annotator(g)
    sample = _sample(chunks, [len(c.encode("utf-8")) for c in chunks], args.profile_mb * 1e6)
    ann.find(sample[0][:10_000])
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    n = sum(len(ann.find(c)) for c in sample)
    prof.disable()
    dt = time.perf_counter() - t0
    out = DATA / f"profile-{args.profile_size}"
    prof.dump_stats(str(out) + ".prof")
    buf = io.StringIO()
    mb = sum(len(c.encode("utf-8")) for c in sample) / 1e6
    buf.write(f"termkit find, default normalization, its own automaton, {args.profile_size} keys: {mb:.1f} MB, "
              f"{n:,} mentions, {dt:.2f} s under cProfile\n")
    for key in ("tottime", "cumulative"):
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(25)
    (Path(str(out) + ".txt")).write_text(buf.getvalue(), encoding="utf-8")
    print(buf.getvalue())
    log(f"wrote {out}.prof and {out}.txt")


# -- main --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker_main(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size-mb", type=float, default=None, help="corpus size in MB (default 50; 5 with --quick)")
    p.add_argument("--chunk-mb", type=float, default=1.0, help="document size in MB (default 1)")
    p.add_argument("--repeats", type=int, default=None, help="timed passes per contender (default 5; 1 with --quick)")
    p.add_argument("--build-repeats", type=int, default=None, help="builds per cell (default 3; 1 with --quick)")
    p.add_argument("--budget", type=float, default=None,
                   help="seconds per contender and glossary for all passes; slower ones run on a sub-sample "
                   "(default 90; 5 with --quick)")
    p.add_argument("--sizes", default=",".join(SIZES), help=f"glossary sizes (default {','.join(SIZES)})")
    p.add_argument("--contenders", default=",".join(CONTENDERS), help="contender ids, comma-separated")
    p.add_argument("--startup-runs", type=int, default=None, help="start-up runs (default 10; 3 with --quick)")
    p.add_argument("--quick", action="store_true", help="smoke run: 5 MB, 1 repeat, short budgets")
    p.add_argument("--stream-mb", type=float, default=None,
                   help="size of the one large file for the CLI's streaming memory (default 1024; 50 with --quick)")
    p.add_argument("--cli-corpora", default=None, metavar="NxKB,...",
                   help="corpora of many files for --jobs, as files x kB each (default 400x100,1000x200,5000x200; "
                   "100x100 with --quick)")
    p.add_argument("--cli-repeats", type=int, default=None, help="runs per --jobs setting (default 3; 1 with --quick)")
    p.add_argument("--no-cli", action="store_true", help="skip the command-line measurements")
    p.add_argument("--out", help="report path (default benchmarks/RESULTS.md; benchmarks/data/RESULTS-quick.md "
                   "with --quick)")
    p.add_argument("--profile", action="store_true", help="only profile termkit find (default normalization, "
                   "daachorse) with cProfile and write benchmarks/data/profile-SIZE.{prof,txt}")
    p.add_argument("--report-only", metavar="JSON",
                   help="rewrite the report from a saved run (benchmarks/data/results.json) without measuring")
    p.add_argument("--keep-snapshot", action="store_true",
                   help="reuse benchmarks/data/snapshot/ (e.g. to profile the code of the last run)")
    p.add_argument("--profile-size", default=TARGET_SIZE, choices=list(SIZES))
    p.add_argument("--profile-mb", type=float, default=10.0, help="MB of corpus to profile on (default 10)")
    args = p.parse_args(argv)
    q = args.quick
    args.size_mb = args.size_mb or (5.0 if q else 50.0)
    args.repeats = args.repeats or (1 if q else 5)
    args.build_repeats = args.build_repeats or (1 if q else 3)
    args.budget = args.budget or (5.0 if q else 90.0)
    args.startup_runs = args.startup_runs or (3 if q else 10)
    args.stream_mb = args.stream_mb or (50.0 if q else 1024.0)
    args.cli_repeats = args.cli_repeats or (1 if q else 3)
    args.cli_corpora = args.cli_corpora or ("100x100" if q else "400x100,1000x200,5000x200")
    out = Path(args.out) if args.out else (DATA / "RESULTS-quick.md" if q else HERE / "RESULTS.md")
    sizes = [s for s in args.sizes.split(",") if s]
    cids = [c for c in args.contenders.split(",") if c]
    for s in sizes:
        if s not in SIZES:
            p.error(f"unknown size {s!r}; choose from {', '.join(SIZES)}")
    for c in cids:
        if c not in CONTENDERS:
            p.error(f"unknown contender {c!r}; choose from {', '.join(CONTENDERS)}")

    if args.report_only:
        run = json.loads(Path(args.report_only).read_text(encoding="utf-8"))
        write_report(out, run)
        log(f"wrote {out} from {args.report_only}")
        return 0
    DATA.mkdir(exist_ok=True)
    started = time.perf_counter()
    os.environ["TERMKIT_CACHE_DIR"] = str(WARM_CACHE)  # never the user's cache, here or in subprocesses
    os.environ.pop("TERMKIT_NO_CACHE", None)
    snapshot_termkit(keep=args.keep_snapshot)
    if args.profile:
        profile(args)
        return 0
    machine = describe_machine()
    log(f"corpus: {args.size_mb:g} MB")
    cpath = make_corpus(args.size_mb)
    chunks = load_chunks(cpath, args.chunk_mb)
    corpus = {"bytes": cpath.stat().st_size, "chunks": len(chunks), "seed_bytes": len(seed_text().encode("utf-8"))}
    del chunks
    log("glossaries: " + ", ".join(sizes))
    specs = make_specs(sizes)

    builds: dict[str, dict] = {}
    skip_re: dict[str, str] = {}
    for s in sizes:
        builds[s] = {}
        for cid in cids:
            limit = RE_COMPILE_LIMIT if cid == "re" else 1800
            cell = builds[s][cid] = {}
            # termkit caches Traditional spellings on disk: measure a first build (empty
            # cache) and a repeated one (cache filled by an unmeasured priming build).
            for mode in ("cold", "warm") if cid.startswith("termkit/") else ("cold",):
                runs, error = [], None
                worker = ["build", "--spec", specs[s]["path"], "--contenders", cid]
                try:
                    if mode == "warm":
                        run_worker(worker, timeout=limit + 30)
                    for _ in range(args.build_repeats):
                        if mode == "cold":
                            with _ColdCache() as fresh:
                                runs.append(run_worker(worker, timeout=limit + 30, cache=fresh))
                        else:
                            runs.append(run_worker(worker, timeout=limit + 30))
                except subprocess.TimeoutExpired:
                    error = f"build did not finish within {limit:.0f} s"
                    if cid == "re":
                        skip_re[s] = f"compiling the alternation took over {RE_COMPILE_LIMIT:.0f} s; skipped"
                except Exception as e:
                    error = f"build failed: {e}"
                if runs and cid == "re" and statistics.median(r["build_s"] for r in runs) > RE_COMPILE_LIMIT:
                    skip_re[s] = f"compiling the alternation took over {RE_COMPILE_LIMIT:.0f} s; skipped"
                if error or not runs:
                    cell[mode] = {"error": error or "no run"}
                    log(f"build {s} {cid} ({mode}): {error}")
                    continue
                cell[mode] = {k: (statistics.median(r[k] for r in runs)
                                  if all(isinstance(r[k], (int, float)) for r in runs) else runs[0][k])
                              for k in runs[0]}
                log(f"build {s} {cid} ({mode}): {cell[mode]['build_s']:.3f} s, {cell[mode]['rss_mb']:.1f} MB")

    throughput: dict[str, dict] = {}
    for s in sizes:
        run_cids = [c for c in cids if not (c == "re" and s in skip_re)]
        log(f"throughput {s}: {len(run_cids)} contenders")
        try:
            throughput[s] = run_worker(
                ["throughput", "--spec", specs[s]["path"], "--contenders", ",".join(run_cids),
                 "--corpus", str(cpath), "--chunk-mb", str(args.chunk_mb), "--repeats", str(args.repeats),
                 "--budget", str(args.budget)], timeout=7200)
        except Exception as e:
            throughput[s] = {c: {"error": f"throughput worker failed: {e}"} for c in run_cids}
        if s in skip_re:
            throughput[s]["re"] = {"skipped": skip_re[s]}

    log("start-up")
    startup = measure_startup(args.startup_runs)
    corpora = [(int(n), float(kb)) for n, kb in (c.split("x") for c in args.cli_corpora.split(","))]
    cli = None if args.no_cli else measure_cli(args.stream_mb, corpora, args.cli_repeats)
    cmd = "python benchmarks/run.py" + (" " + " ".join(argv) if argv else "")
    run = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": cmd,
        "args": vars(args),
        "machine": machine,
        "corpus": corpus,
        "sizes": sizes,
        "specs": {s: {k: (len(v) if isinstance(v, list) else v) for k, v in sp.items() if k != "path"}
                  for s, sp in specs.items()},
        "builds": builds,
        "throughput": throughput,
        "startup": startup,
        "cli": cli,
    }
    run["elapsed_s"] = time.perf_counter() - started
    (DATA / ("results-quick.json" if q else "results.json")).write_text(json.dumps(run, indent=1, ensure_ascii=False))
    write_report(out, run)
    log(f"wrote {out} in {run['elapsed_s'] / 60:.1f} min")
    for line in findings(run):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
