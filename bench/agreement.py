"""Inter-annotator agreement: Cohen's kappa between the corpus and the blind second pass.

    python bench/agreement.py [--second annotations/agreement/second_pass.jsonl] [--disagreements]

Pairs are matched by (sentence id, pair of states); a pair only one pass labelled is counted
apart. Sentiment is compared per sentence.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.annotations import load_annotations  # noqa: E402


def cohen_kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--second", type=Path, default=ROOT / "annotations" / "agreement" / "second_pass.jsonl")
    parser.add_argument("--first", type=Path, nargs="*",
                        default=[ROOT / "annotations" / "seeds.jsonl", ROOT / "annotations" / "written"])
    parser.add_argument("--disagreements", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    first = {a.id: a for a in load_annotations(args.first)}
    second = load_annotations([args.second])
    stance_a, stance_b, sent_a, sent_b, only_one, disagreements = [], [], [], [], 0, []
    for b in second:
        a = first.get(b.id)
        if a is None:
            continue
        sent_a.append(a.sentiment)
        sent_b.append(b.sentiment)
        pa = {p.states: p.stance for p in a.pairs}
        pb = {p.states: p.stance for p in b.pairs}
        for states in pa.keys() | pb.keys():
            if states in pa and states in pb:
                stance_a.append(pa[states])
                stance_b.append(pb[states])
                if pa[states] != pb[states]:
                    disagreements.append((a.id, "-".join(states), pa[states], pb[states], a.text))
            else:
                only_one += 1
        if a.sentiment != b.sentiment:
            disagreements.append((a.id, "tone", a.sentiment, b.sentiment, a.text))
    print(f"sentences compared: {len(sent_a)}; pairs compared: {len(stance_a)}; pairs labelled by one pass only: {only_one}")
    agree = sum(x == y for x, y in zip(stance_a, stance_b, strict=True)) / len(stance_a)
    print(f"stance:    Cohen's kappa {cohen_kappa(stance_a, stance_b):.3f}  (raw agreement {agree:.3f})")
    agree = sum(x == y for x, y in zip(sent_a, sent_b, strict=True)) / len(sent_a)
    print(f"sentiment: Cohen's kappa {cohen_kappa(sent_a, sent_b):.3f}  (raw agreement {agree:.3f})")
    confusion = Counter((x, y) for x, y in zip(stance_a, stance_b, strict=True) if x != y)
    print("stance disagreements (first -> second):", dict(confusion.most_common()))
    if args.disagreements:
        for row in disagreements:
            print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
