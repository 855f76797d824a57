"""Offline sentence splitting with nltk's Punkt and parameters shipped in the package.

nltk's own Punkt models (``punkt_tab``) must be downloaded, which fails offline, so this module
never calls ``nltk.data.load`` or ``sent_tokenize``. Instead it builds a
:class:`~nltk.tokenize.punkt.PunktSentenceTokenizer` from ``stance/resources/punkt.json``
(abbreviations, collocations and sentence starters written for news text; see
``stance/resources/README.md``). The tokenizer is built once, on first use.

``split_sentences(text)`` returns ``(start, end)`` spans into ``text``, stripped of surrounding
white space. On top of Punkt it splits a period glued to the next sentence
("...to the Philippines.The government...") when the word before the period ends in two
lowercase letters and is not a known abbreviation, and the word after it is capitalised: a
pattern that occurs in scraped text where a paragraph break was lost.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources

__all__ = ["split_sentences", "splitter_params"]

_RESOURCE = "punkt.json"

# "...Philippines.The government" -> a cut after the period. The word before must end in two
# lowercase letters and not be a known abbreviation (checked in code), so initials ("U.S.A"),
# acronyms and "e.g.The" are left alone; the word after must be capitalised and not be part of
# a domain or an address.
_GLUED = re.compile(r"[.!?](?=[A-Z][a-z]+\b(?![.@/]))")
_WORD_BEFORE = re.compile(r"[A-Za-z]+\Z")
_CLOSERS = ".!?\"'”’)]}» \t\n"

_tokenizer = None
_abbrevs: frozenset[str] = frozenset()
_params_cache: dict | None = None


def _raw() -> bytes:
    return resources.files("stance").joinpath("resources", _RESOURCE).read_bytes()


def _load():
    """Build the tokenizer from punkt.json (once)."""
    global _tokenizer, _abbrevs, _params_cache
    if _tokenizer is not None:
        return _tokenizer
    from collections import defaultdict

    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    raw = _raw()
    data = json.loads(raw)
    params = PunktParameters()
    params.abbrev_types = set(data["abbrev_types"])
    params.collocations = {tuple(pair) for pair in data["collocations"]}
    params.sent_starters = set(data["sent_starters"])
    params.ortho_context = defaultdict(int, data.get("ortho_context", {}))
    _abbrevs = frozenset(params.abbrev_types)
    _params_cache = {
        "splitter": "nltk.tokenize.punkt.PunktSentenceTokenizer",
        "resource": f"stance/resources/{_RESOURCE}",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "format_version": data.get("version"),
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted(list(p) for p in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
        "glued_period_split": True,
    }
    _tokenizer = PunktSentenceTokenizer(params)
    return _tokenizer


def splitter_params() -> dict:
    """The splitter's parameters and the sha256 of punkt.json, for a model card."""
    _load()
    import nltk

    return {**_params_cache, "nltk_version": nltk.__version__}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``; ``text[start:end]`` has no outer white space."""
    tok = _tokenizer or _load()
    end = len(text.rstrip())
    start = len(text) - len(text.lstrip())
    if start >= end:
        return []
    core = text[start:end].rstrip(_CLOSERS)
    if "." not in core and "?" not in core and "!" not in core:
        return [(start, end)]  # no sentence end inside: Punkt would return the whole text
    cuts = [m.end() for m in _GLUED.finditer(text) if _glued(text, m.start())]
    out: list[tuple[int, int]] = []
    for start, end in tok.span_tokenize(text):
        # Punkt spans may carry leading white space; trim both ends.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        for cut in cuts:
            if start < cut < end:
                out.append((start, cut))
                start = cut
        out.append((start, end))
    return out


def _glued(text: str, period: int) -> bool:
    """Is the sentence-end mark at ``period`` glued to a following sentence?"""
    before = text[max(0, period - 2) : period]
    if len(before) < 2 or not (before.isalpha() and before.islower()):
        return False
    word = _WORD_BEFORE.search(text, max(0, period - 40), period)
    return word is None or word.group().lower() not in _abbrevs
