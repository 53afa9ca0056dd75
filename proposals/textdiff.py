"""A word-level diff between two versions of a text, for the revisions page. Pure; uses difflib
(standard library) because readers need "which words changed", not a patch format."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "added" or "removed"
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """The new text as a sequence of unchanged, removed and added runs. Whitespace is kept as
    its own token so the pieces join back into readable text."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if op in ("replace", "delete"):
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if op in ("replace", "insert"):
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return [p for p in pieces if p.text]


def changed(old: str, new: str) -> bool:
    return (old or "") != (new or "")
