"""evaluate(): a labelled file in, a report (metrics for the model and baselines) out.

Four file kinds are recognised from their fields:

- ``annotations``: our own format (``pairs`` and ``sentiment``): stance per gold pair, tone, and the
  sentence stance where records carry one;
- ``pairs``: ``text``, ``source``, ``target``, ``label`` — a gold pair per sentence, scored both with
  the pair given (``score_pairs``) and end to end (the recogniser must find both states; a miss is an
  error);
- ``sentences``: ``text`` and a stance ``label`` per sentence (no pair given), scored by the model's
  sentence head;
- ``tone``: ``text`` and a tone ``label`` (optional ``rating``, correlated with the tone score).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from stance.errors import InputError
from stance.inference import STANCES, TONES, StanceModel
from stance.metrics import classification_metrics, pearson

BINARY = ("cooperative", "confrontational")
# VADER's own thresholds for positive / negative text (Hutto & Gilbert, 2014).
VADER_THRESHOLD = 0.05
_KEYWORDS_FILE = Path(__file__).parent / "resources" / "keywords.json"


def read_labelled(path: str | os.PathLike) -> tuple[str, list[dict]]:
    """Read a JSON Lines evaluation file and tell which kind it is."""
    from stance.annotations import read_text_lines

    path = Path(path)
    rows = []
    for number, line in read_text_lines(path):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=number) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError("each line must be an object with a 'text' string", path=str(path), line=number)
        obj["_line"] = number
        rows.append(obj)
    first = rows[0]
    if "pairs" in first and "sentiment" in first:
        kind = "annotations"
    elif {"source", "target", "label"} <= set(first):
        kind = "pairs"
    elif "label" in first:
        values = {r.get("label") for r in rows}
        kind = "tone" if "rating" in first or values & {"positive", "negative"} else "sentences"
    else:
        raise InputError("unknown file kind: expected annotation records or rows with 'label'",
                         path=str(path), line=first["_line"])
    labels = STANCES if kind in ("pairs", "sentences") else TONES
    if kind != "annotations":
        for row in rows:
            if row.get("label") not in labels:
                raise InputError(f"unknown label {row.get('label')!r} for a {kind} file "
                                 f"(expected one of {', '.join(labels)})", path=str(path), line=row["_line"])
    return kind, rows


# ---------------------------------------------------------------- baselines


def vader_compound(texts: Sequence[str]) -> list[float]:
    from stance.features import _vader

    analyser = _vader()
    return [analyser.polarity_scores(t)["compound"] for t in texts]


def _polarity_label(value: float, labels=("cooperative", "neutral", "confrontational")) -> str:
    positive, neutral, negative = labels
    return positive if value >= VADER_THRESHOLD else negative if value <= -VADER_THRESHOLD else neutral


def keyword_scores(texts: Sequence[str]) -> list[int]:
    """Cooperative minus confrontational keyword hits: a dictionary coder in miniature."""
    table = json.loads(_KEYWORDS_FILE.read_text(encoding="utf-8"))
    word = re.compile(r"[a-z][a-z'-]*")
    coop, conf = set(table["cooperative"]), set(table["confrontational"])
    scores = []
    for text in texts:
        words = word.findall(text.lower())
        stems = {w[:6] for w in words}
        scores.append(len(stems & coop) - len(stems & conf))
    return scores


def _baselines(texts, gold, labels, *, binary=False) -> dict:
    """Majority class, VADER compound as a stance/tone proxy, and the keyword lexicon."""
    majority = Counter(gold).most_common(1)[0][0]
    compound = vader_compound(texts)
    keywords = keyword_scores(texts)
    if labels == TONES:
        polar = ("positive", "neutral", "negative")
    else:
        polar = ("cooperative", "neutral", "confrontational")
    if binary:  # no neutral to predict: the sign decides, ties go to the first class
        vader_pred = [polar[0] if c >= 0 else polar[2] for c in compound]
        keyword_pred = [polar[0] if k >= 0 else polar[2] for k in keywords]
    else:
        vader_pred = [_polarity_label(c, polar) for c in compound]
        keyword_pred = [polar[0] if k > 0 else polar[2] if k < 0 else polar[1] for k in keywords]
    return {
        "majority": classification_metrics(gold, [majority] * len(gold), labels),
        "vader": classification_metrics(gold, vader_pred, labels),
        "keywords": classification_metrics(gold, keyword_pred, labels),
    }, compound


# ---------------------------------------------------------------- model views


def _whole_sentences(texts: Sequence[str]) -> list[tuple]:
    """Each labelled text as one sentence, with its state mentions, ready for score_sentences."""
    from stance.corpus import Sentence
    from stance.states import find_states

    return [(0, i, Sentence(t, 0, len(t)), find_states(t)) for i, t in enumerate(texts)]


def sentence_stance(model: StanceModel, texts: Sequence[str]) -> list[str]:
    """One stance per sentence: the model's sentence head when it has one (trained on the
    annotations' ``sentence_stance``). A model without it falls back to the most polar pair's
    stance, or with fewer than two states the pair model on the sentence itself."""
    from stance.features import mask_text

    if model.sentence_pipeline is not None:
        probabilities = model.sentence_stance_probabilities(_masked_sentences(texts))
        return [STANCES[int(p.argmax())] for p in probabilities]
    prepared = _whole_sentences(texts)
    results = model.score_sentences(prepared)
    fallback_rows = [i for i, r in enumerate(results) if not r.pairs]
    fallback_inputs = []
    for i in fallback_rows:
        mentions = prepared[i][3]
        code = mentions[0].code if mentions else None
        fallback_inputs.append(mask_text(texts[i], mentions, (code, "") if code else None))
    fallback = model.stance_probabilities(fallback_inputs)
    labels: list[str] = []
    fallback_row = dict(zip(fallback_rows, range(len(fallback_rows)), strict=True))
    for i, result in enumerate(results):
        if result.pairs:
            strongest = max(result.pairs, key=lambda p: abs(p.score))
            labels.append(strongest.stance)
        else:
            labels.append(STANCES[int(fallback[fallback_row[i]].argmax())])
    return labels


def evaluate(path: str | os.PathLike, model: StanceModel, *, baselines: bool = True) -> dict:
    """Evaluate ``model`` on a labelled file; return a JSON-ready report."""
    kind, rows = read_labelled(path)
    texts = [r["text"] for r in rows]
    report: dict = {"file": str(path), "kind": kind, "rows": len(rows)}
    if kind == "pairs":
        gold = [r["label"] for r in rows]
        labels = BINARY if set(gold) <= set(BINARY) else STANCES
        known = _known_pairs(rows, path)
        scored = iter(model.score_pairs([(r["text"], r["source"], r["target"]) for r, ok in zip(rows, known, strict=True) if ok]))
        # A pair naming a state stance does not know (e.g. the Soviet Union) counts as an error.
        given = [(_binary(p.probabilities) if labels == BINARY else p.stance) if ok else "unknown-code"
                 for ok, p in ((ok, next(scored) if ok else None) for ok in known)]
        report["model"] = classification_metrics(gold, given, labels)
        report["model"]["unknown_codes"] = known.count(False)
        end_to_end = _end_to_end(model, rows, labels)
        report["end_to_end"] = classification_metrics(gold, end_to_end, labels)
        report["end_to_end"]["missed"] = sum(p == "missed" for p in end_to_end)
        report["model"]["recogniser_found_both"] = 1 - report["end_to_end"]["missed"] / len(rows)
        if baselines:
            report["baselines"], _ = _baselines(texts, gold, labels, binary=labels == BINARY)
    elif kind == "sentences":
        gold = [r["label"] for r in rows]
        report["model"] = classification_metrics(gold, sentence_stance(model, texts), STANCES)
        report["model"]["method"] = "sentence head" if model.sentence_pipeline is not None else "strongest pair"
        if baselines:
            report["baselines"], _ = _baselines(texts, gold, STANCES)
    elif kind == "tone":
        gold = [r["label"] for r in rows]
        results = _tone(model, texts)
        report["model"] = classification_metrics(gold, [r[0] for r in results], TONES)
        ratings = [r.get("rating") for r in rows]
        if all(isinstance(x, (int, float)) for x in ratings):
            report["model"]["pearson_r"] = pearson([r[1] for r in results], ratings)
        if baselines:
            report["baselines"], compound = _baselines(texts, gold, TONES)
            if "pearson_r" in report["model"]:
                report["baselines"]["vader"]["pearson_r"] = pearson(compound, ratings)
    else:  # our annotation format
        from stance.annotations import load_annotations

        records = load_annotations([path])
        gold, items = [], []
        for record in records:
            for pair in record.pairs:
                gold.append(pair.stance)
                items.append((record.text, *pair.states))
        scored = model.score_pairs(items, date=None)
        report["model"] = classification_metrics(gold, [p.stance for p in scored], STANCES)
        tone_gold = [r.sentiment for r in records]
        report["tone"] = classification_metrics(tone_gold, [t[0] for t in _tone(model, [r.text for r in records])],
                                                TONES)
        labelled = [r for r in records if r.sentence_stance]
        if labelled:
            report["sentence"] = classification_metrics([r.sentence_stance for r in labelled],
                                                        sentence_stance(model, [r.text for r in labelled]), STANCES)
        if baselines:
            report["baselines"], _ = _baselines([t for t, _, _ in items], gold, STANCES)
    return report


def _binary(probabilities: dict) -> str:
    return "cooperative" if probabilities["cooperative"] >= probabilities["confrontational"] else "confrontational"


def _known_pairs(rows, path) -> list[bool]:
    """Resolve code aliases in place; True where both codes are states stance knows."""
    from stance.states import KNOWN_CODES, canonical_code

    known = []
    for row in rows:
        for key in ("source", "target"):
            if not isinstance(row.get(key), str):
                raise InputError(f"field {key!r} must be an ISO alpha-3 code", path=str(path), line=row["_line"])
            row[key] = canonical_code(row[key])
        known.append(row["source"] in KNOWN_CODES and row["target"] in KNOWN_CODES and row["source"] != row["target"])
    return known


def _end_to_end(model: StanceModel, rows, labels) -> list[str]:
    """The pair's stance as ``stance classify`` would give it, or "missed" when not found."""
    prepared = _whole_sentences([r["text"] for r in rows])
    predictions = []
    for row, result in zip(rows, model.score_sentences(prepared), strict=True):
        wanted = {row["source"], row["target"]}
        match = next((p for p in result.pairs if set(p.states) == wanted), None)
        if match is None:
            predictions.append("missed")
        else:
            predictions.append(_binary(match.probabilities) if labels == BINARY else match.stance)
    return predictions


def _masked_sentences(texts: Sequence[str]) -> list[str]:
    """Each text with every state mention masked alike: the input of the tone and sentence heads."""
    from stance.features import mask_text
    from stance.states import find_states

    return [mask_text(t, find_states(t)) for t in texts]


def _tone(model: StanceModel, texts: Sequence[str]) -> list[tuple[str, float]]:
    probabilities, scores = model.tone(_masked_sentences(texts))
    return [(TONES[int(p.argmax())], float(score)) for p, score in zip(probabilities, scores, strict=True)]


def format_report(report: dict) -> str:
    """The report as text tables, model first, then baselines."""
    from stance.metrics import format_metrics

    parts = [f"{report['file']} ({report['kind']}, {report['rows']} rows)", ""]
    title = {"pairs": "model, gold pair given", "sentences": "model, sentence level",
             "tone": "model, tone", "annotations": "model, stance per gold pair"}[report["kind"]]
    parts.append(format_metrics(report["model"], title))
    if "pearson_r" in report["model"]:
        parts.append(f"Pearson r with ratings: {report['model']['pearson_r']:.3f}")
    if "recogniser_found_both" in report["model"]:
        parts.append(f"recogniser found both states in {report['model']['recogniser_found_both']:.1%} of rows")
    if "end_to_end" in report:
        parts += ["", format_metrics(report["end_to_end"], "model, end to end (states found by the recogniser; "
                                     f"{report['end_to_end']['missed']} missed pairs count as errors)")]
    if "tone" in report:
        parts += ["", format_metrics(report["tone"], "model, tone")]
    if "sentence" in report:
        parts += ["", format_metrics(report["sentence"], "model, sentence stance")]
    if "baselines" in report:
        parts += ["", "baselines (macro-F1):"]
        for name, metrics in report["baselines"].items():
            extra = f", Pearson r {metrics['pearson_r']:.3f}" if "pearson_r" in metrics else ""
            parts.append(f"  {name:9} {metrics['macro_f1']:.3f}  (accuracy {metrics['accuracy']:.3f}{extra})")
    return "\n".join(parts)
