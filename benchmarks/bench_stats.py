"""How long ``termkit stats`` takes over the whole of ../shared/corpus with the bundled glossary.

The issue's bar: under 30 s here. Run from the repository root:

    python benchmarks/bench_stats.py            # -j 1 and -j 2
    python benchmarks/bench_stats.py --html     # with the HTML report as well

Prints the wall time, the peak memory of the main process and of one worker,
and the documents and mentions counted. Skips (exit 0, says so) where the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
LIMIT = 30.0


def run(jobs: int, html: bool) -> dict:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "termkit", "stats", str(CORPUS), "-j", str(jobs), "-o", out, "-f", "json"]
        if html:
            cmd += ["--html", os.path.join(out, "report")]
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.perf_counter() - t
        if done.returncode not in (0, 1):
            sys.exit(f"termkit stats failed: {done.stderr.strip()}")
        docs = json.loads(Path(out, "documents.json").read_text(encoding="utf-8"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return {"jobs": jobs, "html": html, "seconds": round(seconds, 2), "documents": len(docs),
            "mentions": sum(d["mentions"] for d in docs), "peak_rss_mb_any_process": peak}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--html", action="store_true", help="write the HTML report too")
    args = p.parse_args()
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is not here")
        return
    size = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
    print(f"corpus: {CORPUS} ({size / 1e6:.1f} MB)")
    for jobs in (1, 2):
        r = run(jobs, args.html)
        verdict = "ok" if r["seconds"] < LIMIT else f"OVER {LIMIT:.0f} s"
        print(json.dumps(r), verdict)


if __name__ == "__main__":
    main()
