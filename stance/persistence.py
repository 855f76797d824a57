"""Saving and loading models as data: JSON + NumPy arrays, never pickle.

A saved model is a directory::

    card.json    what the model is: versions, labels, hyper-parameters, metrics, sha256 of the files
    card.md      the same card for people
    model.json   the pipelines' structure, parameters and vocabularies
    model.npz    their learned arrays (idf weights, coefficients, intercepts)

Loading reads nothing but JSON and ``numpy.load(allow_pickle=False)``, so a model file cannot run
code. Only the classes below can be rebuilt (TF-IDF, logistic and ridge regression, our lexicon columns, the
pipeline and feature union around them) and only through public, long-stable attributes
(``vocabulary_``, ``idf_``, ``coef_``, ``intercept_``, ``classes_``). The card is read and checked
before anything else: format, versions, then each file's sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from stance.errors import ModelError

FORMAT = "stance-linear/1"
CARD_FILE = "card.json"
CARD_MARKDOWN = "card.md"
STRUCTURE_FILE = "model.json"
ARRAYS_FILE = "model.npz"
# The vectorisers' preprocessors are referenced by name; only these can be named.
PREPROCESSORS = ("normalise", "pair_context")
TOKENIZERS = ("stem_tokens",)
_TFIDF_PARAMS = ("analyzer", "ngram_range", "min_df", "max_df", "sublinear_tf", "token_pattern",
                 "lowercase", "norm", "use_idf", "smooth_idf", "strip_accents", "binary")
_LOGREG_PARAMS = ("C", "class_weight", "max_iter", "solver", "fit_intercept", "tol")
_RIDGE_PARAMS = ("alpha", "fit_intercept", "solver", "tol")


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# ---------------------------------------------------------------- estimators <-> data


def _encode(estimator, prefix: str, arrays: dict):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import FeatureUnion, Pipeline

    from stance.features import EventLexiconFeatures, LexiconFeatures

    if isinstance(estimator, Pipeline):
        return {"type": "Pipeline",
                "steps": [[name, _encode(step, f"{prefix}/{name}", arrays)] for name, step in estimator.steps]}
    if isinstance(estimator, FeatureUnion):
        return {"type": "FeatureUnion",
                "views": [[name, _encode(t, f"{prefix}/{name}", arrays)] for name, t in estimator.transformer_list]}
    if isinstance(estimator, TfidfVectorizer):
        preprocessor = getattr(estimator.preprocessor, "__name__", None)
        if preprocessor not in PREPROCESSORS:
            raise ModelError(f"cannot save a vectoriser with preprocessor {estimator.preprocessor!r}")
        tokenizer = getattr(estimator.tokenizer, "__name__", None)
        if estimator.tokenizer is not None and tokenizer not in TOKENIZERS:
            raise ModelError(f"cannot save a vectoriser with tokenizer {estimator.tokenizer!r}")
        terms = sorted(estimator.vocabulary_, key=estimator.vocabulary_.get)
        arrays[f"{prefix}/idf"] = estimator.idf_
        params = {k: getattr(estimator, k) for k in _TFIDF_PARAMS}
        params["ngram_range"] = list(params["ngram_range"])
        return {"type": "TfidfVectorizer", "params": params, "preprocessor": preprocessor, "tokenizer": tokenizer,
                "terms": terms}
    if isinstance(estimator, LogisticRegression):
        arrays[f"{prefix}/coef"] = estimator.coef_
        arrays[f"{prefix}/intercept"] = estimator.intercept_
        params = {k: getattr(estimator, k) for k in _LOGREG_PARAMS}
        return {"type": "LogisticRegression", "params": params, "classes": [str(c) for c in estimator.classes_]}
    if isinstance(estimator, Ridge):
        arrays[f"{prefix}/coef"] = estimator.coef_
        arrays[f"{prefix}/intercept"] = estimator.intercept_
        return {"type": "Ridge", "params": {k: getattr(estimator, k) for k in _RIDGE_PARAMS}}
    if isinstance(estimator, (LexiconFeatures, EventLexiconFeatures)):
        return {"type": type(estimator).__name__, "weight": float(estimator.weight)}
    raise ModelError(f"cannot save an estimator of type {type(estimator).__name__}")


def _decode(node: dict, prefix: str, arrays):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import FeatureUnion, Pipeline

    from stance import features

    kind = node.get("type")
    if kind == "Pipeline":
        return Pipeline([(name, _decode(sub, f"{prefix}/{name}", arrays)) for name, sub in node["steps"]])
    if kind == "FeatureUnion":
        return FeatureUnion([(name, _decode(sub, f"{prefix}/{name}", arrays)) for name, sub in node["views"]])
    if kind == "TfidfVectorizer":
        if node["preprocessor"] not in PREPROCESSORS:
            raise ModelError(f"unknown preprocessor {node['preprocessor']!r} in the model file")
        tokenizer = node.get("tokenizer")
        if tokenizer is not None and tokenizer not in TOKENIZERS:
            raise ModelError(f"unknown tokenizer {tokenizer!r} in the model file")
        params = dict(node["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        vectoriser = TfidfVectorizer(**params, preprocessor=getattr(features, node["preprocessor"]),
                                     tokenizer=getattr(features, tokenizer) if tokenizer else None,
                                     dtype=np.float64)
        vectoriser.vocabulary_ = {term: i for i, term in enumerate(node["terms"])}
        vectoriser.idf_ = arrays[f"{prefix}/idf"]
        return vectoriser
    if kind == "LogisticRegression":
        classifier = LogisticRegression(**node["params"])
        classifier.coef_ = arrays[f"{prefix}/coef"]
        classifier.intercept_ = arrays[f"{prefix}/intercept"]
        classifier.classes_ = np.array(node["classes"], dtype=object)
        classifier.n_features_in_ = classifier.coef_.shape[1]
        return classifier
    if kind == "Ridge":
        regressor = Ridge(**node["params"])
        regressor.coef_ = arrays[f"{prefix}/coef"]
        # A scalar intercept is saved as a 0-d array; Ridge wants a float.
        regressor.intercept_ = float(arrays[f"{prefix}/intercept"])
        regressor.n_features_in_ = regressor.coef_.shape[-1]
        return regressor
    if kind in ("LexiconFeatures", "EventLexiconFeatures"):
        return getattr(features, kind)(weight=float(node.get("weight", 1.0)))
    raise ModelError(f"unknown component {kind!r} in the model file")


# ---------------------------------------------------------------- directory level


def save_model_dir(directory: str | os.PathLike, pipelines: dict, extra: dict, card: dict, card_markdown) -> dict:
    """Write pipelines (name -> fitted Pipeline) and ``extra`` JSON data; return the final card.

    Each file is written atomically and the card last, with the sha256 of what was written:
    an interrupted save leaves the previous model loadable or refused, never half-new.
    """
    import io

    import numpy as np

    directory = Path(directory)
    arrays: dict = {}
    structure = {"format": FORMAT, "pipelines": {name: _encode(p, name, arrays) for name, p in pipelines.items()},
                 "extra": extra}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write_bytes(directory / ARRAYS_FILE, buffer.getvalue())
    atomic_write_text(directory / STRUCTURE_FILE, json.dumps(structure, ensure_ascii=False, sort_keys=True))
    card = {**card, "format": FORMAT, "files": {
        STRUCTURE_FILE: sha256_file(directory / STRUCTURE_FILE),
        ARRAYS_FILE: sha256_file(directory / ARRAYS_FILE),
    }}
    atomic_write_text(directory / CARD_MARKDOWN, card_markdown(card))
    atomic_write_text(directory / CARD_FILE, json.dumps(card, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return card


def read_card(directory: str | os.PathLike) -> dict:
    """The model card, read and checked before any model file is opened."""
    directory = Path(directory)
    path = directory / CARD_FILE
    if not directory.is_dir():
        raise ModelError(f"{directory}: no such model directory (train one with `stance train`)")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: missing model card; this is not a stance model directory") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable model card ({exc})") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelError(f"{path}: unknown model format {card.get('format') if isinstance(card, dict) else None!r}; "
                         f"this stance reads {FORMAT!r}. Retrain with `stance train`.")
    check_versions(card, path)
    return card


def _major_minor(version: str) -> tuple[int, int]:
    parts = (version.split(".") + ["0"])[:2]
    return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or 0)


def check_versions(card: dict, where) -> None:
    """Refuse a model made by a scikit-learn of another major version.

    The format stores only attributes that scikit-learn keeps stable within a major version,
    so any 1.x reads a model made by any 1.x; across majors we refuse rather than guess.
    """
    import sklearn

    trained = card.get("versions", {}).get("scikit-learn", "")
    installed = sklearn.__version__
    try:
        same_major = _major_minor(trained)[0] == _major_minor(installed)[0]
    except ValueError:
        same_major = False
    if not same_major:
        raise ModelError(
            f"{where}: the model was trained with scikit-learn {trained or 'unknown'}, but "
            f"scikit-learn {installed} is installed. Retrain it with `stance train`, or install "
            f"scikit-learn {(trained.split('.')[0] + '.*') if trained else 'of the model'}."
        )


def verify_model_dir(directory: str | os.PathLike) -> dict:
    """Check the card (format, versions) and every file's sha256; return the card. Loads nothing."""
    directory = Path(directory)
    card = read_card(directory)
    for name, expected in card.get("files", {}).items():
        path = directory / name
        if not path.is_file():
            raise ModelError(f"{path}: missing model file named in the card")
        actual = sha256_file(path)
        if actual != expected:
            raise ModelError(f"{path}: sha256 {actual[:12]}… does not match the card's {expected[:12]}…; "
                             "the file was changed or corrupted. Retrain with `stance train` or restore it.")
    if set(card.get("files", {})) != {STRUCTURE_FILE, ARRAYS_FILE}:
        raise ModelError(f"{directory / CARD_FILE}: the card must list {STRUCTURE_FILE} and {ARRAYS_FILE}")
    return card


def load_model_dir(directory: str | os.PathLike) -> tuple[dict, dict, dict]:
    """Return (card, pipelines, extra) after the card, versions and checksums are verified."""
    import numpy as np

    directory = Path(directory)
    card = verify_model_dir(directory)
    try:
        structure = json.loads((directory / STRUCTURE_FILE).read_text(encoding="utf-8"))
        with np.load(directory / ARRAYS_FILE, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        pipelines = {name: _decode(node, name, arrays) for name, node in structure["pipelines"].items()}
    except (KeyError, ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{directory}: malformed model files ({exc})") from None
    return card, pipelines, structure.get("extra", {})
