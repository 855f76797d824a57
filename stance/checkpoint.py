"""Output files that survive interruption: ``FILE.partial`` + ``FILE.partial.progress``.

``stance classify --output FILE`` never writes FILE directly. It streams into ``FILE.partial``
and, after each chunk of documents is written whole and flushed, appends one line to
``FILE.partial.progress``: how many input documents are done, the id of the last one, and the
byte size of ``FILE.partial`` at that point. The first line of the progress file records the
options and inputs of the run. At the end, ``FILE.partial`` is synced and renamed to FILE (an
atomic replace: FILE is the old file or the complete new one, never half of one) and the
progress file is removed.

* Ctrl-C or an error, without ``--resume``: both files are removed (like an atomic writer).
* Ctrl-C or an error with ``--resume``, or a kill that cannot be caught (SIGKILL, power loss of
  the process): both files stay. ``--resume`` then reads the last complete progress line,
  cuts ``FILE.partial`` back to the size it names (dropping a half-written line or chunk),
  skips that many input documents (checking that the last one has the recorded id) and
  appends. The result is byte for byte what an uninterrupted run writes.
* ``--resume`` when there is nothing to resume starts afresh; with a progress file written
  with other options or inputs it stops with an error rather than mix two runs.

Only line formats (jsonl, csv) can be resumed. Progress lines are flushed to the operating
system, not synced to disk after each chunk (that would cost a disk round trip per chunk): a
killed process loses nothing; a crashed machine may lose the last chunks, which a resume redoes.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from stance.errors import InputError

PARTIAL_SUFFIX = ".partial"
PROGRESS_SUFFIX = ".partial.progress"
RESUMABLE_FORMATS = ("jsonl", "csv")
_VERSION = 1


class ResumeError(InputError):
    """A partial output cannot be resumed with these inputs and options."""


def fingerprint(*, paths: Iterable[str], fmt: str, all_sentences: bool, min_confidence: float,
                text_column: str, summary: bool, model_files: dict | None) -> dict:
    """What must be the same for a resumed run to continue a partial output."""
    return {
        "stance_partial": _VERSION,
        "inputs": [p if p == "-" else os.path.abspath(p) for p in map(os.fspath, paths)],
        "format": fmt,
        "all_sentences": all_sentences,
        "min_confidence": min_confidence,
        "text_column": text_column,
        "summary": summary,
        "model": model_files or {},
    }


class CheckpointedOutput:
    """A text sink for :class:`stance.classification.StreamWriter` with checkpoints; see the module doc."""

    def __init__(self, path: str | os.PathLike, run: dict, *, resume: bool = False):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + PARTIAL_SUFFIX)
        self.progress = self.path.with_name(self.path.name + PROGRESS_SUFFIX)
        self.run = run
        self.resume = resume
        self.resumed = False
        self.documents = 0  # input documents completely written
        self.last_id: str | None = None
        self._offset = 0
        self._handle = None
        self._progress = None

    # -- opening ---------------------------------------------------------------------------
    def start(self) -> CheckpointedOutput:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = self._read_progress() if self.resume else None
        if state is not None:
            self.documents, self.last_id, self._offset = state
            self._handle = open(self.partial, "r+b")  # noqa: SIM115 - closed in commit/abort
            self._handle.truncate(self._offset)
            self._handle.seek(self._offset)
            self._progress = open(self.progress, "a", encoding="utf-8")  # noqa: SIM115
            self.resumed = True
        else:
            self._handle = open(self.partial, "wb")  # noqa: SIM115
            self._progress = open(self.progress, "w", encoding="utf-8")  # noqa: SIM115
            self._progress.write(json.dumps(self.run, sort_keys=True) + "\n")
            self._progress.flush()
        return self

    def _read_progress(self) -> tuple[int, str | None, int] | None:
        """The last complete checkpoint, or None when there is nothing to resume."""
        if not (self.partial.is_file() and self.progress.is_file()):
            return None
        lines = self.progress.read_text(encoding="utf-8").split("\n")
        complete = lines[:-1]  # the text after the last newline is an unfinished line
        try:
            run = json.loads(complete[0]) if complete else None
        except json.JSONDecodeError:
            run = None
        if run is None:
            return None
        if run != self.run:
            changed = sorted(k for k in set(run) | set(self.run) if run.get(k) != self.run.get(k))
            raise ResumeError(f"{self.partial} was written by a run with other {', '.join(changed)}; "
                              f"run with the same inputs and options, or delete {self.partial} and "
                              f"{self.progress} to start afresh", path=str(self.path))
        last = None
        for line in complete[1:]:
            try:
                last = json.loads(line)
            except json.JSONDecodeError:
                break
        if last is None:
            return None
        size = self.partial.stat().st_size
        if size < last["offset"]:
            raise ResumeError(f"{self.partial} is shorter ({size} bytes) than its progress file says "
                              f"({last['offset']}); delete both files to start afresh", path=str(self.path))
        return last["documents"], last["last_id"], last["offset"]

    # -- writing ---------------------------------------------------------------------------
    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self._handle.write(data)
        self._offset += len(data)
        return len(text)

    def flush(self) -> None:
        self._handle.flush()

    def checkpoint(self, documents: int, last_id: str | None) -> None:
        """Record that ``documents`` more input documents are completely written (and flushed)."""
        self._handle.flush()
        self.documents += documents
        if last_id is not None:
            self.last_id = last_id
        self._progress.write(json.dumps({"documents": self.documents, "last_id": self.last_id,
                                         "offset": self._offset}, ensure_ascii=False) + "\n")
        self._progress.flush()

    # -- closing ---------------------------------------------------------------------------
    def commit(self) -> None:
        """Sync and rename ``FILE.partial`` to FILE; remove the progress file."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._progress.close()
        os.replace(self.partial, self.path)
        self.progress.unlink(missing_ok=True)

    def abort(self, *, keep: bool) -> None:
        """Close; keep both files for ``--resume`` or remove them."""
        for handle in (self._handle, self._progress):
            if handle is not None and not handle.closed:
                handle.close()
        if not keep:
            self.partial.unlink(missing_ok=True)
            self.progress.unlink(missing_ok=True)

    # -- resuming --------------------------------------------------------------------------
    def records(self, fmt: str) -> Iterator[dict]:
        """The records already in the partial file (to rebuild a summary on resume)."""
        def lines() -> Iterator[str]:
            read = 0
            with open(self.partial, "rb") as handle:
                for raw in handle:
                    read += len(raw)
                    if read > self._offset:
                        return
                    yield raw.decode("utf-8")

        if fmt == "jsonl":
            for line in lines():
                if line.strip():
                    yield json.loads(line)
        else:
            for row in csv.DictReader(lines()):
                yield _typed(row)


_FLOATS = ("p_cooperative", "p_confrontational", "p_neutral", "score", "tone_score")


def _typed(row: dict) -> dict:
    """A CSV row back into a record's types (empty cells were None)."""
    out: dict = {k: (v if v != "" else None) for k, v in row.items()}
    for key in ("sentence", "start", "end"):
        out[key] = int(out[key])
    for key in _FLOATS:
        if out[key] is not None:
            out[key] = float(out[key])
    if out["found"] is not None:
        out["found"] = out["found"] == "True"
    return out


def skip_documents(documents: Iterable, count: int, last_id: str | None) -> Iterator:
    """Skip the ``count`` documents a previous run completed, checking the last one's id."""
    documents = iter(documents)
    last = None
    for skipped in range(count):
        last = next(documents, None)
        if last is None:
            raise ResumeError(f"the input has only {skipped} documents, but the partial output already "
                              f"holds {count}; is this the same input?")
    if count and last.id != last_id:
        raise ResumeError(f"document {count} of the input is {last.id!r}, but the partial output ends "
                          f"with {last_id!r}; is this the same input?")
    yield from documents
