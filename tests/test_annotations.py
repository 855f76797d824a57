"""The annotation format and `stance validate` on tiny inline files."""

import json

import pytest

from stance.annotations import load_annotations, near_duplicates, validate_annotations
from stance.errors import AnnotationError


def record(**overrides):
    base = {"id": "t1", "doc": "written/test", "text": "France and Germany signed a defence pact on Monday.",
            "pairs": [{"states": ["DEU", "FRA"], "stance": "cooperative"}], "sentiment": "positive",
            "annotator": "test"}
    base.update(overrides)
    return base


def write(tmp_path, *lines, name="a.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
                    encoding="utf-8")
    return path


def messages(report):
    return [(p.line, p.severity, p.message) for p in report.problems]


def test_a_valid_file_loads(tmp_path):
    path = write(tmp_path, record(), record(id="t2", text="Kenya and Uganda traded accusations over the border.",
                                            pairs=[{"states": ["KEN", "UGA"], "stance": "confrontational",
                                                    "source": "KEN"}], sentiment="negative"))
    records = load_annotations([path])
    assert [r.id for r in records] == ["t1", "t2"]
    assert records[1].pairs[0].source == "KEN"
    assert records[0].line == 1 and records[1].line == 2


@pytest.mark.parametrize("line, expected", [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "must be a JSON object"),
    (record(stances=[]), "unknown field(s): stances"),
    ({k: v for k, v in record().items() if k != "sentiment"}, "missing field 'sentiment'"),
    (record(sentiment="happy"), "unknown sentiment 'happy'"),
    (record(pairs=[{"states": ["DEU", "XXX"], "stance": "cooperative"}]), "unknown state code(s): XXX"),
    (record(pairs=[{"states": ["DEU", "FRA"], "stance": "friendly"}]), "unknown stance 'friendly'"),
    (record(pairs=[{"states": ["DEU", "DEU"], "stance": "neutral"}]), "two different states"),
    (record(pairs=[{"states": ["DEU", "FRA"], "stance": "neutral", "source": "ITA"}]), "source 'ITA' is not one"),
    (record(date="12/03/2024"), "is not YYYY-MM-DD"),
    (record(text=5), "field 'text' must be a str"),
])
def test_each_error_names_file_and_line(tmp_path, line, expected):
    path = write(tmp_path, record(id="ok", text="Chile and Peru agreed to reopen their border crossing."), line)
    report = validate_annotations([path])
    errors = [p for p in report.errors]
    assert errors, messages(report)
    assert errors[0].line == 2 and errors[0].path == str(path)
    assert expected in errors[0].message
    assert str(errors[0]).startswith(f"{path}:2: error:")
    with pytest.raises(AnnotationError, match=rf"{path.name}:2: "):
        load_annotations([path])


def test_duplicate_ids_and_conflicting_labels(tmp_path):
    a = write(tmp_path, record(), name="a.jsonl")
    b = write(tmp_path, record(), record(id="t9", sentiment="negative"), name="b.jsonl")
    report = validate_annotations([a, b])
    found = [p.message for p in report.errors]
    assert any("duplicate id 't1'" in m and "a.jsonl:1" in m for m in found)
    assert any("labelled differently" in m for m in found)


def test_warnings_do_not_fail(tmp_path):
    path = write(tmp_path,
                 record(),
                 record(id="t2", text="France and Germany signed a defence pact on Monday night.",
                        pairs=[{"states": ["DEU", "FRA"], "stance": "cooperative"}]),
                 record(id="t3", text="The two neighbours signed a pact.",
                        pairs=[{"states": ["DEU", "FRA"], "stance": "cooperative"}]))
    report = validate_annotations([path])
    assert not report.errors
    warnings = [p.message for p in report.warnings]
    assert any("near-duplicate" in m for m in warnings)
    assert any("does not find DEU, FRA" in m for m in warnings)


@pytest.mark.parametrize("content, expected", [(b"", "empty file"), (b"\x00\x01\x02", "binary"),
                                               (b"\xff\xfe{", "not valid UTF-8")])
def test_bad_files(tmp_path, content, expected):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    report = validate_annotations([path])
    assert expected in report.errors[0].message


def test_missing_path(tmp_path):
    with pytest.raises(AnnotationError, match="no such file"):
        load_annotations([tmp_path / "nope.jsonl"])


def test_near_duplicates_threshold():
    from stance.annotations import Annotation

    a = Annotation("1", "d", "the quick brown fox jumps over the lazy dog", (), "neutral", "x")
    b = Annotation("2", "d", "the quick brown fox jumps over the lazy cat", (), "neutral", "x")
    c = Annotation("3", "d", "an entirely different sentence about trade", (), "neutral", "x")
    pairs = near_duplicates([a, b, c])
    assert [(x.id, y.id) for x, y, _ in pairs] == [("1", "2")]


def test_sentence_stance_is_optional_and_checked(tmp_path):
    from stance.annotations import validate_annotations

    good = {"id": "x1", "doc": "d", "text": "Kenya and Uganda signed a deal.", "annotator": "a",
            "pairs": [{"states": ["KEN", "UGA"], "stance": "cooperative"}], "sentiment": "neutral",
            "sentence_stance": "cooperative"}
    bad = {**good, "id": "x2", "text": "Police arrested ten people.", "pairs": [], "sentence_stance": "hostile"}
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    report = validate_annotations([path])
    assert report.annotations[0].sentence_stance == "cooperative"
    assert [str(p) for p in report.errors] == [
        f"{path}:2: error: unknown sentence_stance 'hostile' (expected one of cooperative, confrontational, neutral)"]


@pytest.mark.parametrize("ratings, expected", [
    ({"r1": 3}, "'r1' gives 3; a rating is an integer from -2 to 2"),
    ({"r1": 1.5}, "'r1' gives 1.5"),
    ({"r1": True}, "'r1' gives True"),
    ({"": 1}, "a rater's name is empty"),
    ([1, 2], "field 'tone_ratings' must be a dict"),
])
def test_tone_ratings_are_checked(tmp_path, ratings, expected):
    path = write(tmp_path, record(tone_ratings={"r1": -1, "r2": 0}), record(id="t2", tone_ratings=ratings))
    report = validate_annotations([path])
    assert report.annotations[0].tone_ratings == {"r1": -1, "r2": 0}
    assert [p.line for p in report.errors] == [2]
    assert expected in report.errors[0].message


@pytest.mark.parametrize("sentiment, ratings, expected", [
    ("positive", None, "positive"),             # no raters: the annotator's label
    ("positive", {"a": 1, "b": 0}, "positive"),  # two of three readers
    ("positive", {"a": 0, "b": 0}, "neutral"),   # the raters outvote a mild call
    ("neutral", {"a": -1, "b": -2}, "negative"),
    ("negative", {"a": 0, "b": 2}, "neutral"),   # no majority
    ("negative", {"a": 0}, "neutral"),           # two readers must agree
    ("negative", {"a": -1}, "negative"),
])
def test_consensus_tone_is_the_readers_majority(sentiment, ratings, expected):
    from stance.annotations import Annotation, consensus_tone, mean_tone_rating

    a = Annotation("1", "d", "text", (), sentiment, "x", tone_ratings=ratings)
    assert consensus_tone(a) == expected
    assert mean_tone_rating(a) == (None if ratings is None else sum(ratings.values()) / len(ratings) / 2)
