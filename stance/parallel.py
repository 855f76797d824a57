"""Classifying on every core: chunks of documents, one model per worker process, results in order.

Design
------
* The input is cut into chunks of whole documents (at most :data:`CHUNK_DOCUMENTS` documents or
  :data:`CHUNK_CHARACTERS` characters of text). The chunks are the same whatever the number of
  workers, and results are written in chunk order, so the output is byte for byte the same with
  ``--jobs 1`` and ``--jobs 8`` (and with the Dask engine, which uses the same chunks).
* ``jobs == 1`` runs in this process, with no pool. With more jobs, a process pool starts only if
  the input holds more than one chunk (a small input is classified here, without paying for the
  workers' start-up). Each worker loads the model once, from its directory, in the pool's
  initializer; it receives chunks, classifies them and renders the output text, so the
  rendering runs in parallel too.
* Memory stays bounded: :func:`ordered_map` keeps at most ``window`` chunks in flight
  (``multiprocessing.Pool.imap`` would read the whole input ahead of the workers).
* Workers use the ``forkserver`` start method where there is one (Linux; ``spawn`` elsewhere),
  with stance and scikit-learn preloaded in the server, so forking is cheap and safe even
  though the parent has threads. They ignore Ctrl-C (the parent handles it and stops them) and
  exit by themselves within a second if the parent dies (SIGKILL), instead of lingering (the
  fork server and the resource tracker then exit too).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from stance.classification import ChunkResult, ClassifyOptions, classify_chunk
from stance.corpus import Document

CHUNK_DOCUMENTS = 256
CHUNK_CHARACTERS = 256_000
WINDOW_PER_WORKER = 2
_PRELOAD = ["stance.classification", "stance.inference", "stance.features", "stance.states",
            "stance.corpus", "stance.segment", "stance.persistence"]


def available_cores() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def chunk_documents(documents: Iterable[Document], *, max_documents: int | None = None,
                    max_characters: int | None = None) -> Iterator[list[Document]]:
    """Group documents into lists of at most ``max_documents`` or about ``max_characters``.

    Defaults: :data:`CHUNK_DOCUMENTS` and :data:`CHUNK_CHARACTERS`.
    """
    max_documents = max_documents or CHUNK_DOCUMENTS
    max_characters = max_characters or CHUNK_CHARACTERS
    chunk: list[Document] = []
    size = 0
    for document in documents:
        chunk.append(document)
        size += len(document.text)
        if len(chunk) >= max_documents or size >= max_characters:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def ordered_map(submit: Callable, items: Iterable, window: int) -> Iterator:
    """``submit(item)`` returns a future; yield their results in input order, ``window`` in flight."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _slim(documents: list[Document]) -> list[tuple]:
    """What a worker needs of each document (no paths, no titles): less to pickle."""
    return [(d.id, d.text, d.date) for d in documents]


def _documents(rows: list[tuple]) -> list[Document]:
    return [Document(id=i, text=t, path="", date=d) for i, t, d in rows]


# ---------------------------------------------------------------- worker side

_WORKER: dict = {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process its parent has not reaped yet is a zombie: dead too
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _watch(main: int) -> None:
    # Our direct parent is the fork server, not the process that reads our results, and the
    # pool's queues do not tell an idle worker that this process died: look at it instead.
    while True:
        time.sleep(1.0)
        if not _alive(main):
            os._exit(1)


def init_worker(model_path: str, options: ClassifyOptions, main: int | None = None) -> None:
    """Pool initializer: load the model once for this worker; leave Ctrl-C to the parent.

    ``main`` is the process that started the pool: the worker exits when it dies (a SIGKILL
    gives it no chance to stop its workers; without this they would wait forever).
    """
    from stance.inference import load_model

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if main is not None:
        threading.Thread(target=_watch, args=(main,), daemon=True).start()
    _WORKER["model"] = load_model(model_path)
    _WORKER["options"] = options


def work(rows: list[tuple]) -> ChunkResult:
    """Classify one chunk with this worker's model."""
    return classify_chunk(_WORKER["model"], _documents(rows), _WORKER["options"])


# ---------------------------------------------------------------- parent side


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def run_local(documents: Iterable[Document], model, options: ClassifyOptions, *, jobs: int = 1,
              chunks: Iterable[list[Document]] | None = None) -> Iterator[ChunkResult]:
    """Classify ``documents`` (or pre-cut ``chunks``) on ``jobs`` processes; yield results in order.

    ``model`` is a loaded :class:`~stance.inference.StanceModel`; workers load their own copy
    from ``model.path``.
    """
    chunks = iter(chunks if chunks is not None else chunk_documents(documents))
    if jobs <= 1 or not model.path:
        for chunk in chunks:
            yield classify_chunk(model, chunk, options)
        return
    first = next(chunks, None)
    second = next(chunks, None)
    if second is None:  # one chunk: not worth starting workers
        if first is not None:
            yield classify_chunk(model, first, options)
        return
    yield from _pool_map(_prepend([first, second], chunks), str(model.path), options, jobs)


def _prepend(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


def _pool_map(chunks: Iterator[list[Document]], model_path: str, options: ClassifyOptions,
              jobs: int) -> Iterator[ChunkResult]:
    from concurrent.futures import ProcessPoolExecutor

    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=init_worker,
                                   initargs=(model_path, options, os.getpid()))
    try:
        yield from ordered_map(lambda chunk: executor.submit(work, _slim(chunk)), chunks,
                               window=WINDOW_PER_WORKER * jobs)
    except BaseException:
        # Ctrl-C, an error, or the consumer stopped: drop queued chunks, do not wait for them.
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        executor.shutdown(wait=True)
