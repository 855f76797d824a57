"""Reading articles, cleaning page boilerplate, and cutting documents into sentences.

Reading
-------
:func:`read_documents` streams :class:`Document` objects from plain-text files (one file, one
document), JSON Lines, CSV, directories (recursive, sorted), ``"-"`` (standard input) and gzip
files of any of these. Every ``Document.text`` uses ``"\\n"`` line ends (``\\r\\n`` and ``\\r`` are
converted, as text mode's universal newlines do), so offsets into it are the same whichever way
it was read. Bad input raises :class:`~stance.errors.InputError` naming the file and line, or is
passed to ``on_error`` and skipped.

Cleaning
--------
Scraped pages carry captions, widgets, bylines and links that are not body text. Cleaning works
line by line (a paragraph is a line) and never rewrites text: :func:`clean_spans` returns the
spans of the original text that survive, so sentence offsets stay offsets into the document.
The rules are data in ``stance/resources/boilerplate.tsv`` (one regular expression per rule and
a column saying what it is for) plus these generic rules in code:

* a line with fewer than 4 words and no sentence-final punctuation is dropped (labels, names,
  widget buttons, "TT");
* a line of at most 120 characters with no lowercase letter is dropped (section headings);
* repeated lines (compared lowercased, punctuation ignored): a line identical to the line
  directly above it (no blank line between) is a duplicated caption, and both copies are
  dropped, since captions are not body text; a later copy of any other line (a headline printed
  twice) is dropped and the first copy kept;
* a pull quote — a short line whose words occur inside a longer line of the same document — is
  dropped, with the attribution line directly below it (at most 8 words, no final punctuation);
* datelines ("WASHINGTON – ", "MOSCOW, Russia – ", "BAGHDAD (Reuters) - ") are cut from the start
  of the kept span: a dateline names where the reporter was, not an actor, and a capital there
  would be read as a state.

Pages that run several articles together stay one document; their repeated headlines and
captions are dropped by the rules above, and since sentences never cross a line, no sentence
mixes two articles.

:func:`document_sentences` cleans, splits each kept span with :func:`stance.segment.split_sentences`
and drops sentences that match a ``drop_sentence`` rule or contain no letter.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from stance.errors import InputError

__all__ = ["Document", "Sentence", "clean_spans", "document_sentences", "read_documents"]

# ----------------------------------------------------------------------------- data classes


@dataclass(frozen=True, slots=True)
class Document:
    """One article. ``line`` is the 1-based line of a JSON Lines / CSV record, else None."""

    id: str
    text: str
    path: str
    line: int | None = None
    date: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: ``text == document_text[start:end]``."""

    text: str
    start: int
    end: int


# ----------------------------------------------------------------------------- reading

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv",)
KNOWN_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES
STDIN = "-"
_STDIN_NAME = "<stdin>"
_SNIFF_BYTES = 8192
_CSV_FIELD_LIMIT = 1 << 28  # csv's default (131072 characters) is shorter than long articles

ErrorHandler = Callable[[InputError], None]


def read_documents(
    paths: Iterable[str | os.PathLike],
    *,
    text_column: str = "text",
    on_error: ErrorHandler | None = None,
) -> Iterator[Document]:
    """Yield the documents in ``paths``, in order; see the module docstring for the formats.

    ``.jsonl``, ``.ndjson`` and ``.json`` files are read as JSON Lines (one object a line).
    ``text_column`` names the text field of JSON Lines records and the text column of CSV files.
    Optional ``id``, ``date`` and ``title`` fields/columns are used when present; a record's id
    defaults to ``name:line``. A file's id (and the prefix of a record's default id) is its path
    relative to the directory given, or its file name when the file was given directly.

    Without ``on_error`` the first bad file or record raises :class:`InputError`; with it, the
    error is passed to ``on_error`` and reading continues with the next record or file.
    """

    def fail(err: InputError) -> None:
        if on_error is None:
            raise err
        on_error(err)

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]  # one path, not an iterable of characters
    for raw in paths:
        path = os.fspath(raw)
        if path == STDIN:
            yield from _read_stdin(text_column, fail)
            continue
        p = Path(path)
        if p.is_dir():
            files = _walk(p)
            if not files:
                fail(
                    InputError(
                        f"no {'/'.join(KNOWN_SUFFIXES)} files (or .gz) in the directory", path=path
                    )
                )
            for f in files:
                name = f.relative_to(p).as_posix()
                yield from _read_file(str(f), name, text_column, fail)
        elif p.exists():
            yield from _read_file(path, p.name, text_column, fail)
        else:
            fail(InputError("no such file or directory", path=path))


def _walk(root: Path) -> list[Path]:
    """Files with a known suffix (or the same + .gz) under ``root``, sorted, recursively."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in filenames:
            if fn.startswith("."):
                continue
            if _suffix(fn) in KNOWN_SUFFIXES:
                out.append(Path(dirpath, fn))
    return sorted(out, key=lambda f: f.relative_to(root).as_posix())


def _suffix(name: str) -> str:
    """Lowercase format suffix, looking through a trailing .gz."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return os.path.splitext(lower)[1]


def _read_file(path: str, name: str, text_column: str, fail) -> Iterator[Document]:
    suffix = _suffix(path)
    try:
        opener = gzip.open if path.lower().endswith(".gz") else open
        with opener(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
            problem = _binary_problem(head)
            if problem:
                fail(InputError(problem, path=path))
                return
            stream = _Prefixed(head, fh)
            if suffix in JSONL_SUFFIXES:
                yield from _read_jsonl(_decoded_lines(stream, path), path, name, text_column, fail)
            elif suffix in CSV_SUFFIXES:
                yield from _read_csv(_decoded_lines(stream, path), path, name, text_column, fail)
            else:  # .txt, or any other file the caller named explicitly
                doc = _text_document(stream.read(), path, name)
                if doc is not None:
                    yield doc
    except InputError as err:
        fail(err)
    except (OSError, EOFError, zlib.error) as err:
        fail(InputError(f"cannot read: {err}", path=path))


def _binary_problem(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 text is not supported: convert the file to UTF-8"
    if b"\x00" in head:
        return "binary file (contains NUL bytes), not UTF-8 text"
    return None


class _Prefixed:
    """A binary stream whose first bytes were already read (for sniffing)."""

    def __init__(self, head: bytes, rest):
        self._head = head
        self._rest = rest

    def read(self) -> bytes:
        data = self._head + self._rest.read()
        self._head = b""
        return data

    def __iter__(self) -> Iterator[bytes]:
        buf = io.BytesIO(self._head)
        first = b""
        for line in buf:
            if not line.endswith(b"\n"):
                first = line  # incomplete last line of the sniffed block
                break
            yield line
        for line in self._rest:
            if first:
                line, first = first + line, b""
            yield line
        if first:
            yield first


def _decode(data: bytes, path: str, line: int | None = None) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"not valid UTF-8 ({err.reason} at byte {err.start})", path=path, line=line
        ) from None
    if "\x00" in text:
        raise InputError("binary data (NUL bytes), not text", path=path, line=line)
    return text


def _newlines(text: str) -> str:
    """Universal newlines: ``\\r\\n`` and ``\\r`` become ``\\n``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _decoded_lines(stream, path: str) -> Iterator[tuple[int, str | InputError]]:
    """(1-based line number, decoded line with its end) of a binary stream; BOM removed.

    A line that cannot be decoded comes as an :class:`InputError` instead of a string, so the
    caller can report it and go on (a generator that raises is finished).
    """
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield number, _decode(raw, path, number)
        except InputError as err:
            yield number, err


def _text_document(data: bytes, path: str, name: str) -> Document | None:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    text = _newlines(_decode(data, path))
    if not text.strip():
        raise InputError("empty file", path=path)
    return Document(id=name, text=text, path=path)


def _optional(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _record(fields: dict, text_column: str, path: str, name: str, line: int) -> Document:
    if text_column not in fields:
        raise InputError(f"no {text_column!r} field", path=path, line=line)
    text = fields[text_column]
    if not isinstance(text, str):
        raise InputError(f"field {text_column!r} is not a string", path=path, line=line)
    if not text.strip():
        raise InputError(f"field {text_column!r} is empty", path=path, line=line)
    return Document(
        id=_optional(fields.get("id")) or f"{name}:{line}",
        text=_newlines(text),
        path=path,
        line=line,
        date=_optional(fields.get("date")),
        title=_optional(fields.get("title")),
    )


def _read_jsonl(
    lines: Iterable[tuple[int, str]], path: str, name: str, text_column: str, fail
) -> Iterator[Document]:
    found = False
    for number, line in lines:
        if isinstance(line, InputError):  # undecodable line: report it and go on
            found = True
            fail(line)
            continue
        if not line.strip():
            continue
        found = True
        try:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(
                    f"not JSON: {err.msg} (column {err.colno})", path=path, line=number
                ) from None
            if not isinstance(obj, dict):
                raise InputError(
                    "a JSON Lines record must be an object (one {...} per line; JSON arrays "
                    "are not read)",
                    path=path,
                    line=number,
                )
            yield _record(obj, text_column, path, name, number)
        except InputError as err:
            fail(err)
    if not found:
        fail(InputError("empty file", path=path))


def _read_csv(
    lines: Iterable[tuple[int, str]], path: str, name: str, text_column: str, fail
) -> Iterator[Document]:
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    current = [0]

    def feed():
        for number, line in lines:
            current[0] = number
            if isinstance(line, InputError):
                raise line
            yield line

    reader = csv.reader(feed())
    try:
        header = next(reader, None)
    except csv.Error as err:
        raise InputError(f"bad CSV header: {err}", path=path, line=current[0]) from None
    if header is None:
        raise InputError("empty file", path=path)
    header = [h.strip() for h in header]
    if text_column not in header:
        raise InputError(
            f"no {text_column!r} column (columns: {', '.join(header)})", path=path, line=1
        )
    found = False
    start = current[0] + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise InputError(f"bad CSV: {err}", path=path, line=current[0]) from None
        line, start = start, current[0] + 1
        if not row or not any(cell.strip() for cell in row):
            continue
        found = True
        if len(row) != len(header):
            fail(
                InputError(f"{len(row)} fields, the header has {len(header)}", path=path, line=line)
            )
            continue
        try:
            yield _record(dict(zip(header, row, strict=True)), text_column, path, name, line)
        except InputError as err:
            fail(err)
    if not found:
        fail(InputError("no records", path=path))


def _read_stdin(text_column: str, fail) -> Iterator[Document]:
    """Standard input: JSON Lines if the first non-blank character is "{", else one text."""
    stream = sys.stdin
    binary = getattr(stream, "buffer", None)
    try:
        if binary is not None:
            lines = (raw for raw in binary)
            decode = True
        else:
            lines = iter(stream)
            decode = False
        buffered = []
        first = ""
        for raw in lines:
            buffered.append(raw)
            piece = raw.decode("utf-8", "replace") if decode else raw
            piece = piece.lstrip("\ufeff").strip()
            if piece:
                first = piece[0]
                break

        def all_lines():
            yield from buffered
            yield from lines

        if first == "{":
            if decode:
                numbered = _decoded_lines(all_lines(), _STDIN_NAME)
            else:
                numbered = (
                    (n, s.lstrip("\ufeff") if n == 1 else s) for n, s in enumerate(all_lines(), 1)
                )
            yield from _read_jsonl(numbered, _STDIN_NAME, _STDIN_NAME, text_column, fail)
        else:
            if decode:
                doc = _text_document(b"".join(all_lines()), _STDIN_NAME, _STDIN_NAME)
            else:
                text = _newlines("".join(all_lines()).lstrip("\ufeff"))
                if not text.strip():
                    raise InputError("empty input", path=_STDIN_NAME)
                doc = Document(id=_STDIN_NAME, text=text, path=_STDIN_NAME)
            if doc is not None:
                yield doc
    except InputError as err:
        fail(err)


# ----------------------------------------------------------------------------- cleaning

_ACTIONS = (
    "end",
    "drop_line",
    "credit",
    "caption_end",
    "strip_tail",
    "strip_head",
    "drop_sentence",
    "drop_sentence_start",
)
_MAX_CAPTION = 600  # longest line the caption_end rule may drop
_MAX_SHORT_LINE = 200  # longest line the whole-line rules are tried on
_TAIL_WINDOW = 320  # strip_tail looks at this many characters at the end of a line
_HEADING_MAX = 120
_PULL_QUOTE_MAX = 300
_ATTRIBUTION_MAX_WORDS = 8
_MIN_WORDS = 4

_END_PUNCT = re.compile(r"[.!?…][\"'”’)\]]*\Z")
_NORM = re.compile(r"[\W_]+")
_LETTER = re.compile(r"[^\W\d_]")


class _Rules:
    __slots__ = (
        "caption_end",
        "credit",
        "drop_line",
        "drop_sentence",
        "drop_sentence_start",
        "end",
        "strip_head",
        "strip_tail",
        "table",
    )

    def __init__(self, table: list[tuple[str, str, str]]):
        self.table = table
        by_action: dict[str, list[str]] = {a: [] for a in _ACTIONS}
        for action, pattern, _ in table:
            by_action[action].append(f"(?:{pattern})")

        def one(action: str, suffix: str = "") -> re.Pattern[str] | None:
            parts = by_action[action]
            return re.compile(f"(?:{'|'.join(parts)}){suffix}") if parts else None

        self.end = one("end", r"\Z")
        self.drop_line = one("drop_line", r"\Z")
        self.credit = one("credit", r"\Z")
        self.caption_end = one("caption_end")
        self.strip_tail = one("strip_tail")
        self.strip_head = one("strip_head")
        self.drop_sentence = one("drop_sentence")
        self.drop_sentence_start = one("drop_sentence_start")


_rules_cache: _Rules | None = None


def _load_rules() -> _Rules:
    global _rules_cache
    if _rules_cache is None:
        raw = resources.files("stance").joinpath("resources", "boilerplate.tsv").read_text("utf-8")
        _rules_cache = _Rules(_parse_rules(raw, "stance/resources/boilerplate.tsv"))
    return _rules_cache


def _parse_rules(raw: str, where: str) -> list[tuple[str, str, str]]:
    table = []
    header_seen = False
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if cells[:3] != ["action", "pattern", "purpose"]:
                raise InputError(
                    "header must be action<TAB>pattern<TAB>purpose", path=where, line=number
                )
            continue
        if len(cells) != 3 or not cells[2].strip():
            raise InputError(
                "a rule needs 3 tab-separated cells: action, pattern, purpose",
                path=where,
                line=number,
            )
        action, pattern, purpose = cells
        if action not in _ACTIONS:
            raise InputError(f"unknown action {action!r}", path=where, line=number)
        try:
            re.compile(pattern)
        except re.error as err:
            raise InputError(f"bad pattern: {err}", path=where, line=number) from None
        table.append((action, pattern, purpose))
    return table


def boilerplate_rules() -> list[tuple[str, str, str]]:
    """The (action, pattern, purpose) rows of boilerplate.tsv, for reports and model cards."""
    return list(_load_rules().table)


def _lines(text: str) -> tuple[list[int], list[int], list[bool]]:
    """Stripped non-blank lines as parallel lists: start, end, blank line before it."""
    starts: list[int] = []
    ends: list[int] = []
    blank_before: list[bool] = []
    offset = 0
    blank = False
    for piece in text.splitlines(True):
        stripped = piece.strip()
        if stripped:
            s = offset + len(piece) - len(piece.lstrip())
            starts.append(s)
            ends.append(s + len(stripped))
            blank_before.append(blank)
            blank = False
        else:
            blank = True
        offset += len(piece)
    return starts, ends, blank_before


def clean_spans(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of ``text`` that survive cleaning, one per kept line, in order."""
    rules = _rules_cache or _load_rules()
    starts, ends, blank_before = _lines(text)
    n = len(starts)
    keep = [True] * n
    body_seen = False  # an `end` marker above all body text (a byline box) ends nothing
    for i in range(n):
        s, e = starts[i], ends[i]
        if e - s <= _MAX_SHORT_LINE and rules.end and rules.end.match(text, s, e):
            if body_seen:
                for j in range(i, n):
                    keep[j] = False
                break
            keep[i] = False
            continue
        # strip trailing fragments (bylines) and leading datelines
        if rules.strip_tail:
            m = rules.strip_tail.search(text, max(s, e - _TAIL_WINDOW), e)
            if m:
                e = m.start()
                while e > s and text[e - 1].isspace():
                    e -= 1
        if rules.strip_head:
            for _ in range(3):
                m = rules.strip_head.match(text, s, e)
                if not m or m.end() == s:
                    break
                s = m.end()
        starts[i], ends[i] = s, e
        if s >= e:
            keep[i] = False
            continue
        length = e - s
        if length <= _MAX_SHORT_LINE:
            if rules.drop_line and rules.drop_line.match(text, s, e):
                keep[i] = False
                continue
            if rules.credit and rules.credit.match(text, s, e):
                keep[i] = False
                if i > 0 and not blank_before[i]:
                    keep[i - 1] = False  # the caption this credit belongs to
                continue
            line = text[s:e]
            has_end = _END_PUNCT.search(line) is not None
            if not has_end and len(line.split()) < _MIN_WORDS:
                keep[i] = False
                continue
            if length <= _HEADING_MAX and not any(c.islower() for c in line):
                keep[i] = False
                continue
        if (
            length <= _MAX_CAPTION
            and rules.caption_end
            and rules.caption_end.search(text, max(s, e - _TAIL_WINDOW), e)
        ):
            keep[i] = False
            continue
        if not body_seen and _END_PUNCT.search(text, max(s, e - 8), e):
            body_seen = True
    if n > 1:
        _drop_repeats(text, starts, ends, blank_before, keep)
    return [(starts[i], ends[i]) for i in range(n) if keep[i]]


def _norm(s: str) -> str:
    return _NORM.sub(" ", s.lower()).strip()


def _drop_repeats(
    text: str, starts: list[int], ends: list[int], blank_before: list[bool], keep: list[bool]
) -> None:
    """Duplicated captions, repeated headlines and pull quotes (see the module docstring)."""
    n = len(starts)
    keys = [_norm(text[starts[i] : ends[i]]) for i in range(n)]
    joined = "\n".join(keys)
    copies = Counter(keys)
    seen: set[str] = set()
    for i in range(n):
        key = keys[i]
        if not key:
            continue
        if i > 0 and not blank_before[i] and keys[i - 1] == key:  # duplicated caption
            keep[i] = keep[i - 1] = False
        elif key in seen:
            keep[i] = False
        elif (
            keep[i]
            and ends[i] - starts[i] <= _PULL_QUOTE_MAX
            and key.count(" ") >= _MIN_WORDS - 1
            and joined.count(key) > copies[key]
        ):
            keep[i] = False  # a pull quote: the same words are in a longer line
            j = i + 1
            if j < n and keep[j] and not blank_before[j]:
                below = text[starts[j] : ends[j]]
                if (
                    _END_PUNCT.search(below) is None
                    and len(below.split()) <= _ATTRIBUTION_MAX_WORDS
                ):
                    keep[j] = False
        seen.add(key)


# ----------------------------------------------------------------------------- sentences


def document_sentences(text: str) -> list[Sentence]:
    """Clean ``text`` and split it into sentences whose offsets index ``text``."""
    from stance.segment import split_sentences

    rules = _rules_cache or _load_rules()
    drop = rules.drop_sentence
    drop_start = rules.drop_sentence_start
    out: list[Sentence] = []
    for s, e in clean_spans(text):
        span_text = text[s:e]
        for a, b in split_sentences(span_text):
            sent = span_text[a:b]
            if drop is not None and drop.search(sent):
                continue
            if drop_start is not None and drop_start.match(sent):
                continue
            if _LETTER.search(sent) is None:
                continue
            out.append(Sentence(sent, s + a, s + b))
    return out
