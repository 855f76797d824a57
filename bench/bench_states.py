"""Benchmark of the named-state recogniser (stance.states.find_states).

Run from the repository root::

    python bench/bench_states.py [--data ../shared/data] [--gold tests/data/mentions/gold.jsonl] [--json]

1. precision and recall of mentions (span and code must match) on the mention gold set,
   overall and by kind;
2. pair coverage on the public dev set ``dev/stance_pairs.jsonl``: the fraction of rows whose
   two gold states (``source``, ``target``) are both found, and the misses grouped by cause;
3. speed of find_states alone on the sentences of ``pool/guardian_articles.jsonl``.

The public data is read at run time only; nothing of it is stored. Parts whose input is
missing are skipped with a message on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.states import KNOWN_CODES, canonical_code, find_states  # noqa: E402


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def mention_scores(gold_path: Path) -> dict | None:
    """Precision and recall of (start, end, code) against the gold mentions, overall and by kind."""
    if not gold_path.exists():
        print(f"skip mention P/R: {gold_path} not found", file=sys.stderr)
        return None
    tp: Counter = Counter()
    n_pred: Counter = Counter()
    n_gold: Counter = Counter()
    errors: dict[str, Counter] = {"missed": Counter(), "spurious": Counter()}
    for row in _read_jsonl(gold_path):
        gold = {(g["start"], g["end"], g["code"]): g.get("kind", "?") for g in row["mentions"]}
        pred = {(m.start, m.end, m.code): m.kind for m in find_states(row["text"], row.get("date"))}
        for key, kind in gold.items():
            n_gold[kind] += 1
            n_gold["all"] += 1
            if key in pred:
                tp[kind] += 1
                tp["all"] += 1
            else:
                errors["missed"][f"{row['text'][key[0] : key[1]]} ({key[2]})"] += 1
        for key, kind in pred.items():
            # precision by kind uses the gold kind when the span is right, else the predicted one
            k = gold.get(key, kind)
            n_pred[k] += 1
            n_pred["all"] += 1
            if key not in gold:
                errors["spurious"][f"{row['text'][key[0] : key[1]]} ({key[2]})"] += 1
    table = {}
    for kind in ["all", *sorted(k for k in n_gold.keys() | n_pred.keys() if k != "all")]:
        p = tp[kind] / n_pred[kind] if n_pred[kind] else float("nan")
        r = tp[kind] / n_gold[kind] if n_gold[kind] else float("nan")
        table[kind] = {"precision": p, "recall": r, "gold": n_gold[kind], "predicted": n_pred[kind]}
    return {
        "by_kind": table,
        "missed": errors["missed"].most_common(15),
        "spurious": errors["spurious"].most_common(15),
    }


def pair_coverage(pairs_path: Path) -> dict | None:
    """Fraction of rows where both gold states are found; misses grouped by cause."""
    if not pairs_path.exists():
        print(f"skip pair coverage: {pairs_path} not found", file=sys.stderr)
        return None
    rows = _read_jsonl(pairs_path)
    both = 0
    causes: Counter = Counter()
    examples: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        mentions = find_states(row["text"], row.get("date"))
        found = {m.code for m in mentions}
        ok = True
        for side in ("source", "target"):
            code = canonical_code(row[side])
            if code in found:
                continue
            ok = False
            if code not in KNOWN_CODES:
                cause = "gold code is not a state stance recognises"
            elif not mentions:
                cause = "no state found in the sentence"
            elif len(found) == 1 and row["source"] == row["target"]:
                cause = "same state on both sides"
            else:
                cause = "state not found (other states found)"
            causes[cause] += 1
            # only the gold code and the codes found: never the sentence itself
            examples[cause][f"{code} (found: {','.join(sorted(found)) or '-'})"] += 1
        both += ok
    return {
        "rows": len(rows),
        "both_found": both,
        "coverage": both / len(rows) if rows else float("nan"),
        "misses_by_cause": dict(causes.most_common()),
        "examples": {c: ex.most_common(8) for c, ex in examples.items()},
    }


def speed(pool_path: Path, min_seconds: float = 2.0) -> dict | None:
    """Sentences and mentions per second of find_states on naively split Guardian sentences."""
    if not pool_path.exists():
        print(f"skip speed: {pool_path} not found", file=sys.stderr)
        return None
    sentences = []
    for row in _read_jsonl(pool_path):
        for para in row.get("text", "").split("\n"):
            sentences.extend(s for s in para.split(". ") if s.strip())
    find_states("warm up the tables")
    n_sent = n_ment = 0
    t0 = time.perf_counter()
    while True:
        for s in sentences:
            n_ment += len(find_states(s))
        n_sent += len(sentences)
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            break
    chars = sum(map(len, sentences)) * (n_sent // len(sentences))
    return {
        "sentences": len(sentences),
        "sentences_per_s": n_sent / elapsed,
        "mentions_per_s": n_ment / elapsed,
        "chars_per_s": chars / elapsed,
        "mentions_per_sentence": n_ment / n_sent,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="folder with dev/ and pool/ (default: ../shared/data)",
    )
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "mentions" / "gold.jsonl")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    args = ap.parse_args(argv)

    result = {
        "mentions": mention_scores(args.gold),
        "pairs": pair_coverage(args.data / "dev" / "stance_pairs.jsonl"),
        "speed": speed(args.data / "pool" / "guardian_articles.jsonl"),
    }
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0

    if result["mentions"]:
        print("Mentions vs gold (span + code)")
        print(f"  {'kind':<12} {'precision':>9} {'recall':>7} {'gold':>5} {'pred':>5}")
        for kind, r in result["mentions"]["by_kind"].items():
            print(
                f"  {kind:<12} {r['precision']:>9.3f} {r['recall']:>7.3f} "
                f"{r['gold']:>5} {r['predicted']:>5}"
            )
        print("  missed:  ", ", ".join(f"{s}×{n}" for s, n in result["mentions"]["missed"]))
        print("  spurious:", ", ".join(f"{s}×{n}" for s, n in result["mentions"]["spurious"]))
    if result["pairs"]:
        r = result["pairs"]
        print(
            f"\nPair coverage on dev/stance_pairs.jsonl: {r['both_found']}/{r['rows']} "
            f"= {r['coverage']:.3f}"
        )
        for cause, n in r["misses_by_cause"].items():
            ex = ", ".join(f"{s}×{k}" for s, k in r["examples"][cause])
            print(f"  {n:>4}  {cause}: {ex}")
    if result["speed"]:
        r = result["speed"]
        print(
            f"\nSpeed on {r['sentences']} Guardian sentences: {r['sentences_per_s']:,.0f} "
            f"sentences/s, {r['mentions_per_s']:,.0f} mentions/s, "
            f"{r['chars_per_s'] / 1e6:.1f} M chars/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
