"""Offline Punkt sentence splitting (stance.segment)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stance.segment import split_sentences, splitter_params

REPO = Path(__file__).resolve().parents[1]


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    return [text[s:e] for s, e in spans]


def test_month_abbreviation_and_date_end_one_sentence():
    text = (
        "The visit was a first for a defense chief in 40 years. It also came on the heels "
        "of a meeting between President Duterte and President Vladimir Putin in Lima, Peru "
        "last Nov. 19. Officials did not comment."
    )
    out = sentences(text)
    assert out == [
        "The visit was a first for a defense chief in 40 years.",
        "It also came on the heels of a meeting between President Duterte and President "
        "Vladimir Putin in Lima, Peru last Nov. 19.",
        "Officials did not comment.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Navy sent two ships to the region on Monday.",
        "Talks at the U.N. Security Council stalled again.",
        "Gen. Smith met Sen. Jones and Gov. Brown at 9 a.m. Monday.",
        "Mr. Lavrov and Dr. Lee spoke about the U.K. position, e.g. on sanctions.",
        "She lives at No. 10 Downing St. in London.",
        "George W. Bush met officials from Acme Corp. and Foo Inc. on Sept. 11.",
    ],
)
def test_abbreviations_do_not_split(text):
    assert sentences(text) == [text]


def test_abbreviation_followed_by_sentence_starter_splits():
    text = "The sanctions were imposed by the U.S. The move angered Moscow."
    assert sentences(text) == ["The sanctions were imposed by the U.S.", "The move angered Moscow."]


def test_number_then_capital_splits():
    text = "Baku took it back in 2023. Its population fled."
    assert sentences(text) == ["Baku took it back in 2023.", "Its population fled."]


def test_missing_space_after_period_splits():
    text = (
        "Russia will ship anti-tank RPGs and military vehicles to the Philippines.The "
        "government is also exploring other options."
    )
    assert sentences(text) == [
        "Russia will ship anti-tank RPGs and military vehicles to the Philippines.",
        "The government is also exploring other options.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Visit Rappler.com or theguardian.com for details.",
        "He wrote to press@example.com yesterday.",
        "The U.S.A. team won.",
    ],
)
def test_glued_rule_leaves_domains_and_initials(text):
    assert sentences(text) == [text]


def test_quotes_stay_with_their_sentence():
    text = "He said the relationship remains “very, very strong.” Kirby added more."
    assert sentences(text) == [
        "He said the relationship remains “very, very strong.”",
        "Kirby added more.",
    ]


def test_spans_are_offsets_and_trimmed():
    text = "  First one here.   Second one?  Third!  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["First one here.", "Second one?", "Third!"]
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []
    assert split_sentences(" A headline without a period ") == [(1, 28)]


def test_splitter_params_record_the_resource():
    params = splitter_params()
    assert len(params["sha256"]) == 64
    assert "u.s" in params["abbrev_types"] and "nov" in params["abbrev_types"]
    assert "us" not in params["abbrev_types"]  # "... pressure from the US." ends a sentence
    assert params["nltk_version"]
    json.dumps(params)  # fit for a model card


def test_works_without_any_nltk_data(tmp_path):
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    code = (
        "from stance.segment import split_sentences\n"
        "t = 'The U.S. said so. Russia agreed.'\n"
        "print([t[s:e] for s, e in split_sentences(t)])\n"
    )
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['The U.S. said so.', 'Russia agreed.']"
