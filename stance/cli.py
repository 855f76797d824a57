"""The `stance` command: thin wrappers that parse options, call pure functions and print.

Results go to stdout, messages and progress to stderr. Exit 0 on success, 1 on an error in
data or model, 2 on bad usage (Typer's own).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Score cooperative or confrontational stance between named states, and tone, in news text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOption = Annotated[
    Path | None,
    typer.Option("--model", "-m", envvar="STANCE_MODEL",
                 help="Model directory (default: the model shipped with stance, or $STANCE_MODEL)."),
]
DEFAULT_ANNOTATIONS = ("annotations/seeds.jsonl", "annotations/written")


def _fail(message: str, code: int = 1):
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _load(model_path: Path | None, *, lazy: bool = False):
    from stance.errors import ModelError
    from stance.inference import LazyModel, load_model

    try:
        return LazyModel(model_path) if lazy else load_model(model_path)
    except ModelError as exc:
        _fail(str(exc))


def _say(message: str) -> None:
    typer.echo(message, err=True)


class _Progress:
    """Documents and records done, rewritten in place on stderr: never mixed into stdout data."""

    def __init__(self, enabled: bool):
        import time

        self.enabled, self.clock, self.start = enabled, time.monotonic, time.monotonic()
        self.documents = self.records = 0

    def update(self, documents: int, records: int) -> None:
        self.documents += documents
        self.records += records
        if self.enabled:
            rate = self.documents / max(self.clock() - self.start, 1e-9)
            sys.stderr.write(f"\r{self.documents:,} documents, {self.records:,} records ({rate:,.0f} documents/s)")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.documents:
            sys.stderr.write("\n")


@app.command()
def classify(
    paths: Annotated[list[str], typer.Argument(help="Files or directories (.txt, .jsonl, .csv, .gz), or - for stdin.")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, jsonl, csv or json. Default: table on a terminal, jsonl otherwise.")] = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write results to this file instead of stdout: through FILE.partial, renamed to FILE when complete.")] = None,
    all_sentences: Annotated[bool, typer.Option("--all-sentences", help="Also emit sentences without a pair of states (tone only).")] = False,
    summary: Annotated[bool, typer.Option("--summary", help="Add per-document and per-pair aggregates (to stderr for table and csv, as a final object for json and jsonl).")] = False,
    min_confidence: Annotated[float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Drop pairs whose top probability is below this.")] = 0.0,
    text_column: Annotated[str, typer.Option("--text-column", help="Column or field holding the text in CSV and JSONL inputs.")] = "text",
    model: ModelOption = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes, each with its own copy of the model (default: all cores). 1 runs in this process.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="With --output (jsonl or csv): continue an interrupted run from FILE.partial; keep it if interrupted again.")] = False,
    engine: Annotated[str, typer.Option("--engine", help="local (processes on this machine) or dask (needs pip install 'stance[dask]').")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="With --engine dask: the scheduler's address, e.g. tcp://host:8786 (default: a local cluster on 127.0.0.1).")] = None,
    chunk_size: Annotated[int | None, typer.Option("--chunk-size", min=1, help="Documents per chunk, the unit sent to a worker and checkpointed (default: 256, or fewer for long documents).")] = None,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="Show documents and records done on stderr (default: when stderr is a terminal).")] = None,
):
    """Classify articles: one record per (sentence, pair of states) with stance, score and tone.

    Streams: documents are read, classified on all cores and written chunk by chunk, in input
    order, in bounded memory. Example: stance classify seeds/002_9d416fd53fd362ec.txt --format jsonl
    """
    from concurrent.futures.process import BrokenProcessPool

    from stance.checkpoint import (
        RESUMABLE_FORMATS,
        CheckpointedOutput,
        ResumeError,
        fingerprint,
        skip_documents,
    )
    from stance.classification import FORMATS, ClassifyOptions, StreamWriter, Summary
    from stance.corpus import read_documents
    from stance.errors import InputError
    from stance.parallel import available_cores, chunk_documents, run_local

    fmt = output_format or ("table" if output is None and sys.stdout.isatty() else "jsonl")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}; choose table, jsonl, csv or json", param_hint="--format")
    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"unknown engine {engine!r}; choose local or dask", param_hint="--engine")
    if scheduler and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    if resume and (output is None or fmt not in RESUMABLE_FORMATS):
        raise typer.BadParameter("--resume needs --output FILE and --format jsonl or csv", param_hint="--resume")
    if engine == "dask":
        try:
            from stance.dask_engine import require_dask, run_dask

            require_dask()
        except ImportError as exc:
            _fail(str(exc))
    jobs = jobs or available_cores()
    # With workers, the main process only checks the model; each worker loads its own copy.
    stance_model = _load(model, lazy=jobs > 1 or engine == "dask")
    failures: list[InputError] = []

    def on_error(exc: InputError) -> None:
        failures.append(exc)
        _say(f"error: {exc}")

    documents = read_documents(paths, text_column=text_column, on_error=on_error)
    options = ClassifyOptions(fmt=fmt, all_sentences=all_sentences, min_confidence=min_confidence, keep_records=summary)
    aggregate = Summary() if summary else None
    sink = None
    if output:
        run = fingerprint(paths=paths, fmt=fmt, all_sentences=all_sentences, min_confidence=min_confidence,
                          text_column=text_column, summary=summary, model_files=stance_model.card.get("files"))
        try:
            sink = CheckpointedOutput(output, run, resume=resume).start()
        except (ResumeError, OSError) as exc:
            _fail(str(exc))
        if sink.resumed:
            _say(f"resuming {sink.partial}: {sink.documents} document(s) already done")
            documents = skip_documents(documents, sink.documents, sink.last_id)
            if aggregate is not None:
                aggregate.update(sink.records(fmt))
    done = False
    try:
        writer = StreamWriter(sink or sys.stdout, fmt, aggregate, write_header=not (sink and sink.resumed))
        if sink and not sink.resumed:
            sink.checkpoint(0, None)
        chunks = chunk_documents(documents, max_documents=chunk_size)
        if engine == "dask":
            results = run_dask(documents, stance_model, options, scheduler=scheduler, jobs=jobs, chunks=chunks)
        else:
            results = run_local(documents, stance_model, options, jobs=jobs, chunks=chunks)
        meter = _Progress(enabled=sys.stderr.isatty() if progress is None else progress)
        for chunk in results:
            writer.write_chunk(chunk)
            if sink:
                sink.checkpoint(chunk.documents, chunk.last_id)
            meter.update(chunk.documents, chunk.count)
        meter.close()
        side = writer.finish()
        if sink:
            sink.commit()
        done = True
    except ResumeError as exc:
        _fail(str(exc))
    except BrokenProcessPool as exc:
        _fail(f"a worker process died ({exc}); if memory ran out, try fewer --jobs")
    except KeyboardInterrupt:
        kept = f"; {sink.partial} is kept: run again with --resume" if sink and resume else ""
        _say(f"interrupted{kept}")
        raise typer.Exit(130) from None
    finally:
        if sink and not done:
            # Ctrl-C or an error: keep FILE.partial for --resume, else leave no trace.
            sink.abort(keep=resume)
    if side:
        _say(side)
    if failures:
        _say(f"{len(failures)} input(s) failed:")
        for exc in failures:
            _say(f"  {exc}")
        raise typer.Exit(1)


@app.command()
def train(
    annotations: Annotated[list[Path] | None, typer.Argument(help="Annotation files or directories. Default: annotations/seeds.jsonl and annotations/written/.")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to write.")] = Path("models/default"),
    search: Annotated[bool, typer.Option("--search/--no-search", help="Run the small hyper-parameter search (a few minutes).")] = True,
):
    """Train the pair-stance, tone and sentence-stance models on annotations, cross-validate, and
    save model + card.

    Example: stance train --output models/default
    """
    from stance.annotations import annotation_files, validate_annotations
    from stance.errors import InputError
    from stance.metrics import format_metrics
    from stance.training import save
    from stance.training import train as train_models

    paths = annotations or [Path(p) for p in DEFAULT_ANNOTATIONS if Path(p).exists()]
    if not paths:
        _fail("no annotations found; pass annotation files or run from the repository root")
    _say("validating annotations")
    report = validate_annotations(paths, check_mentions=False)
    for problem in report.errors[:20]:
        _say(str(problem))
    if report.errors:
        _fail(f"{len(report.errors)} error(s) in the annotations; fix them (see `stance validate`)")
    try:
        result = train_models(report.annotations, search=search, progress=_say,
                              annotation_files=annotation_files(paths))
    except (InputError, ValueError) as exc:
        _fail(str(exc))
    card = save(result, output)
    cv = card["cross_validation"]
    typer.echo(format_metrics(cv["stance"]["calibrated"], "stance (cross-validated, grouped by document)"))
    typer.echo(f"cooperative vs confrontational macro-F1: {cv['stance']['cooperative_vs_confrontational_macro_f1']:.3f}")
    typer.echo("")
    typer.echo(format_metrics(cv["tone"]["calibrated"], "tone (cross-validated, grouped by document)"))
    if "sentence" in cv:
        typer.echo("")
        typer.echo(format_metrics(cv["sentence"]["calibrated"], "sentence stance (cross-validated, grouped by document)"))
    for name in (n for n in ("stance", "tone", "sentence") if n in cv):
        raw, cal = cv[name]["uncalibrated"], cv[name]["calibrated"]
        typer.echo(f"{name} calibration: ECE {raw['ece']:.3f} -> {cal['ece']:.3f}, Brier {raw['brier']:.3f} -> {cal['brier']:.3f}")
    if "tone_score" in cv:
        score = cv["tone_score"]
        typer.echo(f"tone score vs raters' mean rating ({score['rated_sentences']} rated sentences): Pearson r "
                   f"{score['pearson_r']:.3f} (regression) vs {score['classifier_score_pearson_r']:.3f} "
                   f"(P(positive) - P(negative)); the model uses the "
                   f"{'regression' if score['used'] else 'classifier'}")
    _say(f"model and card written to {output}")


@app.command()
def evaluate(
    path: Annotated[Path, typer.Argument(help="A labelled JSONL file: annotations, pairs (text/source/target/label), sentences (text/label) or tone (text/label/rating).")],
    json_output: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON to this file.")] = None,
    model: ModelOption = None,
):
    """Evaluate the model on a labelled file, beside majority, VADER and keyword baselines.

    Example: stance evaluate ../shared/data/dev/stance_pairs.jsonl --json report.json
    """
    from stance.errors import InputError
    from stance.evaluation import evaluate as run_evaluation
    from stance.evaluation import format_report
    from stance.persistence import atomic_write_text

    stance_model = _load(model)
    try:
        report = run_evaluation(path, stance_model)
    except InputError as exc:
        _fail(str(exc))
    typer.echo(format_report(report))
    if json_output:
        atomic_write_text(json_output, json.dumps(report, indent=2) + "\n")


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Annotation files or directories. Default: annotations/seeds.jsonl and annotations/written/ (the training set).")] = None,
):
    """Check annotation files; print file:line: problems; exit 1 if any error.

    Files given together are checked together (duplicate ids, the same text labelled differently).
    Example: stance validate annotations/seeds.jsonl annotations/written
    """
    from stance.annotations import validate_annotations

    paths = paths or [Path(p) for p in DEFAULT_ANNOTATIONS if Path(p).exists()]
    if not paths:
        _fail("no annotations found; pass annotation files or run from the repository root")
    report = validate_annotations(paths)
    for problem in report.problems:
        typer.echo(str(problem))
    _say(f"{len(report.annotations)} records, {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    if report.errors:
        raise typer.Exit(1)


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="A sentence (or a short text).")],
    top: Annotated[int, typer.Option("--top", min=1, help="Features shown per class.")] = 8,
    model: ModelOption = None,
):
    """Show, for each pair of states and for the sentence's own stance, the features that pushed
    toward each class, with their weights (exact for a linear model).

    Example: stance explain "Japan has had a longstanding territorial dispute with China."
    """
    from stance.explanation import explain as explain_text
    from stance.explanation import format_explanation

    typer.echo(format_explanation(explain_text(_load(model), text, top=top)))


@app.command()
def states(
    text: Annotated[str, typer.Argument(help="Text, or the path of a text file.")],
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD: resolves office holders at that date.")] = None,
):
    """List the states named in a text: surface form, span, ISO alpha-3 code, kind.

    Example: stance states "Lavrov met Cayetano in Moscow."
    """
    from stance.states import find_states

    if os.path.isfile(text):
        try:
            text = Path(text).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"{text}: cannot read as UTF-8 text ({exc})")
    for m in find_states(text, date):
        typer.echo(f"{m.start}\t{m.end}\t{m.code}\t{m.kind}\t{m.text}")


@app.command()
def info(model: ModelOption = None):
    """Show which model is in use, its card and cross-validation metrics.

    Example: stance info
    """
    from stance.inference import default_model_path
    from stance.persistence import CARD_MARKDOWN

    stance_model = _load(model)
    typer.echo(f"model: {stance_model.path or default_model_path()}")
    card_md = Path(stance_model.path) / CARD_MARKDOWN
    typer.echo(card_md.read_text(encoding="utf-8") if card_md.is_file() else json.dumps(stance_model.card, indent=2))

