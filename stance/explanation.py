"""Exact explanations for a linear model: each feature's value times its weight, per class."""

from __future__ import annotations

from stance.inference import STANCES, StanceModel


def explain_pairs(model: StanceModel, text: str, *, top: int = 8, date: str | None = None) -> list[dict]:
    """For each pair in ``text``: the masked input, the probabilities and, per class, the features
    that pushed hardest toward it (contribution = TF-IDF value × coefficient)."""
    import numpy as np

    results = model.predict(text, date=date)
    features = model.stance_pipeline.named_steps["features"]
    classifier = model.stance_pipeline.named_steps["classifier"]
    names = features.get_feature_names_out()
    classes = list(classifier.classes_)
    out = []
    for result in results:
        for pair in result.pairs:
            row = features.transform([pair.masked]).tocsr()
            contributions = {}
            for label in STANCES:
                weights = classifier.coef_[classes.index(label)]
                values = row.data * weights[row.indices]
                order = np.argsort(-values)[:top]
                contributions[label] = [
                    {"feature": str(names[row.indices[i]]), "value": round(float(row.data[i]), 4),
                     "weight": round(float(weights[row.indices[i]]), 4),
                     "contribution": round(float(values[i]), 4)}
                    for i in order if values[i] > 0
                ]
                contributions[label + "_intercept"] = round(float(classifier.intercept_[classes.index(label)]), 4)
            out.append({"sentence": result.text, "states": list(pair.states), "masked": pair.masked,
                        "stance": pair.stance, "probabilities": pair.probabilities, "score": pair.score,
                        "temperature": model.temperatures["stance"], "contributions": contributions})
    return out


def format_explanation(explanations: list[dict]) -> str:
    if not explanations:
        return "no pair of states found in the text"
    lines = []
    for e in explanations:
        a, b = e["states"]
        lines += [f"{a}-{b}: {e['stance']} (score {e['score']:+.2f}; "
                  + ", ".join(f"{k} {v:.2f}" for k, v in e["probabilities"].items()) + ")",
                  f"  model input: {e['masked']}"]
        for label in STANCES:
            lines.append(f"  toward {label} (intercept {e['contributions'][label + '_intercept']:+.3f}):")
            for c in e["contributions"][label]:
                lines.append(f"    {c['contribution']:+.3f} = {c['value']:.3f} × {c['weight']:+.3f}  {c['feature']}")
        lines.append("")
    return "\n".join(lines).rstrip()
