"""Record PB-EAR outcomes (with completion) computed by the plain exact oracle of the tests.

    .venv/bin/python bench/ear_reference.py city2018 city2019 districts

The oracle (tests/unit/tally/ear_oracle.py: one Fraction weight per ballot, supports recounted
from scratch) needs many minutes on a city-wide file, too long for the test suite, so its outcomes
are written to tests/data/ear_exact_reference.json after every file, with the time each took;
tests/unit/tally/test_ear_completion.py checks `count("ear", ...)` against them.
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "unit" / "tally")]

from ear_oracle import ear_completed  # noqa: E402

from ballots.tally.pabulib import parse_election  # noqa: E402

OUT = ROOT / "tests" / "data" / "ear_exact_reference.json"
KRAKOW = next(p for p in (ROOT / ".." / "shared" / "pabulib" / "krakow", Path("/work/shared/pabulib/krakow"))
              if p.is_dir())


def oracle_input(path: Path):
    e = parse_election(path.read_text(encoding="utf-8-sig"))
    projects = {p.id: p.cost for p in e.projects}
    merged: Counter[tuple[str, ...]] = Counter()
    for row, w in zip(e.rankings.tolist(), e.weights.tolist(), strict=True):
        merged[tuple(e.projects[j].id for j in row if j >= 0)] += int(w)
    return projects, e.budget, [(list(r), w) for r, w in sorted(merged.items())], e.max_length


def main(targets: list[str]) -> None:
    files = []
    for t in targets:
        if t.startswith("city"):
            files.append(KRAKOW / f"poland_krakow_{t[4:]}_.pb")
        elif t == "districts":
            files += [p for p in sorted(KRAKOW.glob("*.pb")) if not p.name.endswith("_.pb")]
    for path in files:
        start = time.perf_counter()
        selected = ear_completed(*oracle_input(path))
        # Read again just before writing: several of these may run at once, one file each.
        results = json.loads(OUT.read_text()) if OUT.exists() else {}
        results[path.name] = {"selected": selected, "seconds": round(time.perf_counter() - start, 1),
                              "date": datetime.date.today().isoformat()}
        OUT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        print(path.name, results[path.name]["seconds"], "s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
