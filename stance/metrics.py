"""Classification and calibration metrics as plain dicts (JSON-ready)."""

from __future__ import annotations

from collections.abc import Sequence

# Equal-width confidence bins for the expected calibration error.
ECE_BINS = 10


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict:
    """Per-class precision/recall/F1/support, macro-F1, accuracy and the confusion matrix."""
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    # A prediction outside the labels ("missed": the pair was not found) is an error for its
    # gold class: it counts in recall and support, and in no class's precision.
    unlabelled = [0] * len(labels)
    for t, p in zip(y_true, y_pred, strict=True):
        if t in index and p in index:
            confusion[index[t]][index[p]] += 1
        elif t in index:
            unlabelled[index[t]] += 1
    per_class = {}
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        predicted = sum(row[i] for row in confusion)
        actual = sum(confusion[i]) + unlabelled[i]
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
    present = [label for label in labels if per_class[label]["support"]]
    total = sum(map(sum, confusion)) + sum(unlabelled)
    return {
        "labels": labels,
        "per_class": per_class,
        "macro_f1": sum(per_class[label]["f1"] for label in present) / len(present) if present else 0.0,
        "accuracy": sum(confusion[i][i] for i in range(len(labels))) / total if total else 0.0,
        "n": total,
        "confusion": confusion,
        "unlabelled_predictions": sum(unlabelled),
    }


def calibration_metrics(y_true: Sequence[str], probabilities, labels: Sequence[str]) -> dict:
    """Expected calibration error (top-label, 10 bins) and multi-class Brier score."""
    import numpy as np

    probabilities = np.asarray(probabilities, dtype=float)
    labels = list(labels)
    truth = np.array([labels.index(t) for t in y_true])
    onehot = np.eye(len(labels))[truth]
    brier = float(np.mean(np.sum((probabilities - onehot) ** 2, axis=1)))
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    edges = np.linspace(0, 1, ECE_BINS + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return {"ece": float(ece), "brier": brier}


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    import numpy as np

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


def format_metrics(metrics: dict, title: str = "") -> str:
    """A text table: per-class P/R/F1, macro-F1, accuracy and the confusion matrix."""
    labels = metrics["labels"]
    width = max(12, *(len(label) for label in labels))
    lines = [title] if title else []
    lines.append(f"{'':{width}}  precision  recall     f1  support")
    for label in labels:
        c = metrics["per_class"][label]
        lines.append(f"{label:{width}}  {c['precision']:9.3f}  {c['recall']:6.3f}  {c['f1']:5.3f}  {c['support']:7d}")
    lines.append(f"{'macro-F1':{width}}  {metrics['macro_f1']:.3f}   accuracy {metrics['accuracy']:.3f}   n={metrics['n']}")
    lines.append("confusion (rows: gold, columns: predicted)")
    lines.append(f"{'':{width}}  " + "  ".join(f"{label[:8]:>8}" for label in labels))
    for label, row in zip(labels, metrics["confusion"], strict=True):
        lines.append(f"{label:{width}}  " + "  ".join(f"{n:8d}" for n in row))
    return "\n".join(lines)
