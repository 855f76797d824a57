"""predict(): text in, one result per sentence with a stance for every pair of states in it."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import UnknownStateError

STANCES = ("cooperative", "confrontational", "neutral")
TONES = ("negative", "neutral", "positive")
# The sentence's own stance: the kind of event it reports (CAMEO quad classes, statements and
# appeals neutral), whoever the actors are. Same labels as a pair's stance, a different question.
SENTENCE_STANCES = STANCES
MODEL_ENV = "STANCE_MODEL"
# Inside the package: a link to the repository's models/default in a checkout, the files
# themselves in an installed wheel (setup.cfg package_data follows the link when building).
PACKAGED_MODEL = Path(__file__).parent / "resources" / "model"


@dataclass(frozen=True, slots=True)
class PairStance:
    """The stance between two states in one sentence.

    ``states`` are in order of first mention. ``score`` = P(cooperative) - P(confrontational).
    ``found`` is False when the recogniser could not find one of the states in the sentence
    (possible with :func:`score_pairs`); the pair is still scored, from the unmasked words.
    """

    states: tuple[str, str]
    stance: str
    probabilities: dict[str, float]
    score: float
    text: str
    found: bool = True
    masked: str = ""

    def to_dict(self) -> dict:
        return {
            "states": list(self.states),
            "stance": self.stance,
            "probabilities": dict(self.probabilities),
            "score": self.score,
            "text": self.text,
            "found": self.found,
        }


@dataclass(frozen=True, slots=True)
class SentenceResult:
    """One sentence: its tone, its own stance and one :class:`PairStance` per pair of states it names.

    ``sentence_stance`` is the kind of event the sentence reports, whoever the actors are
    (``None`` for a model trained without sentence labels); ``sentence_stance_score`` =
    P(cooperative) - P(confrontational).
    """

    text: str
    doc: int | str
    index: int
    start: int
    end: int
    sentiment: str
    sentiment_score: float
    sentiment_probabilities: dict[str, float]
    pairs: tuple[PairStance, ...] = ()
    mentions: tuple = field(default=(), repr=False)
    sentence_stance: str | None = None
    sentence_stance_score: float | None = None
    sentence_stance_probabilities: dict[str, float] | None = None

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "sentiment": self.sentiment,
            "sentiment_score": self.sentiment_score,
            "sentiment_probabilities": dict(self.sentiment_probabilities),
            "sentence_stance": self.sentence_stance,
            "sentence_stance_score": self.sentence_stance_score,
            "sentence_stance_probabilities": (dict(self.sentence_stance_probabilities)
                                              if self.sentence_stance_probabilities is not None else None),
            "mentions": [
                {"text": m.text, "start": m.start, "end": m.end, "code": m.code, "kind": m.kind}
                for m in self.mentions
            ],
            "pairs": [p.to_dict() for p in self.pairs],
        }


def _softmax(scores, temperature: float):
    import numpy as np

    z = np.asarray(scores, dtype=float) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class StanceModel:
    """A loaded model: the pair-stance, tone and (optional) sentence-stance pipelines, their
    calibration and card."""

    def __init__(self, stance_pipeline, tone_pipeline, *, sentence_pipeline=None, tone_regressor=None,
                 temperatures: dict | None = None, card: dict | None = None, path: str | None = None):
        self.stance_pipeline = stance_pipeline
        self.tone_pipeline = tone_pipeline
        self.sentence_pipeline = sentence_pipeline
        # A regression of raters' mean tone rating on the tone pipeline's features (optional).
        self.tone_regressor = tone_regressor
        self.temperatures = {"stance": 1.0, "tone": 1.0, "sentence": 1.0, **(temperatures or {})}
        self.card = card or {}
        self.path = path

    # -- probabilities for prepared inputs -------------------------------------------------
    def stance_probabilities(self, masked_texts: Sequence[str]):
        """Calibrated probabilities, columns in :data:`STANCES` order."""
        return self._probabilities(self.stance_pipeline, masked_texts, STANCES, self.temperatures["stance"])

    def tone_probabilities(self, masked_texts: Sequence[str]):
        """Calibrated probabilities, columns in :data:`TONES` order."""
        return self.tone(masked_texts)[0]

    def tone(self, masked_texts: Sequence[str]):
        """(calibrated probabilities in :data:`TONES` order, tone scores in [-1, 1]) from one pass
        of the tone features. The score is the regression of raters' mean rating when the model
        has one, else P(positive) - P(negative)."""
        import numpy as np

        if not len(masked_texts):
            return np.zeros((0, len(TONES))), np.zeros(0)
        features = self.tone_pipeline.named_steps["features"].transform(list(masked_texts))
        classifier = self.tone_pipeline.named_steps["classifier"]
        order = [list(classifier.classes_).index(label) for label in TONES]
        probabilities = _softmax(classifier.decision_function(features), self.temperatures["tone"])[:, order]
        if self.tone_regressor is not None:
            scores = np.clip(self.tone_regressor.predict(features), -1.0, 1.0)
        else:
            scores = probabilities[:, TONES.index("positive")] - probabilities[:, TONES.index("negative")]
        return probabilities, scores

    def sentence_stance_probabilities(self, masked_texts: Sequence[str]):
        """Calibrated probabilities of the sentence's own stance, columns in :data:`SENTENCE_STANCES`
        order; ``None`` when the model has no sentence head."""
        if self.sentence_pipeline is None:
            return None
        return self._probabilities(self.sentence_pipeline, masked_texts, SENTENCE_STANCES,
                                   self.temperatures["sentence"])

    @staticmethod
    def _probabilities(pipeline, texts, labels, temperature):
        import numpy as np

        if not len(texts):
            return np.zeros((0, len(labels)))
        scores = pipeline.decision_function(list(texts))
        probabilities = _softmax(scores, temperature)
        order = [list(pipeline.classes_).index(label) for label in labels]
        return probabilities[:, order]

    # -- public API -------------------------------------------------------------------------
    def predict(self, texts: str | Iterable[str], *, date: str | None = None) -> list[SentenceResult]:
        """Split text(s) into sentences and score the tone of each and the stance of each pair."""
        from stance.corpus import document_sentences
        from stance.states import find_states

        if isinstance(texts, str):
            texts = [texts]
        elif isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
            raise TypeError(f"predict() takes a str or an iterable of str, not {type(texts).__name__}")
        sentences = []
        for doc, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {doc} is a {type(text).__name__}, not a str")
            for index, sentence in enumerate(document_sentences(text)):
                sentences.append((doc, index, sentence, find_states(sentence.text, date)))
        return self.score_sentences(sentences)

    def score_sentences(self, sentences) -> list[SentenceResult]:
        """Score prepared ``(doc, index, Sentence, mentions)`` tuples in one batch."""
        from stance.features import mask_text, order_pair

        pair_inputs, pair_owner, tone_inputs = [], [], []
        for position, (_, _, sentence, mentions) in enumerate(sentences):
            tone_inputs.append(mask_text(sentence.text, mentions))
            codes = list(dict.fromkeys(m.code for m in mentions))
            for a, b in itertools.combinations(codes, 2):
                pair = order_pair(mentions, (a, b))
                pair_inputs.append((pair, mask_text(sentence.text, mentions, pair)))
                pair_owner.append(position)
        stance_p = self.stance_probabilities([masked for _, masked in pair_inputs])
        tone_p, tone_score = self.tone(tone_inputs)
        sentence_p = self.sentence_stance_probabilities(tone_inputs)
        pairs_of: list[list[PairStance]] = [[] for _ in sentences]
        for row, ((pair, masked), owner) in enumerate(zip(pair_inputs, pair_owner, strict=True)):
            pairs_of[owner].append(_pair_stance(pair, stance_p[row], sentences[owner][2].text, masked, True))
        results = []
        for position, (doc, index, sentence, mentions) in enumerate(sentences):
            probabilities = dict(zip(TONES, (round(float(p), 4) for p in tone_p[position]), strict=True))
            own = {}
            if sentence_p is not None:
                row = sentence_p[position]
                own = {"sentence_stance": SENTENCE_STANCES[int(row.argmax())],
                       "sentence_stance_score": round(float(row[0] - row[1]), 4),
                       "sentence_stance_probabilities": dict(zip(SENTENCE_STANCES, (round(float(p), 4) for p in row),
                                                                 strict=True))}
            results.append(SentenceResult(
                text=sentence.text, doc=doc, index=index, start=sentence.start, end=sentence.end,
                sentiment=TONES[int(tone_p[position].argmax())],
                sentiment_score=round(float(tone_score[position]), 4),
                sentiment_probabilities=probabilities,
                pairs=tuple(pairs_of[position]), mentions=tuple(mentions), **own,
            ))
        return results

    def score_pairs(self, items: Iterable[tuple[str, str, str]], *, date: str | None = None) -> list[PairStance]:
        """Score given ``(sentence, state, state)`` triples, one :class:`PairStance` each."""
        from stance.features import mask_text, order_pair
        from stance.states import KNOWN_CODES, find_states

        prepared = []
        for i, item in enumerate(items):
            if not (isinstance(item, (tuple, list)) and len(item) == 3 and all(isinstance(x, str) for x in item)):
                raise TypeError(f"item {i}: expected a (sentence, state, state) tuple of str, got {item!r}")
            text, a, b = item
            for code in (a, b):
                if code not in KNOWN_CODES:
                    raise UnknownStateError(f"item {i}: unknown state code {code!r} (expected ISO 3166-1 alpha-3)")
            if a == b:
                raise ValueError(f"item {i}: a pair needs two different states, got {a} twice")
            mentions = find_states(text, date)
            found_codes = {m.code for m in mentions}
            pair = order_pair(mentions, (a, b))
            prepared.append((pair, text, mask_text(text, mentions, pair), a in found_codes and b in found_codes))
        probabilities = self.stance_probabilities([masked for _, _, masked, _ in prepared])
        return [_pair_stance(pair, probabilities[row], text, masked, found)
                for row, (pair, text, masked, found) in enumerate(prepared)]


def _pair_stance(pair, row, text, masked, found) -> PairStance:
    probabilities = {label: round(float(p), 4) for label, p in zip(STANCES, row, strict=True)}
    return PairStance(
        states=pair,
        stance=STANCES[int(row.argmax())],
        probabilities=probabilities,
        score=round(float(row[0] - row[1]), 4),
        text=text,
        found=found,
        masked=masked,
    )


def default_model_path() -> Path:
    """Where the default model is: $STANCE_MODEL, else the model shipped in the package."""
    env = os.environ.get(MODEL_ENV)
    return Path(env) if env else PACKAGED_MODEL


def load_model(path: str | os.PathLike | None = None) -> StanceModel:
    """Load a model directory (default: :func:`default_model_path`), checking card and checksums."""
    from stance.persistence import load_model_dir

    path = Path(path) if path is not None else default_model_path()
    card, pipelines, extra = load_model_dir(path)
    return StanceModel(pipelines["stance"], pipelines["tone"], sentence_pipeline=pipelines.get("sentence"),
                       tone_regressor=pipelines.get("tone_score"), temperatures=extra.get("temperatures"), card=card, path=str(path))


class LazyModel:
    """A model directory checked now (card, versions, checksums) and loaded on first use.

    ``stance classify --jobs N`` hands workers the path; the main process then never needs the
    weights, and does not hold a third copy of them in memory.
    """

    def __init__(self, path: str | os.PathLike | None = None):
        from stance.persistence import verify_model_dir

        self.path = str(Path(path) if path is not None else default_model_path())
        self.card = verify_model_dir(self.path)
        self._model: StanceModel | None = None

    def __getattr__(self, name: str):
        # Only reached for what a LazyModel does not hold itself: load, then delegate.
        if name.startswith("__") or name == "_model":
            raise AttributeError(name)
        if self._model is None:
            self._model = load_model(self.path)
        return getattr(self._model, name)


_DEFAULT: StanceModel | None = None
_DEFAULT_LOCK = threading.Lock()


def _default_model() -> StanceModel:
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = load_model()
        return _DEFAULT


def predict(texts: str | Iterable[str], *, date: str | None = None) -> list[SentenceResult]:
    """Score text(s) with the default model (loaded once, then reused).

    Returns one :class:`SentenceResult` per sentence, in order; ``result.doc`` is the index of the
    text it came from.
    """
    return _default_model().predict(texts, date=date)


def score_pairs(items: Iterable[tuple[str, str, str]], *, date: str | None = None) -> list[PairStance]:
    """Score pairs you already know: ``[(sentence, "USA", "CUB"), ...]`` -> one PairStance each."""
    return _default_model().score_pairs(items, date=date)
