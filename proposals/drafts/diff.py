"""What changed between two versions of a draft (pure: no I/O).

Sections are matched by their stable key, never by position or heading, so a section that was
renamed, edited and moved is still the same section. A section is "moved" when it is not part of
the longest run of common sections that kept their relative order (the fewest sections that must
have moved to explain the new order). Text changes are shown word by word with difflib.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Section:
    key: int
    heading: str
    body: str


@dataclass(frozen=True)
class Segment:
    op: str  # equal | insert | delete
    text: str


@dataclass
class SectionChange:
    key: int
    status: str  # added | removed | changed | unchanged
    moved: bool = False
    moved_up: bool = False  # among the sections in both versions, it now comes earlier
    old: Section | None = None
    new: Section | None = None
    old_position: int | None = None  # 1-based
    new_position: int | None = None
    heading_diff: list[Segment] = field(default_factory=list)
    body_diff: list[Segment] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return (self.new or self.old).heading  # type: ignore[union-attr]


# Below this similarity a paragraph reads better as "old text removed, new text added" than as
# a confetti of small changes.
REWRITE_RATIO = 0.35
# Unchanged runs this short (a space, "a", "of") between two changes are folded into the change,
# so a rewritten phrase shows as one removal and one addition.
SHORT_EQUAL = 3


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that rebuild `old` (equal + delete) and `new` (equal + insert), merged so that
    neighbouring pieces of the same kind form one segment."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if a and b and matcher.ratio() < REWRITE_RATIO:
        return [Segment("delete", old), Segment("insert", new)]
    # (op, old text, new text) per opcode, then fold short equal runs between changes.
    raw = [("equal" if tag == "equal" else "change", "".join(a[i1:i2]), "".join(b[j1:j2]))
           for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    folded: list[tuple[str, str, str]] = []
    for n, (op, x, y) in enumerate(raw):
        between = 0 < n < len(raw) - 1 and raw[n - 1][0] == "change" and raw[n + 1][0] == "change"
        if op == "equal" and between and len(x.strip()) <= SHORT_EQUAL:
            op = "change"
        if folded and op == "change" and folded[-1][0] == "change":
            _op, px, py = folded.pop()
            x, y = px + x, py + y
        folded.append((op, x, y))
    out: list[Segment] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for op, x, y in folded:
        if op == "equal":
            add("equal", x)
        else:
            add("delete", x)
            add("insert", y)
    return out


def _kept_in_order(old_keys: list[int], new_keys: list[int]) -> set[int]:
    """Keys of the longest common subsequence of the two orders (keys are unique)."""
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    kept: set[int] = set()
    for block in matcher.get_matching_blocks():
        kept.update(old_keys[block.a:block.a + block.size])
    return kept


def diff_versions(old: list[Section], new: list[Section]) -> list[SectionChange]:
    """Changes in the new version's order, each removed section placed after the section that
    preceded it in the old version."""
    old_by_key = {s.key: (i, s) for i, s in enumerate(old)}
    new_keys = [s.key for s in new]
    common_old = [s.key for s in old if s.key in set(new_keys)]
    common_new = [k for k in new_keys if k in old_by_key]
    in_order = _kept_in_order(common_old, common_new)
    changes: list[SectionChange] = []
    for j, s in enumerate(new):
        if s.key not in old_by_key:
            changes.append(SectionChange(s.key, "added", new=s, new_position=j + 1,
                                         heading_diff=[Segment("insert", s.heading)],
                                         body_diff=[Segment("insert", s.body)] if s.body else []))
            continue
        i, o = old_by_key[s.key]
        changed = o.heading != s.heading or o.body != s.body
        moved = s.key not in in_order
        changes.append(SectionChange(
            s.key, "changed" if changed else "unchanged", moved=moved, old=o, new=s,
            moved_up=moved and common_new.index(s.key) < common_old.index(s.key),
            old_position=i + 1, new_position=j + 1,
            heading_diff=word_diff(o.heading, s.heading) if changed else [Segment("equal", s.heading)],
            body_diff=word_diff(o.body, s.body) if changed else [Segment("equal", s.body)],
        ))
    new_set = set(new_keys)
    for i, o in enumerate(old):
        if o.key in new_set:
            continue
        removed = SectionChange(o.key, "removed", old=o, old_position=i + 1,
                                heading_diff=[Segment("delete", o.heading)],
                                body_diff=[Segment("delete", o.body)] if o.body else [])
        # After the change for the nearest preceding old section still present, else first.
        anchor = next((old[k].key for k in range(i - 1, -1, -1) if old[k].key in new_set), None)
        at = 0 if anchor is None else next(n for n, c in enumerate(changes) if c.key == anchor) + 1
        while at < len(changes) and changes[at].status == "removed":
            at += 1
        changes.insert(at, removed)
    return changes


def summary(changes: list[SectionChange]) -> dict[str, int]:
    counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
    for c in changes:
        if c.status in counts:
            counts[c.status] += 1
        if c.moved:
            counts["moved"] += 1
    return counts
