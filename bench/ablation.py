"""Which features help? Grouped cross-validation on the annotations, one change at a time.

    python bench/ablation.py [ANNOTATIONS...]

Reports, for the stance model, 3-class macro-F1 and cooperative-vs-confrontational macro-F1
and, for the tone and sentence-stance models, 3-class macro-F1 — all out-of-fold, grouped by document. Model
choices are made on these numbers, never on the public dev sets.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.annotations import load_annotations  # noqa: E402
from stance.features import (  # noqa: E402
    SENTENCE_DEFAULTS,
    STANCE_DEFAULTS,
    TONE_DEFAULTS,
    build_sentence_pipeline,
    build_stance_pipeline,
    build_tone_pipeline,
)
from stance.inference import STANCES, TONES  # noqa: E402
from stance.training import _coop_vs_conf, _evaluate_scores, out_of_fold_scores, prepare  # noqa: E402

STANCE_VARIANTS = {"defaults": {}, "no events": {"events": False}, "lexicon x3": {"lexicon_weight": 3.0},
                   "no VADER": {"lexicon": False}, "no stem": {"stem": False}, "no context": {"context": False},
                   "no char": {"char": False}}
TONE_VARIANTS = {"defaults": {}, "lexicon x3": {"lexicon_weight": 3.0}, "no VADER": {"lexicon": False},
                 "no stem": {"stem": False}, "no char": {"char": False}}
SENTENCE_VARIANTS = {"defaults": {}, "no events": {"events": False}, "no VADER": {"lexicon": False},
                     "no stem": {"stem": False}, "no char": {"char": False}}


def _report(title, build, defaults, variants, texts, labels, groups, classes, coop_conf=False):
    print(f"{title:16} {'macro-F1':>8}" + (f" {'coop/conf':>9}" if coop_conf else ""))
    for name, change in variants.items():
        scores = out_of_fold_scores(build, {**defaults, **change}, texts, labels, groups, list(classes))
        m = _evaluate_scores(scores, labels, list(classes), 1.0)
        extra = f" {_coop_vs_conf(scores, labels):9.3f}" if coop_conf else ""
        print(f"{name:16} {m['macro_f1']:8.3f}{extra}", flush=True)


def main() -> None:
    paths = sys.argv[1:] or [ROOT / "annotations" / "seeds.jsonl", ROOT / "annotations" / "written"]
    data = prepare(load_annotations(paths))
    print(f"{len(data.stance_texts)} pairs, {len(data.tone_texts)} sentences")
    _report("stance variant", build_stance_pipeline, STANCE_DEFAULTS, STANCE_VARIANTS, data.stance_texts,
            data.stance_labels, data.stance_groups, STANCES, coop_conf=True)
    _report("tone variant", build_tone_pipeline, TONE_DEFAULTS, TONE_VARIANTS, data.tone_texts,
            data.tone_labels, data.tone_groups, TONES)
    if data.sentence_labels:
        _report("sentence variant", build_sentence_pipeline, SENTENCE_DEFAULTS, SENTENCE_VARIANTS,
                data.sentence_texts, data.sentence_labels, data.sentence_groups, STANCES)


if __name__ == "__main__":
    main()
