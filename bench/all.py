"""Every bench in this folder, one after the other, and a table of what each measured.

    .venv/bin/python bench/all.py [--server postgres://postgres@127.0.0.1:5432/test]
        [--only burst,intake] [--log bench/last-run.txt]

Each script runs alone (they share the machine's two cores with nothing else of ours),
with its own defaults; with ``--server`` the ones that can also measure PostgreSQL do,
and the weekly report (PostgreSQL only) runs. The table shows, per bench, the lines that
carry its figures against their targets (ratios, times, the theme score); the full
output of every script goes to ``--log``. The exit status is 1 if a script failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
# name: (script, the option that hands it the PostgreSQL server, if it takes one)
BENCHES: dict[str, tuple[str, str | None]] = {
    "trim": ("bench_trim.py", None),
    "themes": ("bench_themes.py", None),
    "intake": ("bench_intake.py", "--database-url"),
    "burst": ("bench_burst.py", None),
    "campaign": ("bench_campaign.py", None),
    "reminders": ("bench_reminders.py", "--database-url"),
    "report": ("bench_report.py", "--server"),
}
NEEDS_SERVER = {"report"}
FIGURES = ("ratio", "target", "median ms", "max ms", "TOTAL", "p99")


def figures(output: str) -> list[str]:
    """The lines of a bench's output that carry its figures."""
    return [line.strip() for line in output.splitlines() if any(f in line for f in FIGURES)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="a PostgreSQL server URL for the benches that use one")
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(BENCHES))
    parser.add_argument("--log", type=Path, default=HERE / "last-run.txt")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        parser.error(f"no bench named {', '.join(unknown)}; there are {', '.join(BENCHES)}")
    rows: list[tuple[str, float, int, list[str]]] = []
    with args.log.open("w") as log:
        for name in chosen:
            if name in NEEDS_SERVER and not args.server:
                rows.append((name, 0.0, 0, ["skipped: needs --server (PostgreSQL)"]))
                continue
            script, server_option = BENCHES[name]
            command = [sys.executable, str(HERE / script)]
            if args.server and server_option:
                command += [server_option, args.server]
            print(f"running {name} ...", file=sys.stderr, flush=True)
            start = time.monotonic()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            seconds = time.monotonic() - start
            log.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}\n")
            lines = figures(done.stdout) or done.stdout.strip().splitlines()[-1:]
            if done.returncode:
                lines.append(f"exit status {done.returncode}; see {args.log}")
            rows.append((name, seconds, done.returncode, lines))
    width = max(len(name) for name, *_ in rows)
    print(f"{'bench'.ljust(width)}  {'seconds':>7}  figures")
    for name, seconds, _, lines in rows:
        for n, line in enumerate(lines):
            head = f"{name.ljust(width)}  {seconds:7.0f}" if n == 0 else " " * (width + 9)
            print(f"{head}  {line}")
    return 1 if any(code for _, _, code, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
