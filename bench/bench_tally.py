"""Benchmark: `townsquare tally` (the whole process) against pabutools.

    .venv/bin/python bench/bench_tally.py [--write]

Ours is timed on every run as a subprocess (start-up and parsing included), best of 5 by wall
time and, separately, by CPU time (user + system, from wait4: much less sensitive to other
people's jobs on the shared cores), with peak memory per run. pabutools' times come from tests/data/
pabutools_mes_reference.json (bench/pabutools_reference.py; minutes per city-wide file), or,
for greedy, are measured here (pabutools' parser plus greedy by points). With --write, the table
replaces the "## Tally" section of BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import synthetic_file  # noqa: E402

REFERENCE = ROOT / "tests" / "data" / "pabutools_mes_reference.json"


def shared_krakow() -> Path:
    for d in (ROOT / ".." / "shared" / "pabulib" / "krakow", Path("/work/shared/pabulib/krakow")):
        if d.is_dir():
            return d
    raise SystemExit("../shared/pabulib/krakow not found")


def command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "townsquare"
    # Until the lead's server/cli.py dispatches `tally`, the console script cannot run it.
    wired = (ROOT / "server" / "cli.py").exists()
    if exe.exists() and wired and os.environ.get("TALLY_BENCH_USE_MODULE") != "1":
        return [str(exe), "tally"]
    return [sys.executable, "-m", "ballots.tally_cli"]


def _run_once(path: Path, rule: str) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one run, and its stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen([*command(), str(path), "--rule", rule, "--json"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    proc.stdout.close()
    # wait4 gives this child's own usage (RUSAGE_CHILDREN would mix in every earlier run).
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{path.name} --rule {rule} failed ({proc.returncode})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.decode()


def ours(path: Path, rule: str, repeat: int = 5) -> tuple[float, float, list[str], float]:
    """Best wall time, best CPU time (less sensitive to a busy machine), outcome, peak RSS."""
    best, best_cpu, rss_mb = float("inf"), float("inf"), 0.0
    out = ""
    for _ in range(repeat):
        wall, cpu, rss, out = _run_once(path, rule)
        best, best_cpu, rss_mb = min(best, wall), min(best_cpu, cpu), max(rss_mb, rss)
    return best, best_cpu, json.loads(out)["selected"], rss_mb


def pabutools_greedy(path: Path) -> tuple[float, list[str]]:
    from pabutools.election import parse_pabulib

    start = time.perf_counter()
    instance, profile = parse_pabulib(str(path))
    k = int(instance.meta.get("max_length", 0)) or max(len(b) for b in profile)
    points = {p.name: 0 for p in instance}
    for ballot in profile:
        for pos, p in enumerate(ballot):
            points[p.name] += k - pos
    left, chosen = instance.budget_limit, []
    for p in sorted(instance, key=lambda p: (-points[p.name], p.name)):
        if p.cost <= left:
            chosen.append(p.name)
            left -= p.cost
    return time.perf_counter() - start, chosen


def main() -> None:
    # An installed package carries compiled bytecode (pip compiles it); an editable checkout run
    # with PYTHONDONTWRITEBYTECODE (as on these machines) would recompile every module on every
    # start. Compile once so start-up is measured as a real install has it.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "ballots", "server"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    reference = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
    krakow = shared_krakow()
    inputs = [("synthetic 100k", synthetic_file(ROOT)), ("Kraków 2018", krakow / "poland_krakow_2018_.pb")]
    rows = [("rule", "input", "ballots", "ours (s)", "ours CPU (s)", "pabutools (s)", "ratio",
             "same outcome", "peak RSS (MB)")]
    # All our runs first: a child forked from this process after pabutools has grown it would
    # report the parent's memory as its own peak RSS (ru_maxrss counts the pages before exec).
    timed = {(label, rule): ours(path, rule) for label, path in inputs for rule in ("mes", "greedy")}
    for label, path in inputs:
        n = sum(1 for _ in path.open()) - path.read_text().splitlines().index("VOTES") - 2
        for rule in ("mes", "greedy"):
            t, cpu, selected, rss = timed[label, rule]
            if rule == "mes":
                ref = reference.get(path.name)
                pt = ref["seconds"] if ref else None
                same = ("yes" if ref["selected"] == selected else "no") if ref else "n/a"
            else:
                pt, theirs = pabutools_greedy(path)
                same = "yes" if theirs == selected else "no"
            ratio = f"{pt / t:,.0f}x" if pt else "pending"
            rows.append((rule, label, f"{n:,}", f"{t:.3f}", f"{cpu:.3f}", f"{pt:,.1f}" if pt else "pending",
                         ratio, same, f"{rss:.0f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(r)) + " |" for r in rows]
    table.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    about = reference.get("_about", {})
    note = (f"Ours: whole `{' '.join(Path(c).name for c in command())}` process, best of 5 (wall and CPU "
            f"separately; CPU = user + system), load average {os.getloadavg()[0]:.1f} at the end, "
            f"{platform.node()} ({os.cpu_count()} cores, shared), {time.strftime('%Y-%m-%d')}. "
            f"pabutools {about.get('pabutools', '?')} mes times: recorded once by "
            "bench/pabutools_reference.py (see tests/data/pabutools_mes_reference.json for dates); "
            "greedy: pabutools' parser plus greedy by points, timed now. Peak RSS is the largest "
            "of the five runs (wait4).")
    text = "\n".join(table) + "\n\n" + note + "\n"
    print(text)
    if "--write" in sys.argv:
        bench = ROOT / "BENCHMARKS.md"
        head = "# Benchmarks\n\n"
        section = "## Tally\n\n`.venv/bin/python bench/bench_tally.py --write`\n\n" + text
        old = bench.read_text() if bench.exists() else head
        if "## Tally" in old:
            before, _, rest = old.partition("## Tally")
            after = rest[rest.find("\n## "):] if "\n## " in rest else ""
            own = rest[:len(rest) - len(after)]
            # Hand-written notes below the table (before/after runs, what changed) are kept.
            marks = [i for i in (own.find("\nBefore/after"), own.find("\nNotes (tally):")) if i >= 0]
            kept = own[min(marks):].lstrip("\n") if marks else ""
            old = before + section + ("\n" + kept if kept else "") + after
        else:
            old = old.rstrip() + "\n\n" + section
        bench.write_text(old)


if __name__ == "__main__":
    main()
