"""Run the test suite as six pytest processes side by side: what `make test` calls.

Most of the browser tests' time is waiting: each whole-cycle walk creates a ballot and waits for it
to close before counting it. Run one after the other, the walks alone took longer than the rest of
the suite; side by side, the waits overlap with work. The rest of the suite is split in two halves
of about the same time, so that once the browser groups are done both cores still have work (one
process alone took 16 of the suite's 17 minutes). Each browser group starts its own live server
and Chromium (session fixtures), so the groups share nothing but PostgreSQL, where each pytest
session creates its own database.

    python tests/run_groups.py [pytest options...]

The first group's output streams to the terminal; the others are written to var/test-logs/ and
printed after it. Exit status 0 when every group passed or had nothing selected (pytest's 5, for
example with `make test PYTEST_ARGS=tests/unit`), 1 otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "var" / "test-logs"

# The HTTP page tests other than the security checks and the ballot pages: they go with the
# integration tests. The ballot pages go with the unit tests and security checks, which finished
# about three minutes before the integration tests when all of these were together (CI, 2026-11-30).
WITH_UNIT = ["tests/web/ballots"]
WEB_PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "web").iterdir()
                   if p.name != "security" and (p.is_dir() or p.name.startswith("test_"))
                   and str(p.relative_to(ROOT)) not in WITH_UNIT)

GROUPS: list[tuple[str, list[str]]] = [
    ("integration tests and pages",
     ["-m", "not browser and not deploy", "--ignore=tests/unit", "--ignore=tests/web/security",
      *(f"--ignore={path}" for path in WITH_UNIT)]),
    ("unit tests and security checks with ballot pages",
     ["-m", "not browser and not deploy", "--ignore=tests/integration", *(f"--ignore={path}" for path in WEB_PAGES)]),
    # Mostly waiting (for ballots to close, for a dead worker's count to be taken up): beside the rest.
    ("deployment topology", ["-m", "deploy"]),
    ("browser: pages and XSS", ["-m", "browser and not walk"]),
    ("browser: walks with JavaScript", ["-m", "walk", "-k", "not nojs"]),
    ("browser: walks without JavaScript", ["-m", "walk", "-k", "nojs"]),
]
NOTHING_SELECTED = 5
# Each group's temporary files (every test's SQLite database, the live servers' folders) in memory
# where the machine has a tmpfs: the same files and the same PRAGMAs, but a commit's fsync costs
# nothing there, and on this machine's disk it was most of the SQLite tests' time (a SQLite-only run
# of two integration folders: 82 s on disk, 26 s in memory). A passing test's files are removed at
# the end; a failing one's stay for a look.
TMPFS = Path("/dev/shm")


def temp_options(name: str) -> list[str]:
    if not (TMPFS.is_dir() and os.access(TMPFS, os.W_OK)):
        return []
    parent = TMPFS / f"townsquare-tests-{os.getuid()}"
    parent.mkdir(mode=0o700, exist_ok=True)
    return [f"--basetemp={parent / name.split(': ')[-1].replace(' ', '-')}",
            "-o", "tmp_path_retention_policy=failed"]


def main(args: list[str]) -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest"]
    background: list[tuple[str, Path, subprocess.Popen[bytes]]] = []
    for name, selection in GROUPS[1:]:
        log = LOGS / f"{name.split(': ')[-1].replace(' ', '-')}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen([*command, *selection, *temp_options(name), *args], cwd=ROOT, stdout=out,
                                    stderr=subprocess.STDOUT)
        background.append((name, log, proc))
    try:
        first = subprocess.run([*command, *GROUPS[0][1], *temp_options(GROUPS[0][0]), *args], cwd=ROOT).returncode
        statuses = [(GROUPS[0][0], first)]
        for name, log, proc in background:
            status = proc.wait()
            print(f"\n--- {name} ({log.relative_to(ROOT)}) ---", flush=True)
            sys.stdout.write(log.read_text(errors="replace"))
            statuses.append((name, status))
    finally:
        for _, _, proc in background:
            if proc.poll() is None:
                proc.terminate()
    print(f"\n--- all groups, {time.monotonic() - started:.0f} s ---")
    for name, status in statuses:
        verdict = {0: "passed", NOTHING_SELECTED: "nothing selected"}.get(status, f"FAILED ({status})")
        print(f"{name}: {verdict}")
    return 0 if all(status in (0, NOTHING_SELECTED) for _, status in statuses) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
