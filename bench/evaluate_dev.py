"""The README's results table: the model and its baselines on the three public dev sets.

    python bench/evaluate_dev.py [--data ../shared/data] [--model DIR] [--json results.json]

The dev files are read at run time only; they are evaluation data, never training data.
Skips cleanly (exit 0, a message) when the data folder is absent.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("stance_pairs.jsonl", "stance_sentences.jsonl", "tone.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--json", type=Path, default=None, help="write all reports as JSON here")
    parser.add_argument("--verbose", action="store_true", help="print the full reports, not only the table")
    args = parser.parse_args()
    dev = args.data / "dev"
    if not dev.is_dir():
        print(f"skipped: no dev data at {dev}")
        return 0

    from stance.evaluation import evaluate, format_report
    from stance.inference import load_model

    model = load_model(args.model)
    reports = {}
    for name in FILES:
        path = dev / name
        if not path.exists():
            print(f"skipped {name}: not found")
            continue
        reports[name] = evaluate(path, model)
        if args.verbose:
            print(format_report(reports[name]), "\n")

    print("| dev set | measure | stance | majority | VADER | keywords |")
    print("|---|---|---|---|---|---|")
    for name, report in reports.items():
        b = report["baselines"]

        def row(label, m, name=name, b=b):
            print(f"| `{name}` | {label} | {m['macro_f1']:.3f} | {b['majority']['macro_f1']:.3f} "
                  f"| {b['vader']['macro_f1']:.3f} | {b['keywords']['macro_f1']:.3f} |")

        if report["kind"] == "pairs":
            row("coop-vs-conf macro-F1, gold pair given", report["model"])
            e = report["end_to_end"]
            print(f"| `{name}` | coop-vs-conf macro-F1, end to end ({e['missed']} missed) | {e['macro_f1']:.3f} | | | |")
            print(f"| `{name}` | recogniser finds both states | {report['model']['recogniser_found_both']:.3f} | | | |")
        elif report["kind"] == "sentences":
            row("3-class macro-F1", report["model"])
        else:
            row("3-class macro-F1", report["model"])
            if "pearson_r" in report["model"]:
                print(f"| `{name}` | Pearson r with ratings | {report['model']['pearson_r']:.3f} | | "
                      f"{b['vader']['pearson_r']:.3f} | |")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
