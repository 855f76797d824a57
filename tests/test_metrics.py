"""Metrics are computed by hand here, so a wrong formula fails."""

import pytest

from stance.metrics import calibration_metrics, classification_metrics, pearson

LABELS = ["cooperative", "confrontational"]


def test_per_class_and_macro():
    m = classification_metrics(["cooperative", "cooperative", "confrontational", "confrontational"],
                               ["cooperative", "confrontational", "confrontational", "confrontational"], LABELS)
    assert m["per_class"]["cooperative"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert m["per_class"]["confrontational"]["precision"] == pytest.approx(2 / 3)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    assert m["confusion"] == [[1, 1], [0, 2]]


def test_a_missed_pair_is_an_error_not_dropped():
    m = classification_metrics(["cooperative", "confrontational"], ["cooperative", "missed"], LABELS)
    assert m["n"] == 2 and m["accuracy"] == 0.5
    assert m["per_class"]["confrontational"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert m["unlabelled_predictions"] == 1


def test_calibration():
    perfect = calibration_metrics(["cooperative", "confrontational"], [[1.0, 0.0], [0.0, 1.0]], LABELS)
    assert perfect == {"ece": 0.0, "brier": 0.0}
    unsure = calibration_metrics(["cooperative", "confrontational"], [[0.5, 0.5], [0.5, 0.5]], LABELS)
    assert unsure["brier"] == pytest.approx(0.5)
    assert unsure["ece"] == pytest.approx(0.0)  # confidence 0.5, accuracy 0.5 (ties go to the first class)


def test_pearson():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0
