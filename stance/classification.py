"""Classifying documents: a stream of documents in, a stream of flat records out.

One record per (sentence, pair of states), the shape every event coder emits; sentences
without a pair can be added as tone-only records. Work is batched across documents so the
vectorisers and the classifier run on many rows at once.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from stance.inference import STANCES, StanceModel

RECORD_FIELDS = (
    "doc", "sentence", "start", "end", "text", "state_a", "state_b", "stance",
    "p_cooperative", "p_confrontational", "p_neutral", "score", "tone", "tone_score", "found",
)
BATCH_SENTENCES = 512


def classify_documents(documents: Iterable, model: StanceModel, *, all_sentences: bool = False,
                       min_confidence: float = 0.0) -> Iterator[dict]:
    """Yield flat records for each document's sentences, in input order."""
    from stance.corpus import document_sentences
    from stance.states import find_states

    batch: list = []
    for document in documents:
        for index, sentence in enumerate(document_sentences(document.text)):
            batch.append((document.id, index, sentence, find_states(sentence.text, document.date)))
        if len(batch) >= BATCH_SENTENCES:
            yield from _records(model.score_sentences(batch), all_sentences, min_confidence)
            batch = []
    if batch:
        yield from _records(model.score_sentences(batch), all_sentences, min_confidence)


def _records(results, all_sentences: bool, min_confidence: float) -> Iterator[dict]:
    for r in results:
        base = {"doc": r.doc, "sentence": r.index, "start": r.start, "end": r.end, "text": r.text}
        tone = {"tone": r.sentiment, "tone_score": r.sentiment_score}
        kept = [p for p in r.pairs if max(p.probabilities.values()) >= min_confidence]
        for p in kept:
            yield {**base, "state_a": p.states[0], "state_b": p.states[1], "stance": p.stance,
                   **{f"p_{label}": p.probabilities[label] for label in STANCES},
                   "score": p.score, **tone, "found": p.found}
        if all_sentences and not kept:
            yield {**base, "state_a": None, "state_b": None, "stance": None, "p_cooperative": None,
                   "p_confrontational": None, "p_neutral": None, "score": None, **tone, "found": None}


def summarise(records: Iterable[dict]) -> dict:
    """Per-document and per-pair aggregates: sentences, mean score, counts, strongest sentences."""
    docs: dict = defaultdict(lambda: {"sentences": set(), "pairs": 0, "score_sum": 0.0,
                                      "counts": dict.fromkeys(STANCES, 0)})
    pairs: dict = defaultdict(lambda: {"sentences": 0, "score_sum": 0.0, "counts": dict.fromkeys(STANCES, 0),
                                       "most_cooperative": None, "most_confrontational": None})
    for r in records:
        d = docs[r["doc"]]
        d["sentences"].add(r["sentence"])
        if r["stance"] is None:
            continue
        d["pairs"] += 1
        d["score_sum"] += r["score"]
        d["counts"][r["stance"]] += 1
        p = pairs["-".join(sorted((r["state_a"], r["state_b"])))]
        p["sentences"] += 1
        p["score_sum"] += r["score"]
        p["counts"][r["stance"]] += 1
        example = {"doc": r["doc"], "sentence": r["sentence"], "score": r["score"], "text": r["text"]}
        if p["most_cooperative"] is None or r["score"] > p["most_cooperative"]["score"]:
            p["most_cooperative"] = example
        if p["most_confrontational"] is None or r["score"] < p["most_confrontational"]["score"]:
            p["most_confrontational"] = example
    out_docs = {k: {"sentences_with_pairs_or_tone": len(v["sentences"]), "pairs": v["pairs"],
                    "mean_score": round(v["score_sum"] / v["pairs"], 4) if v["pairs"] else None,
                    "counts": v["counts"]} for k, v in docs.items()}
    out_pairs = {k: {"sentences": v["sentences"], "mean_score": round(v["score_sum"] / v["sentences"], 4),
                     "counts": v["counts"], "most_cooperative": v["most_cooperative"],
                     "most_confrontational": v["most_confrontational"]}
                 for k, v in sorted(pairs.items(), key=lambda kv: -kv[1]["sentences"])}
    return {"documents": out_docs, "pairs": out_pairs}


# ---------------------------------------------------------------- output formats


def jsonl_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def csv_header() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(RECORD_FIELDS)
    return buffer.getvalue()


def csv_line(record: dict) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["" if record[f] is None else record[f] for f in RECORD_FIELDS])
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
    return f"{str(record['doc'])[:24]:24} {record['sentence']:>3} {pair:7} {stance:15} {score} " \
           f"{record['tone']:8} {record['tone_score']:+.2f}  {text}\n"


def table_header() -> str:
    return f"{'doc':24} {'#':>3} {'pair':7} {'stance':15} {'score'} {'tone':8} {'tone':5}  sentence\n"
