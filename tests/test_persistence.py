"""Saving and loading: data only, checked card, refused when tampered with or too new/old."""

import json
import shutil

import pytest

from stance.errors import ModelError
from stance.inference import load_model
from stance.persistence import CARD_FILE, STRUCTURE_FILE, atomic_write_text

SENTENCES = ["France and Germany signed a defence pact on Monday.", "Kenya accused Uganda of shelling villages."]


@pytest.fixture
def copy(model_dir, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(model_dir, target)
    return target


def test_round_trip_gives_identical_predictions(model, copy):
    again = load_model(copy)
    first = [r.to_dict() for r in model.predict(SENTENCES)]
    assert first == [r.to_dict() for r in again.predict(SENTENCES)]


def test_the_model_files_hold_no_pickle(model_dir):
    import numpy as np

    with np.load(model_dir / "model.npz", allow_pickle=False) as arrays:
        assert arrays.files
    json.loads((model_dir / STRUCTURE_FILE).read_text())
    card = json.loads((model_dir / CARD_FILE).read_text())
    for key in ("versions", "labels", "annotations", "cross_validation", "hyperparameters", "sentence_splitter", "files"):
        assert key in card
    assert {"python", "scikit-learn", "nltk", "stance"} <= set(card["versions"])
    assert (model_dir / "card.md").read_text().startswith("# Model card")


def test_a_changed_file_is_refused(copy):
    path = copy / STRUCTURE_FILE
    path.write_text(path.read_text().replace('"C"', '"C" ', 1))
    with pytest.raises(ModelError, match="sha256 .* does not match"):
        load_model(copy)


def test_another_scikit_learn_major_is_a_clear_error(copy):
    card = json.loads((copy / CARD_FILE).read_text())
    card["versions"]["scikit-learn"] = "0.24.2"
    (copy / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelError, match=r"trained with scikit-learn 0\.24\.2, but scikit-learn .* installed.*stance train"):
        load_model(copy)


@pytest.mark.parametrize("damage, expected", [
    (lambda d: (d / CARD_FILE).unlink(), "missing model card"),
    (lambda d: (d / CARD_FILE).write_text("{oops"), "unreadable model card"),
    (lambda d: (d / "model.npz").unlink(), "missing model file"),
    (lambda d: shutil.rmtree(d), "no such model directory"),
])
def test_broken_model_directories(copy, damage, expected):
    damage(copy)
    with pytest.raises(ModelError, match=expected):
        load_model(copy)


def test_model_error_is_an_oserror():
    assert issubclass(ModelError, OSError)


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.json"
    atomic_write_text(target, "old\n")
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_lazy_model_checks_now_and_loads_on_first_use(model_dir, copy):
    from stance.inference import LazyModel

    lazy = LazyModel(model_dir)
    assert lazy._model is None and lazy.card["files"]
    assert lazy.predict(SENTENCES[0])[0].pairs
    assert lazy._model is not None
    (copy / "model.npz").write_bytes(b"tampered")
    with pytest.raises(ModelError, match="does not match"):
        LazyModel(copy)
