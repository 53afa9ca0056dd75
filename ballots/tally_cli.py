"""`townsquare tally FILE.pb [--rule greedy|mes|ear] [--json] [--find RECEIPT]`.

Imports nothing from the web stack so that counting a city-wide file starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

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


# Below this many bytes of votes, starting a second process costs more than it saves.
PARALLEL_FROM_BYTES = 1_000_000


def _cores() -> int:
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return 1


def forked_map(fn: Callable[..., Any], *iterables: Iterable[Any]) -> list[Any]:
    """`list(map(fn, *iterables))`, with every call after the first in a forked child process.

    Why not multiprocessing: its pool starts fresh interpreters (or pickles `fn`'s module state)
    and takes longer to start than counting 100,000 ballots takes here; a bare fork shares the text
    already read, and only the small per-rank counts come back through a pipe. A child that fails
    sends None, which the caller treats as "count this file the slow, careful way".
    """
    calls = list(zip(*iterables, strict=False))  # like map: stops at the shortest (repeat() never ends)
    if len(calls) < 2 or not hasattr(os, "fork"):
        return [fn(*args) for args in calls]
    import pickle

    children = []
    for args in calls[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: count, send, and leave without running the parent's clean-up
            os.close(read_end)
            try:
                data = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                data = pickle.dumps(None)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            os._exit(0)
        os.close(write_end)
        children.append((pid, read_end))
    results = [fn(*calls[0])]
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        results.append(pickle.loads(data) if data else None)
    return results


def receipt_fingerprint(ballot_id: str, receipt: str) -> str:
    """The documented recipe (README, "Find my ballot"), standard library only: the first 20 hex
    characters of sha256("townsquare-receipt:{ballot id}:{RECEIPT}"), RECEIPT in capitals without
    dashes or spaces. ballots/sealing.py `fingerprint` is the same function."""
    import hashlib

    normalized = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return hashlib.sha256(f"townsquare-receipt:{ballot_id}:{normalized}".encode()).hexdigest()[:20]


def find_receipt(text: str, receipt: str) -> tuple[str, list[str] | None]:
    """(the receipt's fingerprint, the VOTES row that ends with it or None), read line by line."""
    section = ""
    ballot_id = ""
    fingerprint = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line in ("META", "PROJECTS", "VOTES"):
            section = line
            continue
        fields = line.split(";")
        if section == "META" and fields[0] == "ballot_id" and len(fields) > 1:
            ballot_id = fields[1]
        elif section == "VOTES":
            fingerprint = fingerprint or receipt_fingerprint(ballot_id, receipt)
            if fields[-1] == fingerprint:
                return fingerprint, fields
    return fingerprint or receipt_fingerprint(ballot_id, receipt), None


def _find(path: str, text: str, receipt: str) -> int:
    fingerprint, row = find_receipt(text, receipt)
    if row is None:
        print(f"{path}: no ballot has the fingerprint {fingerprint} of this receipt", file=sys.stderr)
        return 1
    print(f"voter_id {row[0]}: {row[1]} (receipt fingerprint {fingerprint})")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Counting is single-threaded numpy: OpenBLAS's worker threads only spin (and on a busy
    # machine cost several times the counting itself). This must happen before numpy is
    # imported, hence the imports below rather than at the top of the module.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from ballots.tally import DEFAULT_RULE, RULES, count
    from ballots.tally.greedy import greedy_by_points
    from ballots.tally.model import TallyError
    from ballots.tally.pabulib import PabulibError, parse_election, read_points

    parser = argparse.ArgumentParser(prog="townsquare tally", description="Count a pabulib .pb file.")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--rule", choices=sorted(RULES), default=DEFAULT_RULE)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--find", metavar="RECEIPT", help="print the ballot of this receipt instead of counting")
    args = parser.parse_args(argv)
    try:
        with open(args.file, "rb") as f:
            text = f.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        print(f"{args.file}: cannot read: {e}", file=sys.stderr)
        return 2
    if args.find:
        return _find(args.file, text, args.find)
    try:
        parts = _cores() if len(text) >= PARALLEL_FROM_BYTES else 1
        points = read_points(text, parts, forked_map) if args.rule == "greedy" else None
        result = greedy_by_points(*points) if points else count(args.rule, parse_election(text))
    except PabulibError as e:
        print(f"{args.file}:{e.line_no}: {e.message}", file=sys.stderr)
        return 2
    except TallyError as e:
        print(f"{args.file}: {e}", file=sys.stderr)
        return 2
    if args.json:
        # The stdlib encoder, compact and unescaped, writes what msgspec.json.encode would (checked on
        # every shared pabulib file) without msgspec's import time.
        import json

        sys.stdout.write(json.dumps(result.to_builtins(), ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
