"""The Python API contract of predict / score_pairs / load_model, and stance invariance."""

import json

import pytest

from stance.errors import UnknownStateError
from stance.inference import STANCES, TONES

SEED = ("The Philippines won't stop purchasing weapons from Moscow, despite possible pressure from the US.")


def test_predict_contract(model):
    results = model.predict(SEED)
    assert len(results) == 1
    r = results[0]
    assert r.text == SEED and r.doc == 0 and r.index == 0
    assert r.sentiment in TONES and -1 <= r.sentiment_score <= 1
    assert [p.states for p in r.pairs] == [("PHL", "RUS"), ("PHL", "USA"), ("RUS", "USA")]
    for p in r.pairs:
        assert p.stance in STANCES
        assert set(p.probabilities) == set(STANCES)
        assert abs(sum(p.probabilities.values()) - 1) < 1e-3
        assert p.score == pytest.approx(p.probabilities["cooperative"] - p.probabilities["confrontational"], abs=2e-4)
        assert p.stance == max(p.probabilities, key=p.probabilities.get)
    assert r.sentence_stance in STANCES
    own = r.sentence_stance_probabilities
    assert set(own) == set(STANCES) and abs(sum(own.values()) - 1) < 1e-3
    assert r.sentence_stance == max(own, key=own.get)
    assert r.sentence_stance_score == pytest.approx(own["cooperative"] - own["confrontational"], abs=2e-4)
    json.dumps(r.to_dict())


@pytest.mark.parametrize(("text", "expected"), [
    ("Police fired tear gas and arrested dozens of protesters outside parliament.", "confrontational"),
    ("The rebels and the army signed a ceasefire agreement and released their prisoners.", "cooperative"),
])
def test_sentence_stance_reads_events_without_states(model, text, expected):
    (result,) = model.predict(text)
    assert result.pairs == ()
    assert result.sentence_stance == expected


def test_predict_a_list_says_which_text(model):
    results = model.predict(["Kenya and Uganda signed a trade deal. Both sides praised it.",
                             "Iran threatened Israel with retaliation."])
    assert [(r.doc, r.index) for r in results] == [(0, 0), (0, 1), (1, 0)]
    assert results[1].pairs == ()


def test_score_pairs_even_when_a_state_is_not_found(model):
    [known] = model.score_pairs([("The US Congress agreed to lift embargoes on sales to Cuba.", "USA", "CUB")])
    assert known.states == ("USA", "CUB") and known.found
    [unknown] = model.score_pairs([("Troops shelled Basra overnight from across the border.", "IRQ", "IRN")])
    assert unknown.found is False and unknown.stance in STANCES


@pytest.mark.parametrize("bad, error", [
    ([("text", "USA")], TypeError),
    (["just a string"], TypeError),
    ([("text", "USA", "ZZZ")], UnknownStateError),
    ([("text", "USA", "USA")], ValueError),
])
def test_score_pairs_rejects_bad_input(model, bad, error):
    with pytest.raises(error):
        model.score_pairs(bad)


def test_predict_rejects_bad_types(model):
    with pytest.raises(TypeError):
        model.predict(42)
    with pytest.raises(TypeError):
        model.predict([b"bytes"])


def test_deterministic(model):
    a = [r.to_dict() for r in model.predict(SEED)]
    b = [r.to_dict() for r in model.predict(SEED)]
    assert a == b


# Replacement states for the invariance check, from every continent.
REPLACEMENTS = ["NOR", "BRA", "KEN", "VNM", "CAN", "EGY", "AUS", "POL", "MEX", "IDN", "NGA", "CHL"]


def _swap(text, mentions, mapping):
    from stance.states import state_adjective, state_name

    out, last = [], 0
    for m in mentions:
        if m.code in mapping:
            new = mapping[m.code]
            out += [text[last:m.start], state_adjective(new) if m.kind == "adjective" else state_name(new)]
            last = m.end
    return "".join(out + [text[last:]])


def test_stance_is_invariant_to_state_names(model, annotations):
    """Swapping a pair's states for others changes at most 2% of predicted stances."""
    from stance.states import find_states

    before, after = [], []
    for n, record in enumerate(a for a in annotations if a.pairs):
        pair = record.pairs[0]
        mentions = find_states(record.text, record.date)
        present = {m.code for m in mentions}
        if not set(pair.states) <= present:
            continue
        free = [c for c in REPLACEMENTS if c not in present]
        mapping = {pair.states[0]: free[n % len(free)], pair.states[1]: free[(n + 1) % len(free)]}
        before.append((record.text, *pair.states))
        after.append((_swap(record.text, mentions, mapping), mapping[pair.states[0]], mapping[pair.states[1]]))
    assert len(before) >= 50
    changed = sum(a.stance != b.stance for a, b in zip(model.score_pairs(before), model.score_pairs(after), strict=True))
    assert changed / len(before) <= 0.02, f"{changed} of {len(before)} stances changed"
