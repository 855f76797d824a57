"""Speed of the text pipeline on one core: sentences per second.

Run from the repository root::

    python bench/bench_pipeline.py [--data ../shared/data] [--copies 5] [--json]

On ``pool/guardian_articles.jsonl`` (under ``--data``), replicated ``--copies`` times so a run
lasts a few seconds, it times, best of 3:

a. Punkt alone (nltk's tokenizer with stance's parameters) on the raw article texts;
b. read (JSON Lines from a temporary file) + clean + split: ``read_documents`` and
   ``document_sentences``;
c. b + ``stance.states.find_states`` on each sentence (skipped, with a message, if
   ``stance.states`` cannot be imported).

The rate is sentences out of the pipeline per second of wall time (for a: Punkt's sentences).
The data is read at run time only; the temporary copy is deleted afterwards. If the data file
is absent, the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance.corpus import document_sentences, read_documents  # noqa: E402
from stance.segment import _load as _punkt  # noqa: E402

DATA_FILE = Path("pool") / "guardian_articles.jsonl"
RUNS = 3


def _best(fn) -> tuple[float, int]:
    """Best wall time of RUNS calls of ``fn`` (which returns a sentence count), and the count."""
    best, count = float("inf"), 0
    for _ in range(RUNS):
        t0 = time.perf_counter()
        count = fn()
        best = min(best, time.perf_counter() - t0)
    return best, count


def run(data: Path, copies: int) -> dict | None:
    path = data / DATA_FILE
    if not path.exists():
        print(f"skip: {path} not found (pass --data DIR holding {DATA_FILE})", file=sys.stderr)
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [json.loads(line)["text"] for line in lines] * copies
    result: dict = {
        "data": str(path),
        "articles": len(texts),
        "copies": copies,
        "python": platform.python_version(),
        "runs": RUNS,
    }

    tokenizer = _punkt()

    def punkt_alone() -> int:
        return sum(len(list(tokenizer.span_tokenize(t))) for t in texts)

    seconds, n = _best(punkt_alone)
    result["a_punkt_alone"] = {"sentences": n, "seconds": seconds, "per_second": n / seconds}

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "articles.jsonl"
        with copy.open("w", encoding="utf-8") as fh:
            for _ in range(copies):
                fh.write("\n".join(lines) + "\n")

        def read_clean_split() -> int:
            return sum(len(document_sentences(d.text)) for d in read_documents([copy]))

        seconds, n = _best(read_clean_split)
        result["b_read_clean_split"] = {
            "sentences": n,
            "seconds": seconds,
            "per_second": n / seconds,
        }

        try:
            from stance.states import find_states
        except ImportError as err:
            print(f"skip c: stance.states.find_states is not importable ({err})", file=sys.stderr)
            result["c_with_find_states"] = None
        else:
            find_states("warm up the gazetteer")

            def with_states() -> int:
                n = 0
                for d in read_documents([copy]):
                    for s in document_sentences(d.text):
                        find_states(s.text, d.date)
                        n += 1
                return n

            seconds, n = _best(with_states)
            result["c_with_find_states"] = {
                "sentences": n,
                "seconds": seconds,
                "per_second": n / seconds,
            }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="folder holding pool/guardian_articles.jsonl (default ../shared/data)",
    )
    parser.add_argument(
        "--copies", type=int, default=5, help="replicate the articles this many times (default 5)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    result = run(args.data, max(1, args.copies))
    if result is None:
        return 0
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['articles']} articles ({result['copies']} copies of {result['data']}), "
        f"best of {RUNS}, one core, Python {result['python']}, pid {os.getpid()}"
    )
    labels = {
        "a_punkt_alone": "a. Punkt alone on raw text",
        "b_read_clean_split": "b. read + clean + split",
        "c_with_find_states": "c. b + find_states",
    }
    for key, label in labels.items():
        r = result[key]
        if r is None:
            print(f"{label:32s} skipped")
        else:
            print(
                f"{label:32s} {r['per_second']:>9,.0f} sentences/s "
                f"({r['sentences']:,} in {r['seconds']:.2f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
