"""Write a benchmark's table into BENCHMARKS.md, with the command, date and commit under it.

Each table lives between ``<!-- table:NAME -->`` and ``<!-- /table:NAME -->``; a script that
measures it replaces only that part, so every table in the file is the latest run of its
script.
"""

from __future__ import annotations

import datetime
import json
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "BENCHMARKS.md"


def markdown(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def publish(table: str, results: object, json_path: str | None) -> None:
    """Print a benchmark's table, and write its raw results as JSON when asked."""
    print(table)
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=1))


def commit() -> str:
    """The checked-out commit, marked `+changes` when the work tree differs from it (other
    than in BENCHMARKS.md, which the benchmarks write)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return head + ("+changes" if dirty else "")


def write_table(name: str, table: str, note: str = "") -> None:
    """Replace table `name` in BENCHMARKS.md with `table`, `note` and the running command."""
    command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
    stamp = f"`{command}` on {datetime.date.today()}, commit {commit()}"
    body = f"{table}\n\n{note + ' ' if note else ''}Measured with {stamp}."
    start, end = f"<!-- table:{name} -->", f"<!-- /table:{name} -->"
    text = BENCHMARKS.read_text()
    if start not in text or end not in text:
        raise SystemExit(f"{BENCHMARKS} has no place for table {name!r} ({start} ... {end})")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    BENCHMARKS.write_text(f"{head}{start}\n{body}\n{end}{tail}")
    print(f"table {name!r} written to {BENCHMARKS}")
