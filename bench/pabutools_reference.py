"""Compute reference outcomes with pabutools (slow: minutes per city-wide file).

    .venv/bin/python bench/pabutools_reference.py districts city2018 synthetic city2019

Writes tests/data/pabutools_mes_reference.json after every file, so a partial run is usable.
The reference for `mes` is pabutools' `exhaustion_by_budget_increase` (1% steps) around
`method_of_equal_shares` with points (K, K-1, ..., 1) as positional satisfaction, then greedy by
points, ties broken by our one tie rule (ballots/tally/ties.py), as DESIGN.md describes. Also used by the unit tests on
small instances through `reference_mes`.
"""

from __future__ import annotations

import datetime
import json
import platform
import resource
import sys
import time
from pathlib import Path

from pabutools.election import Instance, OrdinalBallot, OrdinalProfile, Project, parse_pabulib
from pabutools.election.satisfaction import PositionalSatisfaction
from pabutools.fractions import frac
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ballots.tally.ties import tie_key

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "pabutools_mes_reference.json"


def points_sat_class(points: list[int]) -> type:
    def positional(ballot, project):
        if project in ballot:
            pos = ballot.position(project)
            return points[pos] if pos < len(points) else 0
        return 0

    class PointsSat(PositionalSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, positional, sum)

    return PointsSat


def reference_mes(instance: Instance, profile, points: list[int]) -> list[str]:
    """pabutools MES completed by budget increase, then greedy by points. Returns ids in order."""
    sat = points_sat_class(points)
    totals = {p.name: 0 for p in instance}
    for ballot in profile:
        for pos, p in enumerate(ballot):
            if pos < len(points):
                totals[p.name] += points[pos] * profile.multiplicity(ballot) if hasattr(
                    profile, "multiplicity") else points[pos]
    # Our one tie rule (ballots/tally/ties.py): more points, then lower cost, then lower number.
    ties = TieBreakingRule(lambda inst, prof, p: tie_key(totals[p.name], p.cost, p.name))
    outcome = exhaustion_by_budget_increase(
        instance, profile, method_of_equal_shares,
        {"sat_class": sat, "tie_breaking": ties}, budget_step=instance.budget_limit * frac(1, 100))
    chosen = [p.name for p in outcome]
    left = instance.budget_limit - sum(p.cost for p in outcome)
    for p in sorted(instance, key=lambda p: tie_key(totals[p.name], p.cost, p.name)):
        if p.name not in chosen and p.cost <= left:
            chosen.append(p.name)
            left -= p.cost
    return chosen


def build(projects: list[tuple[str, int]], budget: int, ballots: list[list[str]]):
    """A pabutools instance and ordinal profile from plain values (weights as repeated ballots)."""
    by_id = {pid: Project(pid, cost) for pid, cost in projects}
    instance = Instance(by_id.values(), budget_limit=budget)
    profile = OrdinalProfile([OrdinalBallot([by_id[p] for p in b]) for b in ballots], instance=instance)
    return instance, profile


def run_file(path: Path) -> dict:
    start = time.perf_counter()
    instance, profile = parse_pabulib(str(path))
    k = int(instance.meta.get("max_length", 0)) or max(len(b) for b in profile)
    chosen = reference_mes(instance, profile, list(range(k, 0, -1)))
    return {"selected": chosen, "seconds": round(time.perf_counter() - start, 2)}


def save(results: dict) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def main(targets: list[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import synthetic_file

    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    results.setdefault("_about", {})
    results["_about"].update({
        "pabutools": __import__("importlib.metadata").metadata.version("pabutools"),
        "machine": f"{platform.node()} {platform.machine()} {platform.processor()}".strip(),
        "python": platform.python_version(),
    })
    shared = ROOT / ".." / "shared" / "pabulib" / "krakow"
    if not shared.exists():
        shared = Path("/work/shared/pabulib/krakow")
    files = []
    for t in targets:
        if t == "districts":
            files += [p for p in sorted(shared.glob("*.pb")) if not p.name.endswith("_.pb")]
        elif t == "city2018":
            files.append(shared / "poland_krakow_2018_.pb")
        elif t == "city2019":
            files.append(shared / "poland_krakow_2019_.pb")
        elif t == "synthetic":
            files.append(synthetic_file(ROOT))
    for path in files:
        if path.name in results and "selected" in results[path.name]:
            continue
        r = run_file(path)
        r["date"] = datetime.date.today().isoformat()
        r["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        results[path.name] = r
        print(path.name, r["seconds"], flush=True)
        save(results)


if __name__ == "__main__":
    main(sys.argv[1:] or ["districts"])
