"""Time `termkit extract DIR -o OUTDIR/` (corpus mode) on a directory of reports.

Run: python benchmarks/extract_corpus.py [DIR] [--jobs N] [--copies K]

DIR defaults to ../shared/corpus. ``--copies K`` reads the directory K times over
(to time 1,000 reports and more from a smaller corpus). Prints the summary line
and reports per second. Nothing of the corpus is written outside a temporary directory.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--copies", type=int, default=1)
    args = ap.parse_args()
    if not Path(args.dir).is_dir():
        print(f"{args.dir}: no such directory", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "termkit", "extract", *[args.dir] * args.copies, "-o", out + "/",
               "--jobs", str(args.jobs)]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - start
    line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()
    reports = int(line.split()[0]) if line[:1].isdigit() else 0
    print(line)
    print(f"exit {proc.returncode}; {seconds:.2f} s; {reports / seconds:.0f} reports/s (jobs {args.jobs})")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
