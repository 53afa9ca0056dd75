from proposals.textdiff import Piece, word_diff


def test_word_diff_marks_changed_words() -> None:
    pieces = word_diff("twelve lamps are out", "fourteen lamps are out")
    assert Piece("removed", "twelve") in pieces
    assert Piece("added", "fourteen") in pieces
    assert "".join(p.text for p in pieces if p.op != "removed") == "fourteen lamps are out"


def test_word_diff_of_equal_text_is_unchanged() -> None:
    assert all(p.op == "same" for p in word_diff("a b c", "a b c"))


def test_word_diff_from_empty() -> None:
    assert word_diff("", "new text") == [Piece("added", "new text")]
