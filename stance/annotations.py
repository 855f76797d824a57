"""The annotation format (annotations/README.md): loading and validation.

``load_annotations`` returns records or raises on the first error; ``validate_annotations``
collects every problem as ``file:line: message`` so a user can fix a file in one pass.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import AnnotationError, InputError

STANCE_LABELS = ("cooperative", "confrontational", "neutral")
SENTIMENT_LABELS = ("negative", "neutral", "positive")

REQUIRED_FIELDS = {"id": str, "doc": str, "text": str, "pairs": list, "sentiment": str, "annotator": str}
OPTIONAL_FIELDS = {"date": str, "note": str, "sentence_stance": str, "tone_ratings": dict}
# Graded tone: each rater's reading of the sentence from clearly negative (-2) to clearly positive (2).
TONE_RATING_RANGE = (-2, 2)
PAIR_FIELDS = {"states", "stance", "source"}
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Two sentences sharing this share of word trigrams are near-duplicates (issue 4).
NEAR_DUPLICATE_JACCARD = 0.6


@dataclass(frozen=True, slots=True)
class PairLabel:
    states: tuple[str, str]
    stance: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Annotation:
    id: str
    doc: str
    text: str
    pairs: tuple[PairLabel, ...]
    sentiment: str
    annotator: str
    date: str | None = None
    note: str | None = None
    sentence_stance: str | None = None
    tone_ratings: dict[str, int] | None = None
    path: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class ValidationReport:
    annotations: list[Annotation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def annotation_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files and directories (recursively, sorted) into annotation ``.jsonl`` files."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.jsonl") if p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            raise AnnotationError("no such file or directory", path=str(path))
    return files


def _parse_record(obj: object, known_codes: frozenset[str]) -> tuple[dict | None, list[str]]:
    """Check one decoded JSON value; return (clean fields, error messages)."""
    if not isinstance(obj, dict):
        return None, ["a record must be a JSON object"]
    errors = []
    unknown = set(obj) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        errors.append(f"unknown field(s): {', '.join(sorted(unknown))}")
    for name, kind in REQUIRED_FIELDS.items():
        if name not in obj:
            errors.append(f"missing field {name!r}")
        elif not isinstance(obj[name], kind):
            errors.append(f"field {name!r} must be a {kind.__name__}")
    for name, kind in OPTIONAL_FIELDS.items():
        if name in obj and not isinstance(obj[name], kind):
            errors.append(f"field {name!r} must be a {kind.__name__}")
    if errors:
        return None, errors
    if not obj["text"].strip():
        errors.append("field 'text' is empty")
    if obj["sentiment"] not in SENTIMENT_LABELS:
        errors.append(
            f"unknown sentiment {obj['sentiment']!r} (expected one of {', '.join(SENTIMENT_LABELS)})"
        )
    if "sentence_stance" in obj and obj["sentence_stance"] not in STANCE_LABELS:
        errors.append(f"unknown sentence_stance {obj['sentence_stance']!r} "
                      f"(expected one of {', '.join(STANCE_LABELS)})")
    errors.extend(_tone_rating_errors(obj.get("tone_ratings", {})))
    if "date" in obj and not DATE_PATTERN.match(obj["date"]):
        errors.append(f"date {obj['date']!r} is not YYYY-MM-DD")
    pairs = []
    seen = set()
    for i, pair in enumerate(obj["pairs"], 1):
        where = f"pair {i}"
        if not isinstance(pair, dict):
            errors.append(f"{where} must be an object")
            continue
        extra = set(pair) - PAIR_FIELDS
        if extra:
            errors.append(f"{where}: unknown field(s): {', '.join(sorted(extra))}")
        states = pair.get("states")
        if not (isinstance(states, list) and len(states) == 2 and all(isinstance(s, str) for s in states)):
            errors.append(f"{where}: 'states' must be a list of two ISO alpha-3 codes")
            continue
        bad = [s for s in states if s not in known_codes]
        if bad:
            errors.append(f"{where}: unknown state code(s): {', '.join(bad)}")
        if states[0] == states[1]:
            errors.append(f"{where}: a pair needs two different states, got {states[0]} twice")
        key = tuple(sorted(states))
        if key in seen:
            errors.append(f"{where}: the pair {key[0]}-{key[1]} is labelled twice")
        seen.add(key)
        stance = pair.get("stance")
        if stance not in STANCE_LABELS:
            errors.append(
                f"{where}: unknown stance {stance!r} (expected one of {', '.join(STANCE_LABELS)})"
            )
        source = pair.get("source")
        if source is not None and source not in states:
            errors.append(f"{where}: source {source!r} is not one of the pair's states")
        pairs.append(PairLabel(key, stance, source))
    if errors:
        return None, errors
    fields = {name: obj[name] for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS) if name in obj}
    fields["pairs"] = tuple(pairs)
    return fields, []


def _tone_rating_errors(ratings: dict) -> list[str]:
    low, high = TONE_RATING_RANGE
    errors = []
    for rater, rating in ratings.items():
        if not rater.strip():
            errors.append("tone_ratings: a rater's name is empty")
        # bool is an int subclass: true/false in JSON is a typo, not a rating.
        if isinstance(rating, bool) or not isinstance(rating, int) or not low <= rating <= high:
            errors.append(f"tone_ratings: {rater!r} gives {rating!r}; a rating is an integer from {low} to {high}")
    return errors


def rating_class(rating: int) -> str:
    """A tone rating's class: its sign."""
    return "positive" if rating > 0 else "negative" if rating < 0 else "neutral"


def consensus_tone(record: Annotation) -> str:
    """The tone the readers share: a majority of the annotator's label and each rater's class.

    Without ratings this is the annotator's ``sentiment``. With them a class needs more than half
    of the votes, else ``neutral``: a tone that independent readers do not share is not clear
    enough to call (the mild cases that agreement studies showed to be the unreliable ones).
    """
    votes = [record.sentiment, *(rating_class(r) for r in (record.tone_ratings or {}).values())]
    for label in SENTIMENT_LABELS:
        if votes.count(label) * 2 > len(votes):
            return label
    return "neutral"


def mean_tone_rating(record: Annotation) -> float | None:
    """The mean of a sentence's tone ratings scaled to [-1, 1], or None when it has none."""
    if not record.tone_ratings:
        return None
    return sum(record.tone_ratings.values()) / len(record.tone_ratings) / TONE_RATING_RANGE[1]


def read_text_lines(path: Path, error: type[InputError] = InputError) -> Iterator[tuple[int, str]]:
    """Numbered non-blank lines of a UTF-8 text file; ``error`` names the file (and line) when it
    is missing, binary, not UTF-8 or empty. Shared by the annotation and evaluation readers."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if b"\x00" in raw:
        raise error("binary file (contains NUL bytes), expected JSON Lines", path=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error("not valid UTF-8", path=str(path), line=raw[: exc.start].count(b"\n") + 1) from None
    if not text.strip():
        raise error("empty file", path=str(path))
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield number, line


def validate_annotations(paths: Iterable[str | os.PathLike], *, check_mentions: bool = True) -> ValidationReport:
    """Check annotation files; return every record that parsed and every problem found."""
    from stance.states import KNOWN_CODES, find_states

    report = ValidationReport()
    add = report.problems.append
    first_seen_id: dict[str, tuple[str, int]] = {}
    labels_by_text: dict[str, tuple[str, int, tuple]] = {}
    try:
        files = annotation_files(paths)
    except AnnotationError as exc:
        add(Problem(exc.path or "", 0, exc.message, "error"))
        return report
    for path in files:
        try:
            lines = list(read_text_lines(path, AnnotationError))
        except AnnotationError as exc:
            add(Problem(str(path), exc.line or 0, exc.message, "error"))
            continue
        for number, line in lines:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                add(Problem(str(path), number, f"invalid JSON: {exc.msg} (column {exc.colno})", "error"))
                continue
            fields, errors = _parse_record(obj, KNOWN_CODES)
            for message in errors:
                add(Problem(str(path), number, message, "error"))
            if fields is None:
                continue
            record = Annotation(**fields, path=str(path), line=number)
            if record.id in first_seen_id:
                where = "{}:{}".format(*first_seen_id[record.id])
                add(Problem(str(path), number, f"duplicate id {record.id!r} (first at {where})", "error"))
                continue
            first_seen_id[record.id] = (str(path), number)
            labels = (record.sentiment, record.sentence_stance,
                      tuple(sorted((p.states, p.stance) for p in record.pairs)))
            previous = labels_by_text.get(record.text)
            if previous and previous[2] != labels:
                add(Problem(str(path), number,
                            f"the same text is labelled differently at {previous[0]}:{previous[1]}", "error"))
            labels_by_text.setdefault(record.text, (str(path), number, labels))
            if check_mentions and record.pairs:
                found = {m.code for m in find_states(record.text, record.date)}
                for pair in record.pairs:
                    missing = [s for s in pair.states if s not in found]
                    if missing:
                        add(Problem(str(path), number,
                                    f"the recogniser does not find {', '.join(missing)} in the text", "warning"))
            report.annotations.append(record)
    for a, b, score in near_duplicates(report.annotations):
        add(Problem(b.path, b.line,
                    f"near-duplicate of {a.path}:{a.line} (word-trigram Jaccard {score:.2f})", "warning"))
    return report


def load_annotations(paths: Iterable[str | os.PathLike]) -> list[Annotation]:
    """Read annotation files; raise AnnotationError naming file and line on the first error."""
    report = validate_annotations(paths, check_mentions=False)
    if report.errors:
        first = report.errors[0]
        more = len(report.errors) - 1
        suffix = f" (and {more} more error(s); run `stance validate`)" if more else ""
        raise AnnotationError(first.message + suffix, path=first.path, line=first.line)
    if not report.annotations:
        raise AnnotationError("no annotations found", path=", ".join(str(p) for p in paths))
    return report.annotations


_WORD = re.compile(r"\w+")


def _trigrams(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def near_duplicates(records: list[Annotation], threshold: float = NEAR_DUPLICATE_JACCARD):
    """Pairs of records whose word-trigram Jaccard similarity is at least ``threshold``."""
    grams = [_trigrams(r.text) for r in records]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, g in enumerate(grams):
        for t in g:
            index[t].append(i)
    found = []
    for j, g in enumerate(grams):
        if not g:
            continue
        shared: dict[int, int] = defaultdict(int)
        for t in g:
            for i in index[t]:
                if i < j:
                    shared[i] += 1
        for i, n in shared.items():
            score = n / len(grams[i] | g)
            if score >= threshold:
                found.append((records[i], records[j], score))
    return found
