"""The synthetic city of the benchmark: 100,000 ballots ranking 5 of 60 projects, fixed seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

SEED = 20240601


def synthetic_pb(n_voters: int = 100_000, n_projects: int = 60, k: int = 5, seed: int = SEED) -> str:
    rng = np.random.default_rng(seed)
    costs = (rng.integers(20, 800, size=n_projects) * 1000).tolist()
    budget = int(sum(costs) * 3 // 10)
    # Uneven popularity, as in real votes; Gumbel top-k samples k distinct projects per voter.
    popularity = rng.pareto(1.5, size=n_projects) + 0.2
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(n_voters, n_projects))
    top = np.argsort(-keys, axis=1)[:, :k] + 1
    lines = ["META", "key;value", "description;synthetic city", f"num_projects;{n_projects}",
             f"num_votes;{n_voters}", f"budget;{budget}", "vote_type;ordinal", f"min_length;{k}",
             f"max_length;{k}", "PROJECTS", "project_id;cost;name"]
    lines += [f"{j + 1};{c};Project {j + 1}" for j, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"{i + 1};" + ",".join(map(str, row)) for i, row in enumerate(top.tolist())]
    return "\n".join(lines) + "\n"


def synthetic_file(root: Path) -> Path:
    """The file, written once under var/bench/ by a separate process.

    Why a separate process: making the file takes the caller to about 180 MB, and a child the
    benchmark starts afterwards would report that as its own peak RSS (Linux carries the parent's
    high-water mark across fork and exec into the child's ru_maxrss).
    """
    path = root / "var" / "bench" / "synthetic_100k.pb"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, __file__, str(path)], check=True)
    return path


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(synthetic_pb())
