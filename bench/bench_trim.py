"""Time intake.trimmer.trim on every case of the shared reply-trimming corpus.

    python bench/bench_trim.py [--repeat N]

Prints, in plain lines, the number of messages and the median and maximum
milliseconds per message (each message's time is its median over N runs).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT.parent / "shared" / "corpus" / "reply-trimming" / "cases"

sys.path.insert(0, str(ROOT))

from intake.trimmer import trim  # noqa: E402  (needs the repo root on sys.path)


def load_texts(root: Path) -> list[tuple[str, str]]:
    """(source/name, text) of every *.eml.txt case, read with line endings kept."""
    texts = []
    for path in sorted(root.glob("*/*.eml.txt")):
        with path.open(encoding="utf-8", newline="") as f:
            texts.append((f"{path.parent.name}/{path.name[: -len('.eml.txt')]}", f.read()))
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per message (default 20)")
    args = parser.parse_args()
    if not CASES.is_dir():
        print(f"corpus not found: {CASES}")
        return 1
    texts = load_texts(CASES)
    per_message: list[tuple[float, str]] = []
    for name, text in texts:
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            trim(text)
            runs.append((time.perf_counter() - start) * 1000)
        per_message.append((statistics.median(runs), name))
    times = [ms for ms, _ in per_message]
    slowest_ms, slowest = max(per_message)
    print(f"messages: {len(texts)}")
    print(f"repetitions: {args.repeat}")
    print(f"median ms per message: {statistics.median(times):.3f}")
    print(f"max ms per message: {slowest_ms:.3f} ({slowest})")
    print(f"total ms per pass: {sum(times):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
