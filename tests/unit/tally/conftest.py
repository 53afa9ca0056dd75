"""Shared helpers for the tally tests: where the Kraków files are, and the pabutools bridge."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # ear_oracle.py


def pabulib_dir() -> Path | None:
    for candidate in (REPO / ".." / "shared" / "pabulib", Path("/work/shared/pabulib")):
        if (candidate / "krakow").is_dir():
            return candidate.resolve()
    return None


@pytest.fixture(scope="session")
def krakow() -> Path:
    d = pabulib_dir()
    if d is None:
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/pabulib is missing; under CI the Kraków files are required")
        pytest.skip("../shared/pabulib not found next to the repository (nor /work/shared/pabulib)")
    return d / "krakow"
