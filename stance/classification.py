"""Classifying documents: a stream of documents in, a stream of flat records out.

One record per (sentence, pair of states), the shape every event coder emits; sentences
without a pair can be added as tone-only records. Work is batched across documents so the
vectorisers and the classifier run on many rows at once.

Everything here streams, so a corpus of any size runs in bounded memory:

* :func:`classify_documents` yields records batch by batch;
* :func:`classify_chunk` turns one chunk of documents into a :class:`ChunkResult` (records already
  rendered as text), the unit the engines in :mod:`stance.parallel` and :mod:`stance.dask_engine`
  send to workers and write in order;
* :class:`Summary` aggregates records as they pass (it never keeps them);
* :class:`OutputFormat` renders a header, each chunk and a footer. ``json`` streams too: the
  records are written one by one inside ``{"records": [...]}`` and the bytes are exactly those of
  ``json.dumps(payload, indent=2)``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from stance.inference import STANCES, StanceModel

RECORD_FIELDS = (
    "doc", "sentence", "start", "end", "text", "state_a", "state_b", "stance",
    "p_cooperative", "p_confrontational", "p_neutral", "score", "tone", "tone_score",
    "sentence_stance", "sentence_score", "found",
)
FORMATS = ("table", "jsonl", "csv", "json")
BATCH_SENTENCES = 512


def classify_documents(documents: Iterable, model: StanceModel, *, all_sentences: bool = False,
                       min_confidence: float = 0.0) -> Iterator[dict]:
    """Yield flat records for each document's sentences, in input order.

    Without ``all_sentences`` a sentence that names fewer than two states cannot give a record,
    so it is not sent to the model at all (its tone would be computed and thrown away): on news
    most sentences name at most one state, and skipping them roughly halves the model's work.
    """
    from stance.corpus import document_sentences
    from stance.states import find_states

    batch: list = []
    for document in documents:
        for index, sentence in enumerate(document_sentences(document.text)):
            mentions = find_states(sentence.text, document.date)
            if not all_sentences and not _has_pair(mentions):
                continue
            batch.append((document.id, index, sentence, mentions))
        if len(batch) >= BATCH_SENTENCES:
            yield from _records(model.score_sentences(batch), all_sentences, min_confidence)
            batch = []
    if batch:
        yield from _records(model.score_sentences(batch), all_sentences, min_confidence)


def _has_pair(mentions) -> bool:
    if len(mentions) < 2:
        return False
    first = mentions[0].code
    return any(m.code != first for m in mentions)


def _records(results, all_sentences: bool, min_confidence: float) -> Iterator[dict]:
    for r in results:
        base = {"doc": r.doc, "sentence": r.index, "start": r.start, "end": r.end, "text": r.text}
        tone = {"tone": r.sentiment, "tone_score": r.sentiment_score,
                "sentence_stance": r.sentence_stance, "sentence_score": r.sentence_stance_score}
        kept = [p for p in r.pairs if max(p.probabilities.values()) >= min_confidence]
        for p in kept:
            yield {**base, "state_a": p.states[0], "state_b": p.states[1], "stance": p.stance,
                   **{f"p_{label}": p.probabilities[label] for label in STANCES},
                   "score": p.score, **tone, "found": p.found}
        if all_sentences and not kept:
            yield {**base, "state_a": None, "state_b": None, "stance": None, "p_cooperative": None,
                   "p_confrontational": None, "p_neutral": None, "score": None, **tone, "found": None}


# ---------------------------------------------------------------- chunks: the unit of work


@dataclass(frozen=True)  # no slots: frozen + slots dataclasses do not unpickle on Python 3.10
class ClassifyOptions:
    """What a worker needs besides the model: how to classify and how to render."""

    fmt: str = "jsonl"
    all_sentences: bool = False
    min_confidence: float = 0.0
    keep_records: bool = False  # also return the records (for --summary)


@dataclass(frozen=True)
class ChunkResult:
    """One chunk of documents, classified: rendered text, and the records if asked for.

    ``documents`` is how many input documents the chunk held and ``last_id`` the id of its last
    one: what a checkpoint records so that a resumed run skips exactly these documents.
    """

    documents: int
    last_id: str | None
    text: str
    records: tuple = ()
    count: int = 0  # records in the chunk


def classify_chunk(model: StanceModel, documents: list, options: ClassifyOptions) -> ChunkResult:
    """Classify a list of documents and render their records in ``options.fmt``."""
    records = list(classify_documents(documents, model, all_sentences=options.all_sentences,
                                      min_confidence=options.min_confidence))
    return ChunkResult(
        documents=len(documents),
        last_id=documents[-1].id if documents else None,
        text=OutputFormat(options.fmt).render(records),
        records=tuple(records) if options.keep_records else (),
        count=len(records),
    )


# ---------------------------------------------------------------- incremental summary


class Summary:
    """Per-document and per-pair aggregates, built one record at a time.

    Records are not kept: per document a few counters, per unordered pair of states a few
    counters and its two strongest sentences. Memory grows with the number of documents (one
    small entry each, as the output itself does) and of distinct pairs (at most ~20,000), not
    with the number of records. A document's sentences are counted as they change, which needs
    the records of a document in sentence order, as :func:`classify_documents` yields them.
    """

    def __init__(self) -> None:
        # doc -> [sentences, last sentence index, pairs, score sum, *counts in STANCES order]
        self._docs: dict = {}
        # "A-B" -> [sentences, score sum, *counts, most cooperative, most confrontational]
        self._pairs: dict = {}

    def add(self, record: dict) -> None:
        d = self._docs.get(record["doc"])
        if d is None:
            d = self._docs[record["doc"]] = [0, None, 0, 0.0, 0, 0, 0]
        if record["sentence"] != d[1]:
            d[0] += 1
            d[1] = record["sentence"]
        stance = record["stance"]
        if stance is None:
            return
        column = STANCES.index(stance)
        score = record["score"]
        d[2] += 1
        d[3] += score
        d[4 + column] += 1
        key = "-".join(sorted((record["state_a"], record["state_b"])))
        p = self._pairs.get(key)
        if p is None:
            p = self._pairs[key] = [0, 0.0, 0, 0, 0, None, None]
        p[0] += 1
        p[1] += score
        p[2 + column] += 1
        if p[5] is None or score > p[5]["score"] or p[6] is None or score < p[6]["score"]:
            example = {"doc": record["doc"], "sentence": record["sentence"], "score": score, "text": record["text"]}
            if p[5] is None or score > p[5]["score"]:
                p[5] = example
            if p[6] is None or score < p[6]["score"]:
                p[6] = example

    def update(self, records: Iterable[dict]) -> Summary:
        for record in records:
            self.add(record)
        return self

    def result(self) -> dict:
        """The summary as ``{"documents": {...}, "pairs": {...}}`` (pairs, most frequent first)."""
        docs = {k: {"sentences_with_pairs_or_tone": v[0], "pairs": v[2],
                    "mean_score": round(v[3] / v[2], 4) if v[2] else None,
                    "counts": dict(zip(STANCES, v[4:7], strict=True))} for k, v in self._docs.items()}
        pairs = {k: {"sentences": v[0], "mean_score": round(v[1] / v[0], 4),
                     "counts": dict(zip(STANCES, v[2:5], strict=True)),
                     "most_cooperative": v[5], "most_confrontational": v[6]}
                 for k, v in sorted(self._pairs.items(), key=lambda kv: -kv[1][0])}
        return {"documents": docs, "pairs": pairs}


# ---------------------------------------------------------------- output formats


def jsonl_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def csv_header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(RECORD_FIELDS)
    return buffer.getvalue()


def csv_lines(records: list[dict]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        ["" if r[f] is None else r[f] for f in RECORD_FIELDS] for r in records)
    return buffer.getvalue()


def table_line(record: dict, width: int = 70) -> str:
    """A readable one-line view for a terminal."""
    text = record["text"].replace("\n", " ")
    text = text if len(text) <= width else text[: width - 1] + "…"
    if record["stance"] is None:
        pair = "-"
        stance = "-"
        score = "     "
    else:
        pair = f"{record['state_a']}-{record['state_b']}"
        stance = record["stance"]
        score = f"{record['score']:+.2f}"
    own = record.get("sentence_stance") or "-"
    return f"{str(record['doc'])[:24]:24} {record['sentence']:>3} {pair:7} {stance:15} {score} " \
           f"{record['tone']:8} {record['tone_score']:+.2f} {own:15}  {text}\n"


def table_header() -> str:
    return f"{'doc':24} {'#':>3} {'pair':7} {'stance':15} {'score'} {'tone':8} {'tone':5} " \
           f"{'sentence stance':15}  sentence\n"


def _json_item(record: dict) -> str:
    # A record at depth 2 of json.dumps({"records": [...]}, indent=2): indented by 4 spaces.
    return "    " + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n    ")


class OutputFormat:
    """Header, chunk and footer text of one output format.

    Chunks are rendered where they are classified (in a worker, so rendering runs in parallel
    too); :class:`StreamWriter` puts them together. For ``json`` a chunk is its records joined
    by ``",\\n"`` and the writer adds the separator between chunks.
    """

    def __init__(self, fmt: str):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose {', '.join(FORMATS)}")
        self.fmt = fmt

    def header(self) -> str:
        return {"table": table_header(), "csv": csv_header(), "json": '{\n  "records": ['}.get(self.fmt, "")

    def render(self, records: list[dict]) -> str:
        if self.fmt == "jsonl":
            return "".join(jsonl_line(r) for r in records)
        if self.fmt == "csv":
            return csv_lines(records)
        if self.fmt == "table":
            return "".join(table_line(r) for r in records)
        return ",\n".join(_json_item(r) for r in records)

    def footer(self, summary: dict | None, wrote_records: bool) -> str:
        """Text after the last chunk: the summary where this format puts it, and closing brackets.

        For ``table`` the summary goes to stderr, not here (see :meth:`side_summary`).
        """
        if self.fmt == "json":
            out = "\n  ]" if wrote_records else "]"
            if summary is not None:
                out += ',\n  "summary": ' + json.dumps(summary, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            return out + "\n}\n"
        if self.fmt == "jsonl" and summary is not None:
            return json.dumps({"summary": summary}, ensure_ascii=False) + "\n"
        return ""

    def side_summary(self, summary: dict | None) -> str | None:
        """The summary text for stderr, for the formats that do not carry it in the output."""
        if summary is None or self.fmt in ("json", "jsonl"):
            return None
        return json.dumps(summary, ensure_ascii=False, indent=2)


class StreamWriter:
    """Writes chunk results in order to a text stream, flushing after each chunk.

    Each chunk is written with one ``write`` of whole lines, then flushed, so whatever stops
    the process leaves complete lines behind (except, at worst, the last line of the last
    chunk, which :mod:`stance.checkpoint` cuts off on resume). ``summary`` (a :class:`Summary`)
    is fed the records of each chunk.
    """

    def __init__(self, stream, fmt: str, summary: Summary | None = None, *, write_header: bool = True,
                 wrote_records: bool = False):
        self.stream = stream
        self.format = OutputFormat(fmt)
        self.summary = summary
        self.wrote_records = wrote_records
        self.records = 0
        self.documents = 0
        if write_header:
            self._write(self.format.header())

    def _write(self, text: str) -> None:
        if text:
            self.stream.write(text)
        self.stream.flush()

    def write_chunk(self, chunk: ChunkResult) -> None:
        if self.summary is not None:
            self.summary.update(chunk.records)
        text = chunk.text
        if self.format.fmt == "json" and text and self.wrote_records:
            text = ",\n" + text
        elif self.format.fmt == "json" and text:
            text = "\n" + text
        self._write(text)
        self.wrote_records = self.wrote_records or chunk.count > 0
        self.records += chunk.count
        self.documents += chunk.documents

    def finish(self) -> str | None:
        """Write the footer; return text for stderr (the table format's summary), if any."""
        summary = self.summary.result() if self.summary is not None else None
        self._write(self.format.footer(summary, self.wrote_records))
        return self.format.side_summary(summary)
