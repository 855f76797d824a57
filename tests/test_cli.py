"""The CLI end to end: stdout carries data, stderr messages, exit codes say what happened."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "002_9d416fd53fd362ec.txt"


@pytest.fixture
def run(model_dir):
    def invoke(*args, input=None):
        return CliRunner().invoke(app, [str(a) for a in args], input=input, env={"STANCE_MODEL": str(model_dir)})
    return invoke


def test_classify_jsonl(run):
    result = run("classify", SEED, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(r["doc"] for r in records)
    first = records[0]
    assert (first["state_a"], first["state_b"]) == ("PHL", "RUS")
    assert first["stance"] in ("cooperative", "confrontational", "neutral")
    text = SEED.read_text(encoding="utf-8")
    for r in records:
        assert text[r["start"]:r["end"]] == r["text"]


def test_classify_csv_json_and_summary(run):
    csv_out = run("classify", SEED, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert rows and rows[0]["state_a"] == "PHL"
    as_json = json.loads(run("classify", SEED, "--format", "json", "--summary").stdout)
    assert as_json["records"] and "PHL-RUS" in as_json["summary"]["pairs"]
    pair = as_json["summary"]["pairs"]["PHL-RUS"]
    assert pair["most_cooperative"]["score"] >= pair["most_confrontational"]["score"]


def test_all_sentences_and_min_confidence(run):
    every = run("classify", SEED, "--format", "jsonl", "--all-sentences").stdout.splitlines()
    pairs_only = run("classify", SEED, "--format", "jsonl").stdout.splitlines()
    assert len(every) > len(pairs_only)
    confident = run("classify", SEED, "--format", "jsonl", "--min-confidence", "0.99").stdout.splitlines()
    assert len(confident) <= len(pairs_only)


def test_stdin_and_output_file(run, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("classify", "-", "--output", out, input="Kenya accused Uganda of shelling border villages.\n")
    assert result.exit_code == 0 and result.stdout == ""
    [record] = [json.loads(line) for line in out.read_text().splitlines()]
    assert {record["state_a"], record["state_b"]} == {"KEN", "UGA"}


def test_one_bad_file_does_not_stop_the_run(run, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    result = run("classify", bad, SEED, "--format", "jsonl")
    assert result.exit_code == 1
    assert "bad.txt" in result.stderr and "1 input(s) failed" in result.stderr
    assert result.stdout.count("\n") > 3  # the good file was still classified


def test_bad_model_is_exit_1_with_a_message(tmp_path):
    result = CliRunner().invoke(app, ["classify", str(SEED), "--model", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "no such model directory" in result.stderr and result.stdout == ""


def test_bad_usage_is_exit_2(run):
    assert run("classify", SEED, "--format", "xml").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_validate(tmp_path, run):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "1", "doc": "d", "text": "Chile praised Peru.", "pairs": [
        {"states": ["CHL", "PER"], "stance": "cooperative"}], "sentiment": "positive", "annotator": "t"}) + "\n")
    assert run("validate", good).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1"}\n')
    result = run("validate", bad)
    assert result.exit_code == 1 and f"{bad}:1: error: missing field" in result.stdout


def test_states_explain_info(run):
    states = run("states", "Lavrov met Cayetano in Moscow.")
    assert states.exit_code == 0
    assert [line.split("\t")[2] for line in states.stdout.splitlines()] == ["RUS", "PHL", "RUS"]
    explained = run("explain", "Japan has had a longstanding territorial dispute with China.")
    assert explained.exit_code == 0 and "model input: statea" in explained.stdout
    assert "toward confrontational" in explained.stdout
    assert "sentence stance: " in explained.stdout and "model input: Japan" not in explained.stdout
    info = run("info")
    assert info.exit_code == 0 and "# Model card" in info.stdout


def test_evaluate_formats(run, tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(json.dumps(r) for r in [
        {"text": "Kenya accused Uganda of shelling border villages.", "source": "KEN", "target": "UGA", "label": "confrontational"},
        {"text": "Japan pledged aid to Vietnam after the floods.", "source": "JPN", "target": "VNM", "label": "cooperative"},
    ]) + "\n")
    report_path = tmp_path / "report.json"
    result = run("evaluate", pairs, "--json", report_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(report_path.read_text())
    assert report["kind"] == "pairs" and {"majority", "vader", "keywords"} <= set(report["baselines"])
    assert "end to end" in result.stdout
    tone = tmp_path / "tone.jsonl"
    tone.write_text("\n".join(json.dumps({"text": t, "label": lab, "rating": r}) for t, lab, r in [
        ("A wonderful, hopeful day.", "positive", 2.5), ("A grim and deadly attack.", "negative", -3.0),
        ("The meeting is on Tuesday.", "neutral", 0.0)]) + "\n")
    assert "Pearson r" in run("evaluate", tone).stdout
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "x", "label": "cooperative"}\n{oops\n')
    result = run("evaluate", broken)
    assert result.exit_code == 1 and f"{broken}:2" in result.stderr


def test_progress_goes_to_stderr_only(run):
    quiet = run("classify", SEED, "--format", "jsonl", "--no-progress")
    shown = run("classify", SEED, "--format", "jsonl", "--progress")
    assert shown.stdout == quiet.stdout
    assert "documents" in shown.stderr and "records" in shown.stderr
    assert "documents" not in quiet.stderr
