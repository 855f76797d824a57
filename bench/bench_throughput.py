"""End-to-end throughput of `stance classify`, on one core and on all, against the model's bound.

Run from the repository root::

    python bench/bench_throughput.py [--data ../shared/data] [--size-mb 100] [--jobs N] [--model DIR]
                                     [--profile] [--json]

``pool/guardian_articles.jsonl`` (under ``--data``) is replicated, with fresh ids, into a
temporary JSON Lines file of at least ``--size-mb`` MB (deleted afterwards). Then, in one run:

* **end to end**: ``stance classify FILE --format jsonl --output OUT`` in a fresh process (read →
  clean → split → find states → pair stance + tone + sentence stance → JSON Lines written), with ``--jobs 1``, ``--jobs 2``
  and ``--jobs N`` (default: every core); wall time includes start-up and loading the model. Peak
  RSS: the largest single process (``getrusage(RUSAGE_CHILDREN)``) and the whole process tree
  (sampled from /proc every 0.1 s, Linux only).
* **model bound**: ``StanceModel.stance_probabilities`` + ``tone_probabilities`` +
  ``sentence_stance_probabilities`` (when the model has a sentence head) alone (TF-IDF
  transform + linear scores + calibrated softmax), on the masked inputs the end-to-end run sends
  to the model for one copy of the data, in batches as the pipeline makes them. Split by feature
  view (word / char / context TF-IDF, VADER columns, classifier) so the cost of VADER inside the
  model is visible.
* **Punkt alone** (``stance.segment.split_sentences`` on the raw texts) and **VADER alone**
  (``polarity_scores`` on every sentence).
* ``--profile``: the top functions (own time, cProfile) of classifying one copy in-process.

Rates are *input sentences per second*: sentences of the documents (as ``document_sentences``
cuts them) divided by wall time, so every line of the table is comparable. Targets (issue 7):
end to end on one core ≥ 50% of the model bound, ≥ 1.7× from one core to two, peak RSS ≤ 400 MB.
Without the data file the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA_FILE = Path("pool") / "guardian_articles.jsonl"
RUNS = 3


# ---------------------------------------------------------------- helpers shared with bench_memory


def replicate(source: Path, target: Path, size_bytes: int) -> int:
    """Write copies of ``source`` (JSON Lines) with fresh ids until ``target`` has ``size_bytes``.

    Returns the number of copies. Streams: never holds more than one copy in memory.
    """
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    copies = 0
    written = 0
    with open(target, "w", encoding="utf-8") as out:
        while written < size_bytes:
            for number, record in enumerate(lines):
                record = {**record, "id": f"{record.get('id', number)}-copy{copies}"}
                line = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
            copies += 1
    return copies


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def _memory_kb(pid: int) -> tuple[int, int, int]:
    """(VmRSS, VmHWM, Pss) of a process in KiB: resident now, peak so far, proportional share."""
    values = {}
    for name, keys in (("status", ("VmRSS:", "VmHWM:")), ("smaps_rollup", ("Pss:",))):
        try:
            with open(f"/proc/{pid}/{name}", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith(keys):
                        values[line.split(":")[0]] = int(line.split()[1])
        except OSError:
            pass
    return values.get("VmRSS", 0), values.get("VmHWM", 0), values.get("Pss", 0)


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def run_measured(command: list[str], interval: float = 0.1) -> dict:
    """Run ``command``: wall time; peak RSS of its largest process and of its whole process tree (MB).

    Linux /proc is sampled every ``interval`` s: the largest process's peak is its kernel
    high-water mark (VmHWM, exact); the tree's is the largest sum of resident sizes seen.
    ``getrusage(RUSAGE_CHILDREN)`` would miss pool workers (children of the fork server,
    which nobody waits for), so it is reported only as a cross-check of the main process.
    """
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = {"largest": 0, "tree": 0, "tree_pss": 0}
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            if os.path.isdir("/proc"):
                pids = _descendants(process.pid)
                memory = [_memory_kb(pid) for pid in pids]
                peak["largest"] = max([peak["largest"], *(hwm for _, hwm, _ in memory)])
                peak["tree"] = max(peak["tree"], sum(rss for rss, _, _ in memory))
                peak["tree_pss"] = max(peak["tree_pss"], sum(pss for _, _, pss in memory))
                for pid in pids:
                    cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr.decode(errors='replace')}")
    return {
        "seconds": round(wall, 2),
        "peak_rss_largest_process_mb": round(peak["largest"] / 1024, 1) or None,
        "peak_rss_tree_mb": round(peak["tree"] / 1024, 1) or None,
        "peak_pss_tree_mb": round(peak["tree_pss"] / 1024, 1) or None,
        "cpu_seconds_tree": round(sum(cpu.values()), 1),
        "load_average_before": load,
        "ru_maxrss_children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def classify_command(path: Path, output: Path, jobs: int, model: str | None, extra: list[str] = ()) -> list[str]:
    command = [sys.executable, "-m", "stance", "classify", str(path), "--format", "jsonl",
               "--output", str(output), "--jobs", str(jobs), *extra]
    if model:
        command += ["--model", model]
    return command


# ---------------------------------------------------------------- in-process measurements


def _best(fn) -> float:
    best = float("inf")
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def prepare(texts_dates: list[tuple[str, str | None]]):
    """Sentences of one copy, and the model inputs the pairs-only pipeline makes from them."""
    from stance.classification import BATCH_SENTENCES, _has_pair
    from stance.corpus import document_sentences
    from stance.features import mask_text, order_pair
    from stance.states import find_states

    sentences, batches, batch = [], [], []
    for text, date in texts_dates:
        for sentence in document_sentences(text):
            mentions = find_states(sentence.text, date)
            sentences.append(sentence.text)
            if _has_pair(mentions):
                batch.append((sentence.text, mentions))
        if len(batch) >= BATCH_SENTENCES:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    import itertools

    prepared = []
    for batch in batches:
        pair_inputs, tone_inputs = [], []
        for text, mentions in batch:
            tone_inputs.append(mask_text(text, mentions))
            codes = list(dict.fromkeys(m.code for m in mentions))
            for a, b in itertools.combinations(codes, 2):
                pair_inputs.append(mask_text(text, mentions, order_pair(mentions, (a, b))))
        prepared.append((pair_inputs, tone_inputs))
    return sentences, prepared


def model_bound(model, prepared) -> dict:
    """Seconds for the model alone on the prepared inputs, and per feature view."""
    total = _best(lambda: [(model.stance_probabilities(p), model.tone_probabilities(t),
                            model.sentence_stance_probabilities(t)) for p, t in prepared])
    stance_only = _best(lambda: [model.stance_probabilities(p) for p, _ in prepared])
    views: dict[str, float] = {}
    heads = [("stance", model.stance_pipeline, 0), ("tone", model.tone_pipeline, 1)]
    if model.sentence_pipeline is not None:
        heads.append(("sentence", model.sentence_pipeline, 1))
    for name, pipeline, pick in heads:
        union = pipeline.named_steps["features"]
        for view, transformer in union.transformer_list:
            views[f"{name}.{view}"] = _best(lambda t=transformer, i=pick: [t.transform(batch[i]) for batch in prepared])
        features = [union.transform(batch[pick]) for batch in prepared]
        classifier = pipeline.named_steps["classifier"]
        views[f"{name}.classifier"] = _best(lambda f=features, c=classifier: [c.decision_function(x) for x in f])
    return {"seconds": total, "stance_seconds": stance_only, "sentence_and_tone_seconds": total - stance_only, "views": views,
            "pair_inputs": sum(len(p) for p, _ in prepared), "tone_inputs": sum(len(t) for _, t in prepared)}


def profile_one_copy(model, documents, top: int = 18) -> list[tuple[str, float, float]]:
    import cProfile
    import pstats

    from stance.classification import ClassifyOptions, classify_chunk
    from stance.parallel import chunk_documents

    profiler = cProfile.Profile()
    profiler.enable()
    for chunk in chunk_documents(documents):
        classify_chunk(model, chunk, ClassifyOptions())
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
    return [(f"{Path(file).name}:{line}:{name}", tt, tt / total) for (file, line, name), (_, _, tt, _, _) in rows]


# ---------------------------------------------------------------- main


def run(data: Path, size_mb: float, jobs_list: list[int], model_path: str | None, profile: bool) -> dict | None:
    source = data / DATA_FILE
    if not source.exists():
        print(f"skip: {source} not found (pass --data DIR holding {DATA_FILE})", file=sys.stderr)
        return None
    from stance.corpus import Document, read_documents
    from stance.inference import load_model
    from stance.segment import split_sentences

    model = load_model(model_path)
    base = list(read_documents([source]))
    texts_dates = [(d.text, d.date) for d in base]
    sentences, prepared = prepare(texts_dates)
    result: dict = {"data": str(source), "python": platform.python_version(), "machine": platform.machine(),
                    "cores": os.cpu_count(), "sentences_per_copy": len(sentences)}

    bound = model_bound(model, prepared)
    punkt = _best(lambda: [split_sentences(t) for t, _ in texts_dates])
    from stance.features import _vader

    vader = _vader()
    vader_s = _best(lambda: [vader.polarity_scores(s) for s in sentences])
    rate = len(sentences)
    result["components"] = {
        "model_bound": rate / bound["seconds"],
        "model_bound_stance_only": rate / bound["stance_seconds"],
        "punkt_alone": rate / punkt,
        "vader_alone": rate / vader_s,
    }
    result["model_inputs"] = {"pair_inputs": bound["pair_inputs"], "tone_inputs": bound["tone_inputs"]}
    result["model_views_seconds_per_copy"] = {k: round(v, 3) for k, v in bound["views"].items()}
    result["model_seconds_per_copy"] = round(bound["seconds"], 3)
    lexicon = sum(v for k, v in bound["views"].items() if k.endswith(".lexicon"))
    result["vader_share_of_model"] = round(lexicon / bound["seconds"], 3)

    with tempfile.TemporaryDirectory(prefix="stance-bench-") as tmp:
        big = Path(tmp) / "corpus.jsonl"
        copies = replicate(source, big, int(size_mb * 1e6))
        result["file_mb"] = round(big.stat().st_size / 1e6, 1)
        result["copies"] = copies
        total_sentences = len(sentences) * copies
        result["end_to_end"] = {}
        for jobs in jobs_list:
            measured = run_measured(classify_command(big, Path(tmp) / f"out{jobs}.jsonl", jobs, model_path))
            measured["sentences_per_s"] = round(total_sentences / measured["seconds"], 1)
            result["end_to_end"][jobs] = measured
            print(f"  jobs={jobs}: {measured}", file=sys.stderr)
        outputs = [Path(tmp) / f"out{j}.jsonl" for j in jobs_list]
        result["outputs_identical"] = len({o.read_bytes() for o in outputs}) == 1
    one = result["end_to_end"][jobs_list[0]]["sentences_per_s"]
    result["one_core_vs_bound"] = round(one / result["components"]["model_bound"], 3)
    if 2 in result["end_to_end"]:
        result["speedup_1_to_2"] = round(result["end_to_end"][2]["sentences_per_s"] / one, 2)
    if profile:
        documents = [Document(id=d.id, text=d.text, path="", date=d.date) for d in base]
        result["profile_own_time"] = [
            {"function": f, "seconds": round(s, 3), "share": round(share, 3)}
            for f, s, share in profile_one_copy(model, documents)]
    return result


def report(result: dict) -> str:
    lines = [f"data: {result['data']} × {result['copies']} copies = {result['file_mb']} MB, "
             f"{result['sentences_per_copy'] * result['copies']} sentences; {result['cores']} cores, "
             f"Python {result['python']}", "",
             f"{'':44} {'sentences/s':>12} {'wall s':>8} {'CPU s':>7} {'peak MB: largest RSS/tree RSS/tree PSS':>40}"]
    for jobs, m in result["end_to_end"].items():
        rss = f"{m['peak_rss_largest_process_mb']}/{m['peak_rss_tree_mb']}/{m['peak_pss_tree_mb']}"
        lines.append(f"{'end to end, --jobs ' + str(jobs):44} {m['sentences_per_s']:12,.0f} {m['seconds']:8.1f} "
                     f"{m['cpu_seconds_tree']:7.1f} {rss:>40}")
    names = {"model_bound": "model bound (TF-IDF + scores, all heads)",
             "model_bound_stance_only": "model bound, stance only",
             "punkt_alone": "Punkt alone", "vader_alone": "VADER alone (every sentence)"}
    for key, value in result["components"].items():
        lines.append(f"{names[key]:44} {value:12,.0f}")
    lines += ["", f"one core / model bound: {result['one_core_vs_bound']:.0%} (target ≥ 50%)"]
    if "speedup_1_to_2" in result:
        lines.append(f"speed-up from 1 to 2 jobs: {result['speedup_1_to_2']}× (target ≥ 1.7×)")
    lines.append(f"outputs identical across --jobs: {result['outputs_identical']}")
    loads = {m["load_average_before"] for m in result["end_to_end"].values()}
    lines.append(f"load average before the runs: {', '.join(f'{x:.1f}' for x in loads if x is not None)} "
                 f"(other work on the machine slows the parallel runs)")
    lines += ["", f"model per copy: {result['model_seconds_per_copy']} s on {result['model_inputs']['pair_inputs']} pair "
              f"and {result['model_inputs']['tone_inputs']} tone inputs; by view (s):"]
    for view, seconds in result["model_views_seconds_per_copy"].items():
        lines.append(f"  {view:24} {seconds:7.3f}")
    lines.append(f"VADER columns: {result['vader_share_of_model']:.0%} of the model's time")
    if "profile_own_time" in result:
        lines += ["", "profile, one copy in-process (own time):"]
        for row in result["profile_own_time"]:
            lines.append(f"  {row['seconds']:7.3f} s {row['share']:6.1%}  {row['function']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--size-mb", type=float, default=100.0, help="size of the replicated corpus (default 100)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="the 'all cores' run (default: every core)")
    parser.add_argument("--model", default=None, help="model directory (default: stance's default model)")
    parser.add_argument("--profile", action="store_true", help="also profile one copy in-process")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    jobs_list = sorted({1, 2, args.jobs} if args.jobs >= 2 else {1})
    result = run(args.data, args.size_mb, jobs_list, args.model, args.profile)
    if result is None:
        return
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
