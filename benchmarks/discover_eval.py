"""Recompute the figures of benchmarks/discover_eval.md: run ``termkit discover``
on ../shared/corpus, then precision@20/50/100 from the labels in
benchmarks/discover_labels.yaml and the recall (with ranks) of its list.

    python benchmarks/discover_eval.py [CORPUS]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main() -> int:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus")
    if not corpus.is_dir():
        print(f"{corpus}: no corpus here; nothing measured")
        return 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "termkit", "discover", "--top", "0", "-f", "jsonl", str(corpus)],
                          capture_output=True, env=env, check=True)
    took = time.monotonic() - start
    ranked = [json.loads(x)["key"] for x in proc.stdout.decode().splitlines()]
    data = yaml.safe_load((HERE / "discover_labels.yaml").read_text(encoding="utf-8"))
    labels = {k: v[0] for k, v in data["labels"].items()}
    print(f"candidates: {len(ranked)}; time: {took:.1f} s")
    for n in (20, 50, 100):
        top = ranked[:n]
        unlabeled = [k for k in top if k not in labels]
        yes = sum(labels.get(k) is True or labels.get(k) == "yes" for k in top)
        print(f"precision@{n}: {yes}/{n} = {yes / n:.0%}" + (f" (unlabeled: {'、'.join(unlabeled)})" if unlabeled else ""))
    rank = {k: i for i, k in enumerate(ranked, 1)}
    found = [(k, rank[k]) for k in data["recall"] if k in rank]
    missed = [k for k in data["recall"] if k not in rank]
    print(f"recall: {len(found)}/{len(data['recall'])} = {len(found) / len(data['recall']):.0%}")
    print("  found (rank): " + ", ".join(f"{k} ({r})" for k, r in sorted(found, key=lambda x: x[1])))
    print("  missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
