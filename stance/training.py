"""Training: annotations -> inputs, grouped cross-validation, a small search, calibration, fit."""

from __future__ import annotations

import datetime as _dt
import hashlib
import platform
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stance.annotations import Annotation, consensus_tone, mean_tone_rating
from stance.inference import SENTENCE_STANCES, STANCES, TONES, StanceModel

N_SPLITS = 5
# The search compares settings on 3 folds (cheaper); the chosen models are then measured on N_SPLITS.
# Its folds hold out whole annotation *sources* (files: the seeds, each writer's batch), not just
# documents: text the model will meet comes from other sources, so settings are chosen by how well
# they carry over to an unseen source, not by how well they fit one writer's style.
SEARCH_SPLITS = 3
# Alternatives tried one parameter at a time, starting from the defaults in stance.features.
# Small on purpose: a few minutes on a laptop, and little room to overfit the search to CV noise.
STANCE_SEARCH = {
    "C": [4.0, 16.0, 32.0],
    "ngram_max": [2, 3],
    "min_df": [1, 2],
    "sublinear_tf": [True, False],
    "class_weight": ["balanced", None],
    "char": [True, False],
    "context": [True, False],
    "lexicon": [True, False],
    "events": [True, False],
    "lexicon_weight": [1.0, 3.0],
    "stem": [True, False],
}
TONE_SEARCH = {
    "C": [0.5, 2.0, 8.0],
    "ngram_max": [1, 2],
    "min_df": [1, 2],
    "sublinear_tf": [True, False],
    "class_weight": ["balanced", None],
    "char": [True, False],
    "lexicon": [True, False],
    "lexicon_weight": [1.0, 3.0],
    "stem": [True, False],
}
SENTENCE_SEARCH = {
    "C": [0.5, 2.0, 8.0],
    "ngram_max": [1, 2, 3],
    "min_df": [1, 2],
    "sublinear_tf": [True, False],
    "class_weight": ["balanced", None],
    "char": [True, False],
    "lexicon": [True, False],
    "events": [True, False],
    "stem": [True, False],
}
# The tone score regresses the raters' mean rating when at least this many sentences carry ratings,
# and replaces P(positive) - P(negative) only if it tracks held-out ratings better in CV (by more
# than one standard error of the per-fold difference).
MIN_TONE_RATINGS = 30
TONE_SCORE_ALPHAS = [0.3, 1.0, 3.0]
# The sentence head is trained only when this many sentences carry a ``sentence_stance``
# (the field is optional; a corpus without it still trains the pair and tone models).
MIN_SENTENCE_LABELS = 30
Progress = Callable[[str], None]


@dataclass
class TrainingData:
    """Model inputs built from annotations: one stance row per pair, one tone row per sentence,
    one sentence-stance row per sentence that has that label."""

    stance_texts: list[str] = field(default_factory=list)
    stance_labels: list[str] = field(default_factory=list)
    stance_groups: list[str] = field(default_factory=list)
    tone_texts: list[str] = field(default_factory=list)
    tone_labels: list[str] = field(default_factory=list)
    tone_groups: list[str] = field(default_factory=list)
    # The raters' mean tone rating scaled to [-1, 1], None for a sentence nobody rated.
    tone_ratings: list[float | None] = field(default_factory=list)
    sentence_texts: list[str] = field(default_factory=list)
    sentence_labels: list[str] = field(default_factory=list)
    sentence_groups: list[str] = field(default_factory=list)
    source_of_doc: dict[str, str] = field(default_factory=dict)
    unmasked_pairs: int = 0

    def sources(self, groups: Sequence[str]) -> list[str]:
        """The annotation source (file) of each row, given the rows' documents."""
        return [self.source_of_doc[g] for g in groups]


def prepare(annotations: Sequence[Annotation]) -> TrainingData:
    """Mask each annotated pair (and each sentence for tone) the way inference will.

    The tone label is the readers' consensus (:func:`stance.annotations.consensus_tone`): the
    annotator's label alone for a sentence nobody else rated.
    """
    from stance.features import mask_text, order_pair
    from stance.states import find_states

    data = TrainingData()
    for record in annotations:
        mentions = find_states(record.text, record.date)
        found = {m.code for m in mentions}
        data.source_of_doc.setdefault(record.doc, Path(record.path).stem if record.path else record.doc)
        masked = mask_text(record.text, mentions)
        data.tone_texts.append(masked)
        data.tone_labels.append(consensus_tone(record))
        data.tone_ratings.append(mean_tone_rating(record))
        data.tone_groups.append(record.doc)
        if record.sentence_stance:
            data.sentence_texts.append(masked)
            data.sentence_labels.append(record.sentence_stance)
            data.sentence_groups.append(record.doc)
        for pair in record.pairs:
            if not set(pair.states) <= found:
                data.unmasked_pairs += 1
            ordered = order_pair(mentions, pair.states)
            data.stance_texts.append(mask_text(record.text, mentions, ordered))
            data.stance_labels.append(pair.stance)
            data.stance_groups.append(record.doc)
    return data


def _folds(groups: Sequence[str], n_splits: int):
    from sklearn.model_selection import GroupKFold

    n = min(n_splits, len(set(groups)))
    if n < 2:
        raise ValueError("cross-validation needs annotations from at least two documents")
    return list(GroupKFold(n_splits=n).split(list(groups), groups=list(groups)))


def _fit_fold(build, params, texts, labels, train_index, test_index, classes):
    model = build(params).fit(texts[train_index], labels[train_index])
    if classes is None:  # a regressor
        return test_index, model.predict(texts[test_index])
    order = [list(model.classes_).index(c) for c in classes]
    return test_index, model.decision_function(texts[test_index])[:, order]


def out_of_fold_scores(build, params: dict, texts, labels, groups, classes, n_splits=N_SPLITS):
    """Decision scores for every row from a model that never saw its document (columns = classes;
    one column of predictions when ``classes`` is None and ``build`` makes a regressor).

    Folds are fitted in parallel on the available cores; the result does not depend on how many.
    """
    import numpy as np
    from joblib import Parallel, delayed

    from stance.parallel import available_cores

    texts = np.asarray(texts, dtype=object)
    labels = np.asarray(labels, dtype=object if classes is not None else float)
    scores = np.zeros((len(texts), len(classes)) if classes is not None else len(texts))
    folds = _folds(groups, n_splits)
    jobs = Parallel(n_jobs=min(len(folds), available_cores()))(
        delayed(_fit_fold)(build, params, texts, labels, train, test, classes) for train, test in folds)
    for test_index, fold_scores in jobs:
        scores[test_index] = fold_scores
    return scores


def fit_temperature(scores, labels, classes) -> float:
    """The temperature that minimises the log-loss of softmax(scores / T) (Guo et al., 2017)."""
    import numpy as np
    from scipy.optimize import minimize_scalar

    truth = np.array([list(classes).index(y) for y in labels])

    def nll(log_t):
        z = scores / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -log_p[np.arange(len(truth)), truth].mean()

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


def _evaluate_scores(scores, labels, classes, temperature: float) -> dict:
    from stance.inference import _softmax
    from stance.metrics import calibration_metrics, classification_metrics

    probabilities = _softmax(scores, temperature)
    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    metrics = classification_metrics(labels, predicted, classes)
    metrics.update(calibration_metrics(labels, probabilities, classes))
    return metrics


def _coop_vs_conf(scores, labels) -> float:
    """Macro-F1 between cooperative and confrontational on the pairs gold-labelled as one of them."""
    from stance.metrics import classification_metrics

    keep = [i for i, y in enumerate(labels) if y != "neutral"]
    predicted = ["cooperative" if scores[i][0] >= scores[i][1] else "confrontational" for i in keep]
    return classification_metrics([labels[i] for i in keep], predicted,
                                  ["cooperative", "confrontational"])["macro_f1"]


def search_params(build, defaults: dict, grid: dict, texts, labels, groups, classes,
                  progress: Progress | None = None) -> tuple[dict, list[dict]]:
    """Coordinate-wise search from the preferred ``defaults``, with the one-standard-error rule.

    For each parameter in turn, another value replaces the current one only if its CV macro-F1
    beats the current best by more than the standard error of the fold scores (Hastie et al.,
    The Elements of Statistical Learning, 7.10): a gain the folds cannot tell from noise does not
    move the model away from its more regularised, lexicon-backed defaults.
    """
    import numpy as np

    from stance.metrics import classification_metrics

    folds = _folds(groups, SEARCH_SPLITS)
    best = dict(defaults)
    tried: dict[tuple, tuple[float, float]] = {}

    def score(params):
        key = tuple(sorted(params.items(), key=lambda kv: kv[0]))
        if key not in tried:
            s = out_of_fold_scores(build, params, texts, labels, groups, classes, n_splits=SEARCH_SPLITS)
            per_fold = [classification_metrics([labels[i] for i in test], [classes[j] for j in s[test].argmax(axis=1)],
                                               classes)["macro_f1"] for _, test in folds]
            tried[key] = (float(np.mean(per_fold)), float(np.std(per_fold, ddof=1) / np.sqrt(len(per_fold))))
            if progress:
                progress(f"  {_describe(params, defaults)}: macro-F1 {tried[key][0]:.3f} ± {tried[key][1]:.3f}")
        return tried[key]

    best_score, best_se = score(best)
    for name, values in grid.items():
        for value in values:
            if value == best[name]:
                continue
            candidate = {**best, name: value}
            mean, se = score(candidate)
            if mean > best_score + max(se, best_se):
                best, best_score, best_se = candidate, mean, se
    history = [{"params": dict(k), "macro_f1": m, "standard_error": e} for k, (m, e) in tried.items()]
    return best, history


def _describe(params: dict, defaults: dict) -> str:
    changed = {k: v for k, v in params.items() if defaults.get(k) != v}
    return "defaults" if not changed else ", ".join(f"{k}={v}" for k, v in changed.items())


def fit_tone_score(data: TrainingData, rated: Sequence[int], tone_pipeline, tone_params: dict, classifier_score,
                   *, search: bool = True, progress: Progress | None = None):
    """Ridge regression of the raters' mean tone rating on the tone head's own features.

    Returns (parameters, CV report, fitted regressor). The regressor reads the fitted tone
    pipeline's feature matrix, so scoring tone costs one more dot product, not another pass of
    TF-IDF. The report compares, on held-out documents, the Pearson r with the mean rating of this
    regression and of the classifier's P(positive) - P(negative); ``used`` says whether the
    regression is better by more than one standard error of the per-fold difference.
    """
    import numpy as np
    from sklearn.linear_model import Ridge

    from stance.features import build_tone_score_pipeline

    say = progress or (lambda message: None)
    texts = [data.tone_texts[i] for i in rated]
    targets = np.array([data.tone_ratings[i] for i in rated])
    groups = [data.tone_groups[i] for i in rated]
    base = {**tone_params, "alpha": 1.0}
    history = []
    if search:
        folds = _folds(groups, N_SPLITS)
        say(f"choosing the tone-score regularisation ({len(texts)} rated sentences)")
        for alpha in TONE_SCORE_ALPHAS:
            predicted = out_of_fold_scores(build_tone_score_pipeline, {**base, "alpha": alpha}, texts, targets,
                                           groups, None)
            per_fold = [_pearson(predicted[test], targets[test]) for _, test in folds]
            history.append({"alpha": alpha, "pearson_r": float(np.mean(per_fold)),
                            "standard_error": float(np.std(per_fold, ddof=1) / np.sqrt(len(per_fold)))})
            say(f"  alpha={alpha}: Pearson r {history[-1]['pearson_r']:.3f} ± {history[-1]['standard_error']:.3f}")
        # The one-standard-error rule again, from alpha = 1: move only for a gain the folds can see.
        best = next(h for h in history if h["alpha"] == 1.0)
        for h in history:
            if h["pearson_r"] > best["pearson_r"] + max(h["standard_error"], best["standard_error"]):
                best = h
        base["alpha"] = best["alpha"]
    say("cross-validating the tone-score regression")
    predicted = np.clip(out_of_fold_scores(build_tone_score_pipeline, base, texts, targets, groups, None), -1, 1)
    baseline = np.asarray(classifier_score)[list(rated)]
    report = {"rated_sentences": len(rated), "pearson_r": _pearson(predicted, targets),
              "mean_absolute_error": float(np.abs(predicted - targets).mean()),
              "classifier_score_pearson_r": _pearson(baseline, targets),
              "search": history or "skipped (--no-search)"}
    # The one-standard-error rule once more: the regression replaces the classifier's score only if
    # it follows held-out ratings better by more than the fold-to-fold noise of the difference.
    differences = [_pearson(predicted[test], targets[test]) - _pearson(baseline[test], targets[test])
                   for _, test in _folds(groups, N_SPLITS)]
    report["difference_per_fold"] = [round(d, 4) for d in differences]
    report["difference_standard_error"] = float(np.std(differences, ddof=1) / np.sqrt(len(differences)))
    report["used"] = float(np.mean(differences)) > report["difference_standard_error"]
    say("fitting the final tone-score regression on all rated sentences")
    regressor = Ridge(alpha=base["alpha"]).fit(tone_pipeline.named_steps["features"].transform(texts), targets)
    return base, report, regressor


def _pearson(x, y) -> float:
    import numpy as np

    if np.std(x) == 0 or np.std(y) == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


@dataclass
class TrainingResult:
    model: StanceModel
    card: dict


def _versions() -> dict:
    import joblib
    import nltk
    import numpy
    import scipy
    import sklearn

    import stance

    try:
        from importlib.metadata import version

        vader = version("vaderSentiment")
    except Exception:  # noqa: BLE001 - metadata missing is not fatal for a card
        vader = "unknown"
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "nltk": nltk.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "joblib": joblib.__version__,
            "vaderSentiment": vader, "stance": stance.__version__}


def annotations_digest(paths: Sequence[Path]) -> dict:
    """sha256 of every annotation file and of all of them together (sorted by path)."""
    combined = hashlib.sha256()
    files = {}
    for path in sorted(paths):
        data = Path(path).read_bytes()
        files[str(path)] = hashlib.sha256(data).hexdigest()
        combined.update(str(path).encode() + b"\0" + data)
    return {"sha256": combined.hexdigest(), "files": files}


def _head(name: str):
    """(pipeline builder, default parameters, search grid, classes) of one model head."""
    from stance import features

    return {
        "stance": (features.build_stance_pipeline, features.STANCE_DEFAULTS, STANCE_SEARCH, list(STANCES)),
        "tone": (features.build_tone_pipeline, features.TONE_DEFAULTS, TONE_SEARCH, list(TONES)),
        "sentence": (features.build_sentence_pipeline, features.SENTENCE_DEFAULTS, SENTENCE_SEARCH,
                     list(SENTENCE_STANCES)),
    }[name]


def train(annotations: Sequence[Annotation], *, search: bool = True, stance_params: dict | None = None,
          tone_params: dict | None = None, sentence_params: dict | None = None,
          progress: Progress | None = None, annotation_files: Sequence[Path] = ()) -> TrainingResult:
    """Cross-validate (grouped by document), optionally search, calibrate and fit on everything.

    Three heads: pair stance, sentence tone and — when enough sentences carry a
    ``sentence_stance`` — the sentence's own stance (the kind of event it reports).
    """
    from stance.segment import splitter_params

    say = progress or (lambda message: None)
    data = prepare(annotations)
    inputs = {"stance": (data.stance_texts, data.stance_labels, data.stance_groups),
              "tone": (data.tone_texts, data.tone_labels, data.tone_groups)}
    if len(data.sentence_labels) >= MIN_SENTENCE_LABELS:
        inputs["sentence"] = (data.sentence_texts, data.sentence_labels, data.sentence_groups)
    else:
        say(f"no sentence-stance head: {len(data.sentence_labels)} sentences carry a sentence_stance "
            f"(at least {MIN_SENTENCE_LABELS} needed)")
    given = {"stance": stance_params, "tone": tone_params, "sentence": sentence_params}
    for name, (_, labels, _) in inputs.items():
        missing = set(_head(name)[3]) - set(labels)
        if missing:
            raise ValueError(f"the {name} model needs examples of every class; none for: {', '.join(sorted(missing))}")

    params, history, cv, temperatures, pipelines, oof = {}, {}, {}, {}, {}, {}
    for name, (texts, labels, groups) in inputs.items():
        build, defaults, grid, classes = _head(name)
        params[name] = {**defaults, **(given[name] or {})}
        if search:
            sources = data.sources(groups)
            by_source = len(set(sources)) >= SEARCH_SPLITS
            say(f"searching {name} hyper-parameters ({len(texts)} rows, {SEARCH_SPLITS}-fold CV grouped by "
                f"{'annotation source' if by_source else 'document'})")
            params[name], history[name] = search_params(build, params[name], grid, texts, labels,
                                                        sources if by_source else groups, classes, say)
        say(f"cross-validating the {name} model and fitting its calibration")
        scores = oof[name] = out_of_fold_scores(build, params[name], texts, labels, groups, classes)
        temperatures[name] = fit_temperature(scores, labels, classes)
        # The temperature is fitted on the same out-of-fold scores it is judged on: the "calibrated"
        # numbers are slightly optimistic. It is one parameter, so the optimism is small.
        cv[name] = {"uncalibrated": _evaluate_scores(scores, labels, classes, 1.0),
                    "calibrated": _evaluate_scores(scores, labels, classes, temperatures[name])}
        if name == "stance":
            cv[name]["cooperative_vs_confrontational_macro_f1"] = _coop_vs_conf(scores, labels)
        say(f"fitting the final {name} model on all annotations")
        pipelines[name] = build(params[name]).fit(texts, labels)

    rated = [i for i, r in enumerate(data.tone_ratings) if r is not None]
    if len(rated) >= MIN_TONE_RATINGS:
        from stance.inference import _softmax

        tone_p = _softmax(oof["tone"], temperatures["tone"])
        classifier_score = tone_p[:, TONES.index("positive")] - tone_p[:, TONES.index("negative")]
        params["tone_score"], cv["tone_score"], pipelines["tone_score"] = fit_tone_score(
            data, rated, pipelines["tone"], params["tone"], classifier_score, search=search, progress=say)
        if not cv["tone_score"]["used"]:
            del pipelines["tone_score"]
    else:
        say(f"no tone-score regression: {len(rated)} sentences carry tone ratings (at least {MIN_TONE_RATINGS} needed)")

    model = StanceModel(pipelines["stance"], pipelines["tone"], sentence_pipeline=pipelines.get("sentence"),
                        tone_regressor=pipelines.get("tone_score"), temperatures=temperatures)
    card = {
        "name": "stance-default",
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "versions": _versions(),
        "labels": {name: _head(name)[3] for name in inputs},
        "annotations": {
            **annotations_digest(list(annotation_files)),
            "sentences": len(annotations),
            "documents": len({a.doc for a in annotations}),
            "pairs": len(data.stance_labels),
            "pairs_with_a_state_the_recogniser_missed": data.unmasked_pairs,
            "stance_counts": dict(Counter(data.stance_labels)),
            "tone_counts": dict(Counter(data.tone_labels)),
            "sentence_stance_counts": dict(Counter(data.sentence_labels)),
        },
        "hyperparameters": {**params, "temperatures": temperatures,
                            "search": history if search else "skipped (--no-search)"},
        "cross_validation": {"folds": N_SPLITS, "grouped_by": "doc", **cv},
        "sentence_splitter": splitter_params(),
    }
    model.card = card
    return TrainingResult(model=model, card=card)


def save(result: TrainingResult, directory: str | Path) -> dict:
    """Write the model and its card (JSON and Markdown) to ``directory``; return the card."""
    from stance.persistence import save_model_dir

    model = result.model
    pipelines = {"stance": model.stance_pipeline, "tone": model.tone_pipeline}
    if model.sentence_pipeline is not None:
        pipelines["sentence"] = model.sentence_pipeline
    if model.tone_regressor is not None:
        pipelines["tone_score"] = model.tone_regressor
    card = save_model_dir(directory, pipelines, {"temperatures": model.temperatures}, result.card, card_markdown)
    model.card, model.path = card, str(directory)
    return card


def card_markdown(card: dict) -> str:
    """The model card rendered for people."""
    from stance.metrics import format_metrics

    cv = card["cross_validation"]
    ann = card["annotations"]
    lines = [
        f"# Model card: {card['name']}",
        "",
        f"Created {card['created']} by `stance train`. Format `{card['format']}` (JSON + NumPy arrays, no pickle).",
        "",
        "## Training data",
        "",
        f"- {ann['sentences']} annotated sentences from {ann['documents']} documents; {ann['pairs']} state pairs.",
        f"- Stance counts: {ann['stance_counts']}; tone counts: {ann['tone_counts']}; "
        f"sentence-stance counts: {ann.get('sentence_stance_counts', {})}.",
        f"- Annotations sha256: `{ann.get('sha256', '')}`.",
        "",
        "## Cross-validation",
        "",
        f"{cv['folds']}-fold, grouped by document (no document in both train and test).",
        f"Cooperative-vs-confrontational macro-F1 (gold non-neutral pairs): "
        f"{cv['stance']['cooperative_vs_confrontational_macro_f1']:.3f}",
        "",
    ]
    heads = [name for name in ("stance", "tone", "sentence") if name in cv]
    for name in heads:
        raw, cal = cv[name]["uncalibrated"], cv[name]["calibrated"]
        lines += [
            f"### {name}",
            "",
            "```",
            format_metrics(cal),
            "```",
            "",
            f"Calibration: ECE {raw['ece']:.3f} → {cal['ece']:.3f}, Brier {raw['brier']:.3f} → {cal['brier']:.3f} "
            f"with temperature {card['hyperparameters']['temperatures'][name]:.2f}.",
            "",
        ]
    if "tone_score" in cv:
        score = cv["tone_score"]
        lines += ["### tone score", "",
                  f"Pearson r with the raters' mean rating on held-out documents ({score['rated_sentences']} rated "
                  f"sentences): ridge regression {score['pearson_r']:.3f} (mean absolute error "
                  f"{score['mean_absolute_error']:.3f}), classifier P(positive) − P(negative) "
                  f"{score['classifier_score_pearson_r']:.3f}. The model's tone score is the "
                  f"{'regression' if score['used'] else 'classifier'}'s.", ""]
        heads = [*heads, "tone_score"]
    lines += ["## Hyper-parameters", "", "```", *(f"{k}: {card['hyperparameters'][k]}" for k in heads),
              "```", "", "## Versions", "", *(f"- {k}: {v}" for k, v in card["versions"].items()), "",
              "## Files", "", *(f"- `{k}` sha256 `{v}`" for k, v in card["files"].items()), ""]
    return "\n".join(lines)
