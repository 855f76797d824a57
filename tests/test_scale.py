"""Classifying at scale: parallel output equals serial output, interrupted runs resume exactly,
interrupted non-resumable runs leave nothing behind, summaries aggregate incrementally, and the
Dask engine writes what the local engine writes.

Inputs are tiny (dozens to a few thousand short documents); speed and memory are measured by
bench/bench_throughput.py and bench/bench_memory.py, not here.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict

import pytest
from typer.testing import CliRunner

from stance.classification import STANCES, OutputFormat, Summary
from stance.cli import app

STATES = ["France", "Germany", "Russia", "China", "Japan", "Kenya", "Uganda", "Brazil", "India", "Pakistan", "Chile"]
TEMPLATES = [
    "{a} and {b} signed a trade agreement on Monday.",
    "{a} accused {b} of shelling villages near the border.",
    "Officials in {a} said talks with {b} and {c} would resume next week.",
    "The minister praised {b} for its help after the floods.",
    "Prices rose again in the capital.",
    "{c} condemned the sanctions imposed by {a}.",
]


def make_documents(n: int) -> list[dict]:
    docs = []
    for i in range(n):
        a, b, c = STATES[i % 11], STATES[(i * 3 + 1) % 11], STATES[(i * 7 + 2) % 11]
        sentences = [TEMPLATES[(i + k) % len(TEMPLATES)].format(a=a, b=b, c=c) for k in range(1 + i % 3)]
        docs.append({"id": f"d{i}", "text": " ".join(sentences)})
    return docs


def write_jsonl(path, docs) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.jsonl"
    write_jsonl(path, make_documents(40))
    return path


@pytest.fixture
def run(model_dir):
    def invoke(*args):
        result = CliRunner().invoke(app, [str(a) for a in args], env={"STANCE_MODEL": str(model_dir)})
        return result
    return invoke


def _stance(model_dir, *args, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "STANCE_MODEL"}
    return subprocess.Popen([sys.executable, "-m", "stance", "classify", *map(str, args), "--model", str(model_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kwargs)


# ---------------------------------------------------------------- parallel == serial


def test_jobs_2_output_is_identical_to_jobs_1(run, corpus):
    serial = run("classify", corpus, "--format", "jsonl", "--jobs", "1", "--chunk-size", "5")
    parallel = run("classify", corpus, "--format", "jsonl", "--jobs", "2", "--chunk-size", "5")
    assert serial.exit_code == 0, serial.stderr
    assert parallel.exit_code == 0, parallel.stderr
    assert serial.stdout.count("\n") > 40
    assert parallel.stdout == serial.stdout
    # chunking does not change the output either
    whole = run("classify", corpus, "--format", "jsonl", "--jobs", "1")
    assert whole.stdout == serial.stdout


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_jobs_2_identical_in_every_format(run, corpus, fmt):
    args = ("classify", corpus, "--format", fmt, "--summary", "--all-sentences", "--chunk-size", "7")
    serial = run(*args, "--jobs", "1")
    parallel = run(*args, "--jobs", "2")
    assert serial.exit_code == 0 and parallel.exit_code == 0, parallel.stderr
    assert parallel.stdout == serial.stdout and parallel.stderr == serial.stderr


# ---------------------------------------------------------------- streaming summary and json


def reference_summary(records):
    """The summary as the first version of stance computed it, from all records in a list."""
    docs = defaultdict(lambda: {"sentences": set(), "pairs": 0, "score_sum": 0.0, "counts": dict.fromkeys(STANCES, 0)})
    pairs = defaultdict(lambda: {"sentences": 0, "score_sum": 0.0, "counts": dict.fromkeys(STANCES, 0),
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
    return {
        "documents": {k: {"sentences_with_pairs_or_tone": len(v["sentences"]), "pairs": v["pairs"],
                          "mean_score": round(v["score_sum"] / v["pairs"], 4) if v["pairs"] else None,
                          "counts": v["counts"]} for k, v in docs.items()},
        "pairs": {k: {"sentences": v["sentences"], "mean_score": round(v["score_sum"] / v["sentences"], 4),
                      "counts": v["counts"], "most_cooperative": v["most_cooperative"],
                      "most_confrontational": v["most_confrontational"]}
                  for k, v in sorted(pairs.items(), key=lambda kv: -kv[1]["sentences"])},
    }


@pytest.mark.parametrize("all_sentences", [False, True])
def test_incremental_summary_equals_summary_of_all_records(run, corpus, all_sentences):
    args = ["classify", corpus, "--format", "jsonl", "--summary", "--chunk-size", "6"]
    result = run(*args, *(["--all-sentences"] if all_sentences else []))
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    records, last = lines[:-1], lines[-1]
    assert set(last) == {"summary"} and records
    assert last["summary"] == reference_summary(records)
    streamed = Summary()
    for r in records:
        streamed.add(r)
    assert streamed.result() == reference_summary(records)


def test_streamed_json_is_exactly_json_dumps(run, corpus):
    result = run("classify", corpus, "--format", "json", "--summary", "--chunk-size", "4")
    payload = json.loads(result.stdout)
    assert result.stdout == json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    assert payload["summary"] == reference_summary(payload["records"])
    fmt = OutputFormat("json")
    empty = fmt.header() + fmt.footer({"documents": {}, "pairs": {}}, wrote_records=False)
    assert empty == json.dumps({"records": [], "summary": {"documents": {}, "pairs": {}}}, indent=2) + "\n"


# ---------------------------------------------------------------- interruption


def test_kill_and_resume_gives_the_uninterrupted_output(model_dir, tmp_path):
    corpus = tmp_path / "big.jsonl"
    write_jsonl(corpus, make_documents(3000))
    expected = tmp_path / "expected.jsonl"
    out = tmp_path / "out.jsonl"
    common = ("--format", "jsonl", "--summary", "--chunk-size", "50")
    assert _stance(model_dir, corpus, "--output", expected, *common, "--jobs", "1").wait(timeout=300) == 0

    process = _stance(model_dir, corpus, "--output", out, *common, "--jobs", "2")
    progress = tmp_path / "out.jsonl.partial.progress"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if progress.exists() and progress.read_text().count("\n") >= 4:  # run line + 3 checkpoints
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed; use a bigger input"
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = tmp_path / "out.jsonl.partial"
    assert not out.exists() and partial.exists()
    done = partial.read_bytes()
    assert 0 < len(done) < expected.stat().st_size
    with open(partial, "ab") as handle:  # as if killed in the middle of a write
        handle.write(b'{"doc": "d9')

    resumed = _stance(model_dir, corpus, "--output", out, *common, "--jobs", "2", "--resume")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert b"resuming" in stderr
    assert out.read_bytes() == expected.read_bytes()
    assert not partial.exists() and not progress.exists()


def test_resume_refuses_other_options_and_starts_afresh_without_partial(run, corpus, tmp_path):
    out = tmp_path / "out.csv"
    # nothing to resume: a normal run
    assert run("classify", corpus, "-f", "csv", "-o", out, "--resume").exit_code == 0
    complete = out.read_text()
    # a partial from a run with other options is not mixed with this one
    (tmp_path / "out.csv.partial").write_text(complete[:50])
    (tmp_path / "out.csv.partial.progress").write_text(
        json.dumps({"stance_partial": 1, "format": "csv", "min_confidence": 0.9}) + "\n")
    result = run("classify", corpus, "-f", "csv", "-o", out, "--resume")
    assert result.exit_code == 1 and "other" in result.stderr
    assert out.read_text() == complete
    assert run("classify", corpus, "--resume").exit_code == 2  # needs --output
    assert run("classify", corpus, "-f", "json", "-o", out, "--resume").exit_code == 2


class Boom(RuntimeError):
    pass


def _interrupt_after_first_chunk(monkeypatch, exception):
    import stance.parallel

    real = stance.parallel.run_local

    def interrupted(*args, **kwargs):
        for i, chunk in enumerate(real(*args, **kwargs)):
            if i == 1:
                raise exception
            yield chunk
    monkeypatch.setattr(stance.parallel, "run_local", interrupted)


@pytest.mark.parametrize("exception", [KeyboardInterrupt(), Boom("disk on fire")])
def test_interrupted_run_leaves_no_partial_output(run, corpus, tmp_path, monkeypatch, exception):
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    _interrupt_after_first_chunk(monkeypatch, exception)
    result = run("classify", corpus, "--output", out, "--chunk-size", "5", "--jobs", "1")
    assert result.exit_code != 0
    assert out.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "out.jsonl"]


def test_interrupted_resumable_csv_run_continues(run, corpus, tmp_path, monkeypatch):
    expected = tmp_path / "expected.csv"
    args = ("-f", "csv", "--summary", "--chunk-size", "5", "--jobs", "1")
    assert run("classify", corpus, "-o", expected, *args).exit_code == 0
    out = tmp_path / "out.csv"
    with monkeypatch.context() as m:
        _interrupt_after_first_chunk(m, KeyboardInterrupt())
        result = run("classify", corpus, "-o", out, *args, "--resume")
    assert result.exit_code == 130 and "--resume" in result.stderr
    assert (tmp_path / "out.csv.partial").exists() and not out.exists()
    result = run("classify", corpus, "-o", out, *args, "--resume")
    assert result.exit_code == 0, result.stderr
    assert out.read_text() == expected.read_text()
    full = run("classify", corpus, *args)
    assert result.stderr.split("\n", 1)[1] == full.stderr  # the summary counts both runs' records


def test_ctrl_c_leaves_no_partial_output(model_dir, tmp_path):
    corpus = tmp_path / "big.jsonl"
    write_jsonl(corpus, make_documents(3000))
    out = tmp_path / "out.jsonl"
    # A shell without job control starts background commands with SIGINT ignored, and children
    # inherit that: give the run the default handler, as a terminal would.
    process = _stance(model_dir, corpus, "--output", out, "--chunk-size", "50", "--jobs", "2",
                      preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    progress = tmp_path / "out.jsonl.partial.progress"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (progress.exists() and progress.read_text().count("\n") >= 3):
        assert process.poll() is None, "the run finished before it could be interrupted"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]


# ---------------------------------------------------------------- dask


def test_dask_engine_writes_what_the_local_engine_writes(run, corpus):
    pytest.importorskip("dask.distributed")
    local = run("classify", corpus, "--format", "jsonl", "--summary", "--chunk-size", "5", "--jobs", "1")
    dask = run("classify", corpus, "--format", "jsonl", "--summary", "--chunk-size", "5", "--jobs", "2",
               "--engine", "dask")
    assert dask.exit_code == 0, dask.stderr
    assert dask.stdout == local.stdout


def test_dask_partition_helper_matches_the_engine(model, corpus):
    pytest.importorskip("dask.bag")
    import dask.bag

    from stance.dask_engine import classify_partition

    docs = [json.loads(line) for line in corpus.read_text().splitlines()][:12]
    bag = dask.bag.from_sequence(docs, npartitions=3)
    records = bag.map_partitions(lambda part: classify_partition([d["text"] for d in part], [d["id"] for d in part],
                                                                 model=model)).compute(scheduler="sync")
    direct = classify_partition([d["text"] for d in docs], [d["id"] for d in docs], model=model)
    assert records == direct and records


def test_dask_is_imported_only_for_the_dask_engine():
    code = ("import sys; from typer.testing import CliRunner; from stance.cli import app; "
            "r = CliRunner().invoke(app, ['classify', '--help']); assert r.exit_code == 0; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'sklearn')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_dask_is_a_clear_error(run, corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    result = run("classify", corpus, "--engine", "dask")
    assert result.exit_code == 1
    assert "pip install 'stance[dask]'" in result.stderr and result.stdout == ""
    assert run("classify", corpus, "--scheduler", "tcp://127.0.0.1:8786").exit_code == 2  # needs --engine dask
