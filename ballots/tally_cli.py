"""`townsquare tally FILE.pb [--rule greedy|mes|ear] [--json]`.

Imports nothing from the web stack so that counting a city-wide file starts fast.
"""

from __future__ import annotations

import argparse
import sys

import msgspec

from ballots.tally import DEFAULT_RULE, RULES, count
from ballots.tally.model import Result, TallyError
from ballots.tally.pabulib import PabulibError, parse


def _table(result: Result) -> str:
    rows = [("id", "cost", "points", "funded", "explanation")]
    order = {pid: i for i, pid in enumerate(result.selected)}
    ranked = sorted(result.projects, key=lambda p: (order.get(p.id, len(order)), -p.points, p.id))
    rows += [(p.id, str(p.cost), str(p.points), "yes" if p.selected else "no", p.explanation.text)
             for p in ranked]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [f"rule {result.rule}: spent {result.spent} of {result.budget}, "
             f"{len(result.selected)} project(s) funded", ""]
    lines += ["  ".join(c.ljust(widths[i]) if i < 4 else c for i, c in enumerate(r)) for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="townsquare tally", description="Count a pabulib .pb file.")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--rule", choices=sorted(RULES), default=DEFAULT_RULE)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        print(f"{args.file}: cannot read: {e}", file=sys.stderr)
        return 2
    try:
        election = parse(text).election
    except PabulibError as e:
        print(f"{args.file}:{e.line_no}: {e.message}", file=sys.stderr)
        return 2
    try:
        result = count(args.rule, election)
    except TallyError as e:
        print(f"{args.file}: {e}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(msgspec.json.encode(result).decode() + "\n")
    else:
        sys.stdout.write(_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
