"""Peak memory of `stance classify` on a small and a large corpus: streaming keeps it flat.

Run from the repository root::

    python bench/bench_memory.py [--data ../shared/data] [--sizes 10MB,1GB] [--jobs 1] [--model DIR] [--json]

For each size, ``pool/guardian_articles.jsonl`` (under ``--data``) is replicated with fresh ids
into a temporary JSON Lines file in the system's temporary directory (never in the repository;
deleted afterwards), and ``stance classify FILE --format jsonl --output OUT --jobs N`` runs in a
fresh process. Reported: wall time, and the peak resident memory of the largest process (its
kernel high-water mark, VmHWM) and of the whole process tree (RSS and PSS, sampled from /proc).
Target (issue 7): the peak for the largest size within 1.5× of the peak for the smallest. The
1 GB run takes a while (tens of minutes on two cores): it classifies ~7 million sentences.
Without the data file the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_throughput import DATA_FILE, ROOT, classify_command, replicate, run_measured  # noqa: E402

UNITS = {"KB": 1e3, "MB": 1e6, "GB": 1e9}


def parse_size(text: str) -> int:
    text = text.strip().upper()
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(float(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", default="10MB,1GB", help="comma-separated corpus sizes (default 10MB,1GB)")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs for stance classify (default 1: one process)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--extra", default="", help="more stance classify options, e.g. '--summary'")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    source = args.data / DATA_FILE
    if not source.exists():
        print(f"skip: {source} not found (pass --data DIR holding {DATA_FILE})", file=sys.stderr)
        return
    results = []
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="stance-memory-") as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            copies = replicate(source, corpus, parse_size(size))
            measured = run_measured(classify_command(corpus, Path(tmp) / "out.jsonl", args.jobs, args.model,
                                                     args.extra.split()))
            measured.update(size=size, file_mb=round(corpus.stat().st_size / 1e6, 1), copies=copies,
                            output_mb=round((Path(tmp) / "out.jsonl").stat().st_size / 1e6, 1))
            results.append(measured)
            print(f"  {size}: {measured}", file=sys.stderr)
    first, last = results[0], results[-1]
    ratio = last["peak_rss_largest_process_mb"] / first["peak_rss_largest_process_mb"]
    tree_ratio = (last["peak_pss_tree_mb"] / first["peak_pss_tree_mb"]
                  if first.get("peak_pss_tree_mb") and last.get("peak_pss_tree_mb") else None)
    summary = {"jobs": args.jobs, "runs": results, "largest_process_ratio": round(ratio, 3),
               "tree_pss_ratio": round(tree_ratio, 3) if tree_ratio else None, "target_ratio": 1.5,
               "cpu_count": os.cpu_count()}
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{'size':>6} {'file MB':>9} {'output MB':>10} {'wall s':>8} {'peak RSS MB (largest)':>22} "
          f"{'tree RSS MB':>12} {'tree PSS MB':>12}")
    for r in results:
        print(f"{r['size']:>6} {r['file_mb']:9.1f} {r['output_mb']:10.1f} {r['seconds']:8.1f} "
              f"{r['peak_rss_largest_process_mb']:22.1f} {r['peak_rss_tree_mb']:12.1f} {r['peak_pss_tree_mb']:12.1f}")
    print(f"peak of the largest process, {last['size']} / {first['size']}: {ratio:.2f}× (target ≤ 1.5×)"
          + (f"; whole tree (PSS): {tree_ratio:.2f}×" if tree_ratio else ""))


if __name__ == "__main__":
    main()
