"""Benchmark: PB-EAR (completed) at city scale, next to equal shares, as whole processes.

    .venv/bin/python bench/bench_ear.py [--repeat 5]

Times `townsquare tally FILE --rule ear|mes --json` on Kraków 2018's and 2019's city-wide files
as subprocesses (start-up and parsing included): best of N by wall time and, separately, by CPU
time (user + system, from wait4, much less sensitive to other jobs on shared cores), with peak
memory. Also prints how far the completion raised the budget and checks the outcome is within
budget and exhaustive. Target (issue 16): under 1 s each for `--rule ear`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_tally import _run_once, command, shared_krakow  # noqa: E402


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    subprocess.run([sys.executable, "-m", "compileall", "-q", "ballots", "server"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    krakow = shared_krakow()
    rows = [("rule", "input", "ballots", "wall (s)", "CPU (s)", "peak RSS (MB)", "completion", "spent / budget",
             "exhaustive")]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    for year in ("2018", "2019"):
        path = krakow / f"poland_krakow_{year}_.pb"
        n = sum(1 for _ in path.open()) - path.read_text().splitlines().index("VOTES") - 2
        for rule in ("ear", "mes"):
            best = best_cpu = float("inf")
            rss = 0.0
            out = ""
            for _ in range(repeat):
                wall, cpu, mb, out = _run_once(path, rule)
                best, best_cpu, rss = min(best, wall), min(best_cpu, cpu), max(rss, mb)
            result = json.loads(out)
            cost = {p["id"]: p["cost"] for p in result["projects"]}
            left = result["budget"] - result["spent"]
            exhaustive = all(c > left for pid, c in cost.items() if pid not in result["selected"])
            c = result["completion"]
            raised = f"budget +{c.get('steps', 0)}%" if c["method"] != "none" else "none"
            rows.append((rule, f"Kraków {year}", f"{n:,}", f"{best:.3f}", f"{best_cpu:.3f}", f"{rss:.0f}", raised,
                         f"{result['spent']:,} / {result['budget']:,}", "yes" if exhaustive else "NO"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(r)) + " |" for r in rows]
    table.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print("\n".join(table))
    print(f"\n`{' '.join(Path(c).name for c in command())}`, best of {repeat}, {time.strftime('%Y-%m-%d %H:%M')} UTC, "
          f"{os.cpu_count()} cores (shared); /proc/loadavg before {' '.join(load_before)}, "
          f"after {' '.join(load_after)}.")


if __name__ == "__main__":
    main()
