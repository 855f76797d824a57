"""What the annotated corpus holds: sizes, label shares, states, and the per-state table.

    python bench/corpus_stats.py [ANNOTATIONS...] [--min-pairs 10] [--markdown]

The per-state table shows, for every state in at least --min-pairs pairs, how often it is on
the cooperative, confrontational and neutral side: no state's name should predict a label.
"""

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.annotations import load_annotations  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path,
                        default=[ROOT / "annotations" / "seeds.jsonl", ROOT / "annotations" / "written"])
    parser.add_argument("--min-pairs", type=int, default=10)
    args = parser.parse_args()
    records = load_annotations(args.paths)
    seeds = [r for r in records if not r.doc.startswith("written/")]
    pairs = [p for r in records for p in r.pairs]
    stances = Counter(p.stance for p in pairs)
    per_state: dict[str, Counter] = defaultdict(Counter)
    for p in pairs:
        for code in p.states:
            per_state[code][p.stance] += 1
    states_per_sentence = Counter(len({c for p in r.pairs for c in p.states}) for r in records)
    print(f"sentences: {len(records)} ({len(seeds)} from the seed articles, {len(records) - len(seeds)} written)")
    print(f"pairs: {len(pairs)}: " + ", ".join(f"{k} {v} ({v / len(pairs):.1%})" for k, v in stances.most_common()))
    print("sentiment: " + ", ".join(f"{k} {v}" for k, v in Counter(r.sentiment for r in records).most_common()))
    own = Counter(r.sentence_stance for r in records if r.sentence_stance)
    print(f"sentence stance ({sum(own.values())} of {len(records)} sentences): "
          + ", ".join(f"{k} {v}" for k, v in own.most_common()))
    print(f"states in pairs: {len(per_state)}")
    print("states per sentence (in labelled pairs): "
          + ", ".join(f"{k}: {v}" for k, v in sorted(states_per_sentence.items())))
    one_sided = [c for c, n in per_state.items()
                 if sum(n.values()) >= args.min_pairs and (not n["cooperative"] or not n["confrontational"])]
    print(f"states in >= {args.min_pairs} pairs that lack a cooperative or a confrontational pair: {one_sided or 'none'}")
    print()
    print("| state | pairs | cooperative | confrontational | neutral |")
    print("|---|---|---|---|---|")
    for code, n in sorted(per_state.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(n.values())
        if total >= args.min_pairs:
            print(f"| {code} | {total} | {n['cooperative']} | {n['confrontational']} | {n['neutral']} |")


if __name__ == "__main__":
    main()
