"""Inter-annotator agreement: Cohen's kappa between the corpus and the blind second pass.

    python bench/agreement.py [--second annotations/agreement/second_pass.jsonl] [--disagreements]

Pairs are matched by (sentence id, pair of states); a pair only one pass labelled is counted
apart. Sentiment, and the sentence stance where both passes give one, are compared per sentence.
A second pass that labels no pairs at all (``second_pass_2.jsonl``: tone and sentence stance
only) is compared on those alone:

    python bench/agreement.py --second annotations/agreement/second_pass_2.jsonl
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
    own_a, own_b = [], []
    with_pairs = any(b.pairs for b in second)
    for b in second:
        a = first.get(b.id)
        if a is None:
            continue
        sent_a.append(a.sentiment)
        sent_b.append(b.sentiment)
        if a.sentence_stance and b.sentence_stance:
            own_a.append(a.sentence_stance)
            own_b.append(b.sentence_stance)
            if a.sentence_stance != b.sentence_stance:
                disagreements.append((a.id, "sentence", a.sentence_stance, b.sentence_stance, a.text))
        if not with_pairs:
            continue
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
    for name, first_labels, second_labels in (("stance", stance_a, stance_b), ("sentiment", sent_a, sent_b),
                                               ("sentence stance", own_a, own_b)):
        if not first_labels:
            continue
        agree = sum(x == y for x, y in zip(first_labels, second_labels, strict=True)) / len(first_labels)
        print(f"{name + ':':16} Cohen's kappa {cohen_kappa(first_labels, second_labels):.3f}  "
              f"(raw agreement {agree:.3f}, n={len(first_labels)})")
        confusion = Counter((x, y) for x, y in zip(first_labels, second_labels, strict=True) if x != y)
        print(f"  {name} disagreements (first -> second):", dict(confusion.most_common()))
    if args.disagreements:
        for row in disagreements:
            print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
