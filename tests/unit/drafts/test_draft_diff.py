"""Version diffs: sections matched by key; added, removed, moved and edited detected."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

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
    assert by_key[4].moved and by_key[4].moved_up and by_key[4].status == "unchanged"
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


def test_rewritten_paragraph_is_one_removal_and_one_addition() -> None:
    old = "Use the online form. Tell us what happened, when and where."
    new = "Call 555-0142 or visit the service desk in person on weekdays."
    assert word_diff(old, new) == [Segment("delete", old), Segment("insert", new)]


def test_short_unchanged_words_between_changes_fold_into_one_change() -> None:
    segments = word_diff("the red car and the blue bike", "the green truck and the blue bike")
    assert segments[0] == Segment("equal", "the ")
    assert Segment("delete", "red car") in segments and Segment("insert", "green truck") in segments


_words = st.lists(st.sampled_from(["a", "the", "calls", "30", "days", ",", ".", " ", "\n", "answer"]), max_size=30)


@given(_words, _words)
def test_word_diff_always_rebuilds_both_texts(old: list[str], new: list[str]) -> None:
    a, b = "".join(old), "".join(new)
    segments = word_diff(a, b)
    assert rebuild(segments, "old") == a and rebuild(segments, "new") == b
