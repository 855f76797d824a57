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
