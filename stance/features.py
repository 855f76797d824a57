"""Model inputs: pair masking, text normalisation and the two TF-IDF pipelines.

A sentence yields one input per pair of states: the pair's mentions become ``statea`` and
``stateb`` (in order of first appearance) and every other state mention ``stateother``. The
model never sees a country name, so it cannot learn that "Russia" means confrontation, and
one sentence can hold a cooperative pair and a confrontational one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

MASK_A = "statea"
MASK_B = "stateb"
MASK_OTHER = "stateother"

# Keep one-letter words and apostrophes inside words, so "won't" and "didn't" stay whole:
# negation decides many stances.
TOKEN_PATTERN = r"(?u)\b\w[\w']*\b"
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
# Words kept on each side of the pair in the context view.
CONTEXT_WINDOW = 4
_CONTEXT_WORDS = re.compile(TOKEN_PATTERN)


def normalise(text: str) -> str:
    """Lower-case and fold typographic quotes and dashes (the vectorisers' preprocessor)."""
    return text.translate(_QUOTES).lower()


def order_pair(mentions: Sequence, states: Sequence[str]) -> tuple[str, str]:
    """The two codes in order of first appearance (a code not mentioned goes last)."""
    first = {}
    for m in mentions:
        first.setdefault(m.code, m.start)
    a, b = states
    return (a, b) if first.get(a, 1 << 30) <= first.get(b, 1 << 30) else (b, a)


def mask_text(text: str, mentions: Sequence, pair: tuple[str, str] | None = None) -> str:
    """Replace state mentions by placeholders: the pair's by statea/stateb, others by stateother."""
    parts = []
    last = 0
    for m in mentions:
        if m.start < last:  # overlapping mentions should not happen; keep the first
            continue
        if pair and m.code == pair[0]:
            token = MASK_A
        elif pair and m.code == pair[1]:
            token = MASK_B
        else:
            token = MASK_OTHER
        parts.append(text[last:m.start])
        parts.append(token)
        last = m.end
    parts.append(text[last:])
    return "".join(parts)


_STEMS: dict[str, str] = {}
_STEMMER = None


def stem_tokens(text: str) -> list[str]:
    """Word tokens reduced to their Snowball stems ("condemned", "condemns" -> "condemn").

    A few thousand sentences cannot show every inflection of every verb; stems let one
    example teach all of them. Snowball's rules are code in nltk, no data download needed.
    """
    global _STEMMER
    if _STEMMER is None:
        from nltk.stem.snowball import SnowballStemmer

        _STEMMER = SnowballStemmer("english")
    out = []
    for token in _CONTEXT_WORDS.findall(text):
        stem = _STEMS.get(token)
        if stem is None:
            stem = _STEMS[token] = token if token.startswith("state") else _STEMMER.stem(token)
        out.append(stem)
    return out


def pair_context(text: str) -> str:
    """The words from a few before the pair's first placeholder to a few after its last one.

    What lies between and around the two states says most about their relation, and it
    differs between pairs of the same sentence.
    """
    words = _CONTEXT_WORDS.findall(normalise(text))
    spots = [i for i, w in enumerate(words) if w in (MASK_A, MASK_B)]
    if not spots:
        return ""
    lo = max(0, spots[0] - CONTEXT_WINDOW)
    hi = spots[-1] + CONTEXT_WINDOW + 1
    return " ".join(words[lo:hi])


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """VADER's compound, positive, negative and neutral scores as four extra columns.

    VADER's lexicon ships inside the ``vaderSentiment`` package (nltk's copy needs a
    download). Stateless: ``fit`` learns nothing. ``weight`` scales the columns: with one C
    for all features, a larger weight means less regularisation for these few dense columns.
    """

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        values = np.array([_vader_scores(_PLACEHOLDERS.sub("state", text)) for text in X], dtype=float)
        return sparse.csr_matrix(values.reshape(-1, 4) * self.weight)

    def get_feature_names_out(self, input_features=None):
        return np.array(["vader_compound", "vader_pos", "vader_neg", "vader_neu"], dtype=object)


_NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "without", "refus", "declin"})
_EVENT_LEXICON = None


def _event_lexicon() -> tuple[frozenset, frozenset]:
    global _EVENT_LEXICON
    if _EVENT_LEXICON is None:
        import json
        from pathlib import Path

        table = json.loads((Path(__file__).parent / "resources" / "event_lexicon.json").read_text("utf-8"))
        _EVENT_LEXICON = (frozenset(table["cooperative"]), frozenset(table["confrontational"]))
    return _EVENT_LEXICON


class EventLexiconFeatures(TransformerMixin, BaseEstimator):
    """Counts of cooperative and confrontational event words, in the sentence and near the pair.

    A dictionary coder's knowledge (PLOVER/CAMEO verbs, ``resources/event_lexicon.json``) as
    five columns the model weighs itself: it reaches verbs the annotations never showed.
    Stateless; ``weight`` as in :class:`LexiconFeatures`.
    """

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        cooperative, confrontational = _event_lexicon()
        rows = []
        for text in X:
            stems = stem_tokens(normalise(text))
            near = stem_tokens(pair_context(text))
            negated = sum(s in _NEGATIONS or s.endswith("n't") for s in near)
            rows.append([
                sum(s in cooperative for s in stems), sum(s in confrontational for s in stems),
                sum(s in cooperative for s in near), sum(s in confrontational for s in near), negated,
            ])
        return sparse.csr_matrix(np.log1p(np.array(rows, dtype=float).reshape(-1, 5)) * self.weight)

    def get_feature_names_out(self, input_features=None):
        return np.array(["events_cooperative", "events_confrontational", "events_cooperative_near_pair",
                         "events_confrontational_near_pair", "negation_near_pair"], dtype=object)


_VADER = None
# Pair inputs of one sentence differ only in their placeholders, which VADER does not know:
# score the sentence once (the cache key folds the placeholders together).
_PLACEHOLDERS = re.compile(rf"\b(?:{MASK_A}|{MASK_B}|{MASK_OTHER})\b")


@functools.lru_cache(maxsize=1 << 14)
def _vader_scores(text: str) -> tuple[float, float, float, float]:
    r = _vader().polarity_scores(text)
    return r["compound"], r["pos"], r["neg"], r["neu"]


def _vader():
    global _VADER
    if _VADER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _VADER = SentimentIntensityAnalyzer()
    return _VADER


def _word_vectoriser(ngram_max: int, min_df: int, sublinear_tf: bool, preprocessor=normalise,
                     stem: bool = False) -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=preprocessor,
        tokenizer=stem_tokens if stem else None,
        token_pattern=None if stem else TOKEN_PATTERN,
        ngram_range=(1, ngram_max),
        min_df=min_df,
        sublinear_tf=sublinear_tf,
        dtype=np.float64,
    )


def _char_vectoriser(min_df: int, sublinear_tf: bool) -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=normalise,
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=max(min_df, 2),
        sublinear_tf=sublinear_tf,
        dtype=np.float64,
    )


# The preferred settings: the search in stance.training starts here and moves away only for a
# gain larger than the cross-validation's own noise. Moderate C, bigrams and the lexicon columns
# favour generalising to news unlike the annotations over fitting them closely.
STANCE_DEFAULTS = {
    "C": 4.0,
    "ngram_max": 2,
    "min_df": 1,
    "sublinear_tf": True,
    "class_weight": "balanced",
    "char": True,
    "context": True,
    "lexicon": True,
    "events": True,
    "lexicon_weight": 1.0,
    "stem": True,
}

TONE_DEFAULTS = {
    "C": 2.0,
    "ngram_max": 2,
    "min_df": 1,
    "sublinear_tf": True,
    "class_weight": "balanced",
    "char": True,
    "lexicon": True,
    "lexicon_weight": 1.0,
    "stem": True,
}

# The sentence head reads the whole sentence as tone does (every state masked alike), plus the event
# lexicon: the CAMEO verb classes carry the kind of event for words the annotations lack.
SENTENCE_DEFAULTS = {**TONE_DEFAULTS, "events": True}


def _views(params: dict, *, context: bool, lexicon: bool, events: bool) -> FeatureUnion:
    """The TF-IDF views (and optional lexicon columns) that every head stacks side by side."""
    stem = params.get("stem", False)
    views = [("word", _word_vectoriser(params["ngram_max"], params["min_df"], params["sublinear_tf"], stem=stem))]
    if params.get("char"):
        views.append(("char", _char_vectoriser(params["min_df"], params["sublinear_tf"])))
    if context:
        views.append(("context", _word_vectoriser(params["ngram_max"], params["min_df"],
                                                  params["sublinear_tf"], preprocessor=pair_context, stem=stem)))
    weight = params.get("lexicon_weight", 1.0)
    if lexicon:
        views.append(("lexicon", LexiconFeatures(weight=weight)))
    if events:
        views.append(("events", EventLexiconFeatures(weight=weight)))
    return FeatureUnion(views)


def build_pipeline(params: dict, *, context: bool = False, lexicon: bool = False, events: bool = False) -> Pipeline:
    """A TF-IDF (+ optional views) + LogisticRegression pipeline with named steps."""
    classifier = LogisticRegression(
        C=params["C"],
        class_weight=params["class_weight"],
        max_iter=2000,
        solver="lbfgs",
    )
    return Pipeline([("features", _views(params, context=context, lexicon=lexicon, events=events)),
                     ("classifier", classifier)])


def build_stance_pipeline(params: dict | None = None) -> Pipeline:
    params = {**STANCE_DEFAULTS, **(params or {})}
    return build_pipeline(params, context=params["context"], lexicon=params["lexicon"], events=params["events"])


def build_sentence_pipeline(params: dict | None = None) -> Pipeline:
    params = {**SENTENCE_DEFAULTS, **(params or {})}
    return build_pipeline(params, lexicon=params["lexicon"], events=params["events"])


def build_tone_pipeline(params: dict | None = None) -> Pipeline:
    params = {**TONE_DEFAULTS, **(params or {})}
    return build_pipeline(params, lexicon=params["lexicon"])


# The tone score regresses the raters' mean rating (scaled to [-1, 1]) on the tone head's views.
TONE_SCORE_DEFAULTS = {**TONE_DEFAULTS, "alpha": 1.0}


def build_tone_score_pipeline(params: dict | None = None) -> Pipeline:
    """TF-IDF views + ridge regression: the graded tone score, trained on tone ratings."""
    from sklearn.linear_model import Ridge

    params = {**TONE_SCORE_DEFAULTS, **(params or {})}
    return Pipeline([("features", _views(params, context=False, lexicon=params["lexicon"], events=False)),
                     ("regressor", Ridge(alpha=params["alpha"]))])
