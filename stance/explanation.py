"""Exact explanations for a linear model: each feature's value times its weight, per class."""

from __future__ import annotations

from stance.inference import SENTENCE_STANCES, STANCES, StanceModel


def _contributions(pipeline, text: str, labels, top: int) -> dict:
    """Per class, the features of ``text`` that pushed hardest toward it, and the intercept."""
    import numpy as np

    features = pipeline.named_steps["features"]
    classifier = pipeline.named_steps["classifier"]
    names = features.get_feature_names_out()
    classes = list(classifier.classes_)
    row = features.transform([text]).tocsr()
    out: dict = {}
    for label in labels:
        weights = classifier.coef_[classes.index(label)]
        values = row.data * weights[row.indices]
        order = np.argsort(-values)[:top]
        out[label] = [
            {"feature": str(names[row.indices[i]]), "value": round(float(row.data[i]), 4),
             "weight": round(float(weights[row.indices[i]]), 4),
             "contribution": round(float(values[i]), 4)}
            for i in order if values[i] > 0
        ]
        out[label + "_intercept"] = round(float(classifier.intercept_[classes.index(label)]), 4)
    return out


def _score_contributions(pipeline, regressor, text: str, top: int) -> dict:
    """The features of ``text`` that raised and lowered a linear regression's prediction most."""
    import numpy as np

    features = pipeline.named_steps["features"]
    names = features.get_feature_names_out()
    row = features.transform([text]).tocsr()
    weights = np.ravel(regressor.coef_)
    values = row.data * weights[row.indices]

    def listed(order):
        return [{"feature": str(names[row.indices[i]]), "value": round(float(row.data[i]), 4),
                 "weight": round(float(weights[row.indices[i]]), 4), "contribution": round(float(values[i]), 4)}
                for i in order]

    return {"up": listed([i for i in np.argsort(-values)[:top] if values[i] > 0]),
            "down": listed([i for i in np.argsort(values)[:top] if values[i] < 0]),
            "intercept": round(float(regressor.intercept_), 4)}


def explain(model: StanceModel, text: str, *, top: int = 8, date: str | None = None) -> dict:
    """Why the model said what it said about ``text``, from one prediction.

    ``pairs``: for each pair, the masked input, the probabilities and, per class, the features that
    pushed hardest toward it (contribution = TF-IDF value × coefficient). ``sentences``: the same for
    each sentence's own stance (empty for a model without a sentence head). ``tone``: for a model
    whose tone score is a regression of raters' ratings, the features that raised and lowered each
    sentence's score (score = intercept + the sum of all contributions, clipped to [-1, 1]).
    """
    from stance.features import mask_text

    pairs, sentences, tone = [], [], []
    for result in model.predict(text, date=date):
        for pair in result.pairs:
            pairs.append({"sentence": result.text, "states": list(pair.states), "masked": pair.masked,
                          "stance": pair.stance, "probabilities": pair.probabilities, "score": pair.score,
                          "temperature": model.temperatures["stance"],
                          "contributions": _contributions(model.stance_pipeline, pair.masked, STANCES, top)})
        masked = mask_text(result.text, result.mentions)
        if model.tone_regressor is not None:
            tone.append({"sentence": result.text, "masked": masked, "tone": result.sentiment,
                         "score": result.sentiment_score,
                         "contributions": _score_contributions(model.tone_pipeline, model.tone_regressor, masked, top)})
        if model.sentence_pipeline is not None:
            sentences.append({"sentence": result.text, "masked": masked, "stance": result.sentence_stance,
                              "probabilities": result.sentence_stance_probabilities,
                              "score": result.sentence_stance_score, "temperature": model.temperatures["sentence"],
                              "contributions": _contributions(model.sentence_pipeline, masked, SENTENCE_STANCES,
                                                              top)})
    return {"pairs": pairs, "sentences": sentences, "tone": tone}


def _format_one(title: str, e: dict) -> list[str]:
    lines = [f"{title}: {e['stance']} (score {e['score']:+.2f}; "
             + ", ".join(f"{k} {v:.2f}" for k, v in e["probabilities"].items()) + ")",
             f"  model input: {e['masked']}"]
    for label in STANCES:
        lines.append(f"  toward {label} (intercept {e['contributions'][label + '_intercept']:+.3f}):")
        for c in e["contributions"][label]:
            lines.append(f"    {c['contribution']:+.3f} = {c['value']:.3f} × {c['weight']:+.3f}  {c['feature']}")
    return lines + [""]


def format_explanation(explanation: dict) -> str:
    """Pairs first, then each sentence's own stance."""
    lines = []
    for e in explanation["pairs"]:
        lines += _format_one("{}-{}".format(*e["states"]), e)
    if not explanation["pairs"]:
        lines += ["no pair of states found in the text", ""]
    for e in explanation["sentences"]:
        lines += _format_one("sentence stance", e)
    for e in explanation.get("tone", []):
        c = e["contributions"]
        lines += [f"tone: {e['tone']} (score {e['score']:+.2f} = intercept {c['intercept']:+.3f} + contributions)",
                  f"  model input: {e['masked']}"]
        for direction, entries in (("raised", c["up"]), ("lowered", c["down"])):
            lines.append(f"  {direction} by:")
            lines += [f"    {x['contribution']:+.3f} = {x['value']:.3f} × {x['weight']:+.3f}  {x['feature']}" for x in entries]
        lines.append("")
    return "\n".join(lines).rstrip()
