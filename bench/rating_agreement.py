"""Agreement of the blind tone raters, and what their consensus does to the tone labels.

    python bench/rating_agreement.py [PATH ...]   (default: annotations/seeds.jsonl annotations/written)

For every sentence with two ``tone_ratings``: Pearson r between the two raters, exact and
within-one agreement, Cohen's kappa of their signs (negative / neutral / positive) and quadratic-
weighted kappa on the five points; then kappa between the annotator's label and each rater's sign,
and how the consensus label (``stance.annotations.consensus_tone``) differs from the annotator's.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from agreement import cohen_kappa  # noqa: E402

from stance.annotations import consensus_tone, load_annotations, rating_class  # noqa: E402


def pearson(x: list[float], y: list[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / (sxx * syy) ** 0.5


def weighted_kappa(a: list[int], b: list[int], low: int = -2, high: int = 2) -> float:
    """Cohen's kappa with quadratic weights: a two-point miss costs four times a one-point miss."""
    n, span = len(a), (high - low) ** 2
    ca, cb = Counter(a), Counter(b)
    observed = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / (n * span)
    expected = sum(ca[x] * cb[y] * (x - y) ** 2 for x in ca for y in cb) / (n * n * span)
    return 1 - observed / expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", type=Path, nargs="*",
                        default=[ROOT / "annotations" / "seeds.jsonl", ROOT / "annotations" / "written"])
    args = parser.parse_args()
    records = load_annotations(args.paths)
    rated = [r for r in records if r.tone_ratings]
    pairs = [sorted(r.tone_ratings.items()) for r in rated if len(r.tone_ratings) == 2]
    first = [p[0][1] for p in pairs]
    second = [p[1][1] for p in pairs]
    print(f"sentences: {len(records)}; with ratings: {len(rated)}; with two: {len(pairs)}")
    print(f"ratings given: {dict(sorted(Counter(v for r in rated for v in r.tone_ratings.values()).items()))}")
    if pairs:
        print(f"rater vs rater: Pearson r {pearson(first, second):.3f}; exact agreement "
              f"{sum(a == b for a, b in zip(first, second, strict=True)) / len(pairs):.3f}; within one point "
              f"{sum(abs(a - b) <= 1 for a, b in zip(first, second, strict=True)) / len(pairs):.3f}")
        print(f"  kappa of signs {cohen_kappa([rating_class(x) for x in first], [rating_class(x) for x in second]):.3f}; "
              f"quadratic-weighted kappa (5 points) {weighted_kappa(first, second):.3f}")
    label, sign = [], []
    for r in rated:
        for value in r.tone_ratings.values():
            label.append(r.sentiment)
            sign.append(rating_class(value))
    if label:
        print(f"annotator's label vs each rater's sign: kappa {cohen_kappa(label, sign):.3f} (n={len(label)})")
    changed = Counter((r.sentiment, consensus_tone(r)) for r in rated if consensus_tone(r) != r.sentiment)
    print(f"consensus label differs from the annotator's in {sum(changed.values())} of {len(rated)} sentences: "
          + ", ".join(f"{a} -> {b} {n}" for (a, b), n in changed.most_common()))
    print(f"consensus labels: {dict(Counter(consensus_tone(r) for r in records))}")


if __name__ == "__main__":
    main()
