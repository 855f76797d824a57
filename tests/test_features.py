"""Pair masking: one input per pair, no country names left."""

from stance.features import (
    MASK_A,
    MASK_B,
    MASK_OTHER,
    mask_text,
    normalise,
    order_pair,
    pair_context,
)
from stance.states import Mention


def mentions_of(text, *surface_code):
    out, start = [], 0
    for surface, code in surface_code:
        i = text.index(surface, start)
        out.append(Mention(surface, i, i + len(surface), code, "name"))
        start = i + len(surface)
    return out


TEXT = "The Philippines won't stop buying arms from Moscow, despite pressure from the US."
MENTIONS = mentions_of(TEXT, ("Philippines", "PHL"), ("Moscow", "RUS"), ("US", "USA"))


def test_mask_pair_and_others():
    assert mask_text(TEXT, MENTIONS, ("PHL", "RUS")) == \
        f"The {MASK_A} won't stop buying arms from {MASK_B}, despite pressure from the {MASK_OTHER}."
    assert mask_text(TEXT, MENTIONS, ("PHL", "USA")) == \
        f"The {MASK_A} won't stop buying arms from {MASK_OTHER}, despite pressure from the {MASK_B}."
    assert mask_text(TEXT, MENTIONS) == \
        f"The {MASK_OTHER} won't stop buying arms from {MASK_OTHER}, despite pressure from the {MASK_OTHER}."


def test_order_pair_follows_the_sentence():
    assert order_pair(MENTIONS, ("USA", "PHL")) == ("PHL", "USA")
    assert order_pair(MENTIONS, ("RUS", "PHL")) == ("PHL", "RUS")
    assert order_pair(MENTIONS, ("CUB", "PHL")) == ("PHL", "CUB")  # an unmentioned state goes last


def test_part_of_a_word_is_masked_in_place():
    text = "Turkey bought Russian-made missiles."
    ms = mentions_of(text, ("Turkey", "TUR"), ("Russian", "RUS"))
    assert mask_text(text, ms, ("TUR", "RUS")) == f"{MASK_A} bought {MASK_B}-made missiles."


def test_normalise_and_context():
    assert normalise("Won’t “Stop”") == "won't \"stop\""
    context = pair_context(f"one two three four five {MASK_A} signed with {MASK_B} six seven eight nine ten")
    assert context == f"two three four five {MASK_A} signed with {MASK_B} six seven eight nine"
    assert pair_context("no placeholders here") == ""
