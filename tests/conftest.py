"""Shared fixtures: the one trained model the slow tests use."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = [ROOT / "annotations" / "seeds.jsonl", ROOT / "annotations" / "written"]


@pytest.fixture(scope="session")
def annotations():
    from stance.annotations import load_annotations

    return load_annotations([p for p in ANNOTATIONS if p.exists()])


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, annotations):
    """A model trained on the project's annotations (defaults, no search), saved as `stance train` saves."""
    from stance.training import save, train

    directory = tmp_path_factory.mktemp("model")
    save(train(annotations, search=False), directory)
    return directory


@pytest.fixture(scope="session")
def model(model_dir):
    from stance.inference import load_model

    return load_model(model_dir)
