"""Reading the council's eligibility roll: every problem named by row and column, nothing half read,
and only keyed hashes of identifiers."""

from server.verification import roll

KEY = roll.roll_key("test secret key")
HOODS = {"Riverside": 1, "Old Town": 2}


def parse(text: str) -> tuple[list[roll.RollRow], list[roll.RowError]]:
    return roll.parse_roll(text, HOODS, 2026, KEY)


def test_a_good_file_gives_hashed_rows() -> None:
    rows, errors = parse("identifier,birth_year,neighborhood\nAB-123 456,1988,Riverside\nz9,2010,old town\n\n")
    assert errors == []
    assert [(r.row, r.birth_year, r.neighborhood_id) for r in rows] == [(2, 1988, 1), (3, 2010, 2)]
    assert rows[0].identifier_hash == roll.identifier_hash(KEY, "ab123456")  # spaces, dashes, case ignored
    assert "AB" not in rows[0].identifier_hash and len(rows[0].identifier_hash) == 64


def test_the_key_matters() -> None:
    other = roll.roll_key("another key")
    assert roll.identifier_hash(KEY, "AB123") != roll.identifier_hash(other, "AB123")


def test_columns_in_any_order_with_a_byte_order_mark() -> None:
    rows, errors = parse("\ufeffNeighborhood,Identifier,Birth_Year\nRiverside,X1,1970\n")
    assert errors == [] and rows[0].birth_year == 1970


def test_every_problem_is_named_and_nothing_is_returned() -> None:
    rows, errors = parse("identifier,birth_year,neighborhood\n"
                         "A1,1988,Riverside\n"
                         ",19x8,Nowhere\n"
                         "a-1,1990,Riverside\n"
                         "B2,2030,Riverside\n")
    assert rows == []
    assert [(e.row, e.column) for e in errors] == [
        (3, "identifier"), (3, "birth_year"), (3, "neighborhood"), (4, "identifier"), (5, "birth_year")]
    assert "row 2" in errors[3].message


def test_a_missing_column_or_an_empty_file() -> None:
    _rows, errors = parse("identifier,neighborhood\nA1,Riverside\n")
    assert [(e.row, e.column) for e in errors] == [(1, "birth_year")]
    _rows, errors = parse("identifier,birth_year,neighborhood\n")
    assert len(errors) == 1 and errors[0].row == 2
