"""`townsquare tally FILE.pb [--rule greedy|mes|ear] [--json]`.

Imports nothing from the web stack so that counting a city-wide file starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ballots.tally.model import Result


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
    # Counting is single-threaded numpy: OpenBLAS's worker threads only spin (and on a busy
    # machine cost several times the counting itself). This must happen before numpy is
    # imported, hence the imports below rather than at the top of the module.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import msgspec

    from ballots.tally import DEFAULT_RULE, RULES, count
    from ballots.tally.greedy import greedy_by_points
    from ballots.tally.model import TallyError
    from ballots.tally.pabulib import PabulibError, parse_election, read_points

    parser = argparse.ArgumentParser(prog="townsquare tally", description="Count a pabulib .pb file.")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--rule", choices=sorted(RULES), default=DEFAULT_RULE)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        with open(args.file, "rb") as f:
            text = f.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        print(f"{args.file}: cannot read: {e}", file=sys.stderr)
        return 2
    try:
        points = read_points(text) if args.rule == "greedy" else None
        result = greedy_by_points(*points) if points else count(args.rule, parse_election(text))
    except PabulibError as e:
        print(f"{args.file}:{e.line_no}: {e.message}", file=sys.stderr)
        return 2
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
