"""stance: cooperative or confrontational stance between named states, and tone, in news text.

Importing the package is cheap: the public functions are loaded on first use, so
``import stance`` and ``stance --help`` never import scikit-learn or nltk.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "predict": "stance.inference",
    "score_pairs": "stance.inference",
    "load_model": "stance.inference",
    "find_states": "stance.states",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
