"""PB-EAR on Kraków's city-wide files against the plain exact oracle of the tests.

    .venv/bin/python bench/ear_exact_check.py [--engine]

The oracle (tests/unit/tally/ear_oracle.py: one Fraction weight per ballot, supports recounted
from scratch at every step) needs minutes per run on a city, and the completion makes dozens of
runs, so this checks the run that decides the outcome, outside the test suite: the oracle at the
budget the completion kept funds the same projects in the same order as `count("ear", ...)`, the
next budget step goes over the real budget (why the scan stopped) unless the kept outcome already
left no room, and greedy filling of the rest gives the published outcome. The full scan is
compared with the oracle on generated elections and Kraków districts in
tests/unit/tally/test_rule_properties.py. Prints one row per file; exits 1 on any difference.
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "unit" / "tally")]

from bench_tally import shared_krakow  # noqa: E402
from ear_oracle import ear_run, greedy_fill, points_of  # noqa: E402

from ballots.tally import count  # noqa: E402
from ballots.tally.ear import ear_level, prepare, run_exact  # noqa: E402
from ballots.tally.pabulib import parse_election  # noqa: E402


def check_engine(path: Path) -> tuple[bool, int, float]:
    """The float engine's kept run against the exact engine (`run_exact`, fractions per class of
    voters with the same history) at the same budget, and at the next budget step."""
    e = parse_election(path.read_text(encoding="utf-8-sig"))
    prep = prepare(e)
    k, kept = ear_level(prep, e.budget)
    start = time.perf_counter()
    exact = run_exact(prep, e.budget * (1 + Fraction(k, 100)))
    same = exact.selected == kept.selected and [s.depth for s in exact.steps] == [s.depth for s in kept.steps]
    spent = sum(prep.cost[j] for j in exact.selected)
    taken = set(exact.selected)
    if same and any(c <= e.budget - spent for j, c in enumerate(prep.cost) if j not in taken):
        following = run_exact(prep, e.budget * (1 + Fraction(k + 1, 100)))
        same = sum(prep.cost[j] for j in following.selected) > e.budget
    return same, k, time.perf_counter() - start


def check(path: Path) -> tuple[bool, int, float]:
    e = parse_election(path.read_text(encoding="utf-8-sig"))
    k, kept = ear_level(prepare(e), e.budget)
    projects = {p.id: p.cost for p in e.projects}
    merged: dict[tuple[str, ...], int] = {}
    for row, w in zip(e.rankings.tolist(), e.weights.tolist(), strict=True):
        key = tuple(e.projects[j].id for j in row if j >= 0)
        merged[key] = merged.get(key, 0) + int(w)
    ballots = [(list(r), w) for r, w in sorted(merged.items())]
    points = points_of(projects, ballots, e.max_length)
    start = time.perf_counter()
    exact = ear_run(projects, ballots, e.budget * (1 + Fraction(k, 100)), points)
    same = exact == [e.projects[j].id for j in kept.selected]
    spent = sum(projects[p] for p in exact)
    if same and any(c <= e.budget - spent for p, c in projects.items() if p not in exact):
        following = ear_run(projects, ballots, e.budget * (1 + Fraction(k + 1, 100)), points)
        same = sum(projects[p] for p in following) > e.budget
    same = same and count("ear", e).selected == greedy_fill(projects, e.budget, points, exact)
    return same, k, time.perf_counter() - start


def main() -> None:
    krakow = shared_krakow()
    ok = True
    engine = "--engine" in sys.argv  # the exact engine of ballots/tally/ear.py instead of the plain oracle
    print(f"| file | kept budget | same as {'the exact engine' if engine else 'the plain exact oracle'} | "
          "exact time (s) |")
    print("|------|-------------|------|----------------|")
    for year in ("2018", "2019"):
        same, k, seconds = (check_engine if engine else check)(krakow / f"poland_krakow_{year}_.pb")
        ok = ok and same
        print(f"| poland_krakow_{year}_.pb | +{k}% | {'yes' if same else 'NO'} | {seconds:.0f} |", flush=True)
    print(f"\n/proc/loadavg at the end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
