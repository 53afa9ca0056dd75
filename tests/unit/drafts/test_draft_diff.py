"""Version diffs: sections matched by key; added, removed, moved and edited detected."""

from __future__ import annotations

from proposals.drafts.diff import Section, Segment, diff_versions, summary, word_diff


def rebuild(segments: list[Segment], side: str) -> str:
    skip = "insert" if side == "old" else "delete"
    return "".join(s.text for s in segments if s.op != skip)


def test_word_diff_marks_changed_words_and_rebuilds_both_texts() -> None:
    old = "Calls are answered within 10 minutes by staff."
    new = "Calls are answered within 5 minutes by trained staff."
    segments = word_diff(old, new)
    assert rebuild(segments, "old") == old and rebuild(segments, "new") == new
    assert Segment("delete", "10") in segments and Segment("insert", "5") in segments
    assert any(s.op == "insert" and "trained" in s.text for s in segments)


def test_added_removed_reordered_and_edited_sections() -> None:
    old = [Section(1, "Scope", "All calls."), Section(2, "Answering", "Within 10 minutes."),
           Section(3, "Records", "Kept a year."), Section(4, "Review", "Yearly.")]
    new = [Section(4, "Review", "Yearly."), Section(1, "Scope", "All calls."),
           Section(2, "Answering calls", "Within 5 minutes."), Section(5, "Complaints", "Answered in 30 days.")]
    changes = diff_versions(old, new)
    by_key = {c.key: c for c in changes}
    assert by_key[5].status == "added" and by_key[5].new_position == 4
    assert by_key[3].status == "removed" and by_key[3].old_position == 3
    assert by_key[4].moved and by_key[4].status == "unchanged"
    assert not by_key[1].moved and not by_key[2].moved
    assert by_key[2].status == "changed"
    assert Segment("insert", " calls") in by_key[2].heading_diff
    assert Segment("delete", "10") in by_key[2].body_diff
    assert [c.key for c in changes] == [4, 1, 2, 3, 5]  # removed one sits after its old predecessor
    assert summary(changes) == {"added": 1, "removed": 1, "changed": 1, "moved": 1}


def test_identical_versions_have_no_changes() -> None:
    sections = [Section(1, "A", "x"), Section(2, "B", "y")]
    assert summary(diff_versions(sections, sections)) == {"added": 0, "removed": 0, "changed": 0, "moved": 0}


def test_removed_first_section_goes_first() -> None:
    changes = diff_versions([Section(1, "A", "x"), Section(2, "B", "y")], [Section(2, "B", "y")])
    assert [(c.key, c.status) for c in changes] == [(1, "removed"), (2, "unchanged")]
