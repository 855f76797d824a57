"""How long `stance --help` and `import stance` take (best of N fresh processes).

    python bench/bench_help.py [--runs 10] [--json]
"""

import argparse
import json
import subprocess
import sys
import time


def best_of(command: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {
        "python_startup_s": best_of([sys.executable, "-c", "pass"], args.runs),
        "import_stance_s": best_of([sys.executable, "-c", "import stance"], args.runs),
        "stance_help_s": best_of([sys.executable, "-m", "stance", "--help"], args.runs),
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, value in results.items():
            print(f"{name:20} {value * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
