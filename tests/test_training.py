"""Training on tiny inline corpora: which heads are trained, and what a model without one does."""


from stance.annotations import Annotation, PairLabel
from stance.training import MIN_SENTENCE_LABELS, prepare, train

COOPERATIVE = ["{a} and {b} signed a trade agreement.", "{a} sent aid to {b} after the floods.",
               "{a} praised {b} for its help.", "{a} and {b} held friendly talks."]
CONFRONTATIONAL = ["{a} accused {b} of spying.", "{a} imposed sanctions on {b}.",
                   "{a} shelled towns in {b}.", "{a} expelled diplomats from {b}."]
NEUTRAL = ["{a} and {b} both reported rain.", "{a} is larger than {b}.",
           "{a} urged {b} to consider the offer.", "{a} and {b} were listed in the report."]
STATES = [("France", "Germany", "DEU", "FRA"), ("Kenya", "Uganda", "KEN", "UGA"),
          ("Peru", "Chile", "CHL", "PER"), ("Japan", "India", "IND", "JPN")]


def corpus(with_sentence_stance: bool) -> list[Annotation]:
    records = []
    for label, tone, templates in (("cooperative", "positive", COOPERATIVE),
                                   ("confrontational", "negative", CONFRONTATIONAL),
                                   ("neutral", "neutral", NEUTRAL)):
        for t, template in enumerate(templates):
            for s, (a, b, x, y) in enumerate(STATES):
                records.append(Annotation(
                    id=f"{label}-{t}-{s}", doc=f"doc-{s}", text=template.format(a=a, b=b),
                    pairs=(PairLabel((x, y), label),), sentiment=tone, annotator="test",
                    sentence_stance=label if with_sentence_stance else None))
    return records


def test_sentence_labels_are_prepared_from_the_records_that_have_them():
    records = corpus(True)
    data = prepare(records[:5] + [r.__class__(**{**_fields(r), "sentence_stance": None}) for r in records[5:]])
    assert len(data.sentence_labels) == 5 == len(data.sentence_texts) == len(data.sentence_groups)
    assert "statea" not in " ".join(data.sentence_texts)  # every state masked alike


def _fields(record):
    return {name: getattr(record, name) for name in record.__slots__}


def test_a_corpus_with_sentence_labels_trains_a_sentence_head():
    records = corpus(True)
    assert len(records) >= MIN_SENTENCE_LABELS
    result = train(records, search=False)
    assert result.model.sentence_pipeline is not None
    assert "sentence" in result.card["cross_validation"]
    assert set(result.card["annotations"]["sentence_stance_counts"]) == {"cooperative", "confrontational", "neutral"}
    (sentence,) = result.model.predict("Chile imposed sanctions on Peru.")
    assert sentence.sentence_stance in ("cooperative", "confrontational", "neutral")


def test_without_sentence_labels_there_is_no_sentence_head():
    messages = []
    result = train(corpus(False), search=False, progress=messages.append)
    assert result.model.sentence_pipeline is None
    assert "sentence" not in result.card["cross_validation"]
    assert any("no sentence-stance head" in m for m in messages)
    (sentence,) = result.model.predict("Chile imposed sanctions on Peru.")
    assert sentence.sentence_stance is None and sentence.to_dict()["sentence_stance_probabilities"] is None


def rated(records, ratings_of):
    """The records with tone ratings: ``ratings_of(record)`` -> {rater: rating}."""
    return [r.__class__(**{**_fields(r), "tone_ratings": ratings_of(r)}) for r in records]


def test_tone_ratings_train_a_tone_score_regression_when_it_beats_the_classifier(tmp_path):
    from stance.inference import load_model
    from stance.training import save

    # Graded ratings the three-class labels cannot express: strong words rate ±2, mild ones ±1.
    strength = {"shelled": -2, "accused": -1, "sanctions": -1, "expelled": -2,
                "aid": 2, "praised": 2, "signed": 1, "friendly": 1}

    def ratings_of(record):
        word = next((w for w in strength if w in record.text), None)
        return {"r1": strength.get(word, 0), "r2": strength.get(word, 0)}

    result = train(rated(corpus(True), ratings_of), search=False)
    report = result.card["cross_validation"]["tone_score"]
    assert report["rated_sentences"] == 48
    assert -1 <= report["pearson_r"] <= 1 and report["mean_absolute_error"] >= 0
    differences = report["difference_per_fold"]
    assert len(differences) == 4  # one per document: the corpus has four
    assert report["used"] == (sum(differences) / len(differences) > report["difference_standard_error"] - 1e-4)
    assert (result.model.tone_regressor is not None) == report["used"]
    save(result, tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    text = ["Chile shelled towns in Peru.", "Chile praised Peru for its help."]
    assert [r.sentiment_score for r in loaded.predict(text)] == [r.sentiment_score for r in result.model.predict(text)]
    assert loaded.predict(text)[0].sentiment_score < loaded.predict(text)[1].sentiment_score


def test_a_model_with_a_tone_score_regression_scores_tone_with_it(tmp_path):
    import numpy as np
    from sklearn.linear_model import Ridge

    from stance.inference import load_model
    from stance.training import save

    result = train(corpus(True), search=False)
    assert "tone_score" not in result.card["cross_validation"]  # nobody rated: no regression
    features = result.model.tone_pipeline.named_steps["features"]
    texts = prepare(corpus(True)).tone_texts
    result.model.tone_regressor = Ridge().fit(features.transform(texts), np.linspace(-1, 1, len(texts)))
    save(result, tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    sentence = "Chile imposed sanctions on Peru."
    (scored,) = loaded.predict(sentence)
    row = features.transform(["stateother imposed sanctions on stateother."])
    assert scored.sentiment_score == round(float(np.clip(result.model.tone_regressor.predict(row)[0], -1, 1)), 4)
    assert loaded.tone_probabilities(["a calm day"]).shape == (1, 3)

    from stance.explanation import explain, format_explanation

    (tone,) = explain(loaded, sentence)["tone"]
    c = tone["contributions"]
    every = features.transform([tone["masked"]]).multiply(loaded.tone_regressor.coef_).sum()
    # Exact: the intercept plus every feature's contribution is the score (the listed top ones are a part).
    assert round(float(np.clip(c["intercept"] + every, -1, 1)), 3) == round(tone["score"], 3)
    assert all(x["contribution"] > 0 for x in c["up"]) and all(x["contribution"] < 0 for x in c["down"])
    assert "tone: " in format_explanation(explain(loaded, sentence))


def test_consensus_labels_feed_the_tone_head():
    records = rated(corpus(True)[:3], lambda r: {"a": 0, "b": 0})
    assert [r.sentiment for r in records] == ["positive"] * 3
    assert prepare(records).tone_labels == ["neutral"] * 3
    assert prepare(records).tone_ratings == [0.0] * 3


def test_stance_train_writes_a_model_and_prints_the_metrics(tmp_path):
    import json

    from typer.testing import CliRunner

    from stance.cli import app

    strength = {"shelled": -2, "accused": -1, "aid": 2, "praised": 2}
    records = rated(corpus(True), lambda r: {"r1": next((v for w, v in strength.items() if w in r.text), 0)})
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"id": r.id, "doc": r.doc, "text": r.text, "sentiment": r.sentiment,
                                        "pairs": [{"states": list(p.states), "stance": p.stance} for p in r.pairs],
                                        "sentence_stance": r.sentence_stance, "tone_ratings": r.tone_ratings,
                                        "annotator": r.annotator}) + "\n" for r in records))
    result = CliRunner().invoke(app, ["train", str(path), "--output", str(tmp_path / "model"), "--no-search"])
    assert result.exit_code == 0, result.stderr
    assert "cooperative vs confrontational macro-F1" in result.stdout
    assert "tone score vs raters' mean rating (48 rated sentences)" in result.stdout
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["annotations"]["sentences"] == 48 and "tone_score" in card["cross_validation"]
    assert "### tone score" in (tmp_path / "model" / "card.md").read_text()

    # A bad line names file and line, exits 1 and leaves the model that was there untouched.
    before = (tmp_path / "model" / "model.npz").read_bytes()
    path.write_text(path.read_text() + '{"id": "bad", "tone_ratings": {"r1": 7}}\n')
    result = CliRunner().invoke(app, ["train", str(path), "--output", str(tmp_path / "model"), "--no-search"])
    assert result.exit_code == 1
    assert f"{path}:49:" in result.stderr
    assert (tmp_path / "model" / "model.npz").read_bytes() == before
