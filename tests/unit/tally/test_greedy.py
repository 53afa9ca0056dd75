"""Greedy by points against the official Kraków 2019 outcomes.

Every 2019 file says `rule;greedy`. Our greedy reproduces the official `selected` column in all
of them except one:

- poland_krakow_2019_bienczyce.pb: after the four largest projects 54,700 is left; project 11
  (180,000) does not fit, and greedy then funds 6 "Rozczytane Bieńczyce" (19,000, 455 points),
  17 and 10. The official result skips 6 but funds 17 and 10 (and leaves 27,700 unspent). The file
  gives no reason; a local rule or a withdrawn/ineligible project is the likely cause, so this
  district is listed in KNOWN_DIFFERENCES rather than counted as a failure.
"""

from __future__ import annotations

import pytest

from ballots.tally import Election, Project, count
from ballots.tally.pabulib import parse

KNOWN_DIFFERENCES = {"poland_krakow_2019_bienczyce.pb": ({"6"}, set())}  # (we add, we drop)


def official(pb) -> set[str]:
    ic, sc = pb.project_header.index("project_id"), pb.project_header.index("selected")
    return {r[ic] for r in pb.project_rows if r[sc].strip() == "1"}


def test_greedy_reproduces_official_krakow_2019(krakow):
    files = sorted(krakow.glob("poland_krakow_2019_*.pb"))
    assert len(files) >= 19
    for path in files:
        pb = parse(path.read_text(encoding="utf-8"))
        assert pb.meta["rule"] == "greedy"
        ours = set(count("greedy", pb.election).selected)
        added, dropped = KNOWN_DIFFERENCES.get(path.name, (set(), set()))
        assert (ours - official(pb), official(pb) - ours) == (added, dropped), path.name


def test_greedy_skips_what_no_longer_fits_and_explains():
    e = Election.from_ballots([Project("a", 6), Project("b", 5), Project("c", 4)], 10,
                              [["a", "b"], ["a", "c"], ["b", "c"]])
    r = count("greedy", e)
    assert r.selected == ["a", "c"]  # a:4 points, b:3, c:2 ... b no longer fits after a
    b = r.outcome("b")
    assert not b.selected
    assert b.explanation.code == "skipped_greedy"
    assert b.explanation.params == {"points": 3, "rank": 2, "cost": 5, "left": 4}
    assert b.explanation.text == "skipped: 3 points, rank 2; cost 5 exceeded the 4 left"
    assert r.spent == 10


def test_greedy_ties_go_to_the_lower_project_number_compared_as_a_number():
    e = Election.from_ballots([Project("10", 5), Project("9", 5)], 5, [["9"], ["10"]])
    r = count("greedy", e)
    assert r.selected == ["9"]
    assert r.outcome("9").explanation.params["tie"] == {"with": ["10"], "won": True, "decided_by": "number"}
    assert r.outcome("10").explanation.params["tie"] == {"with": ["9"], "won": False, "decided_by": "number"}
    assert "tie rule (lower project number)" in r.outcome("10").explanation.text


def test_greedy_ties_go_to_the_cheaper_project_before_the_number():
    e = Election.from_ballots([Project("1", 5), Project("2", 4)], 5, [["1"], ["2"]])
    r = count("greedy", e)
    assert r.selected == ["2"]
    assert r.outcome("1").explanation.params["tie"]["decided_by"] == "cost"


def test_a_tie_that_decides_nothing_is_not_named():
    # Both fit: the order between them changes nothing.
    e = Election.from_ballots([Project("1", 2), Project("2", 2)], 5, [["1"], ["2"]])
    r = count("greedy", e)
    assert all("tie" not in p.explanation.params for p in r.projects)


def test_weights_and_custom_points():
    e = Election.from_ballots([Project("a", 1), Project("b", 1)], 1, [["a", "b"], ["b", "a"]],
                              weights=[1, 3], points=[5, 1])
    r = count("greedy", e)
    assert [p.points for p in r.projects] == [5 + 3, 1 + 15]
    assert r.selected == ["b"]


@pytest.mark.parametrize("bad", [
    dict(ballots=[["a", "a"]]),
    dict(ballots=[["zz"]]),
    dict(ballots=[["a"]], weights=[0]),
])
def test_invalid_elections_are_refused(bad):
    from ballots.tally import TallyError

    with pytest.raises(TallyError):
        Election.from_ballots([Project("a", 1)], 1, **bad)
