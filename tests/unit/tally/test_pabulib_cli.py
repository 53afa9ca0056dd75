"""pabulib reading and writing, the ballot-set hash and the `tally` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ballots.tally import Election, Project, ballot_set_hash, count
from ballots.tally.pabulib import PabulibError, parse, write

REPO = Path(__file__).resolve().parents[3]

SMALL = """META
key;value
description;"a; quoted" value
budget;10
vote_type;ordinal
max_length;3
PROJECTS
project_id;cost;name;selected
1;6;First;0
2;5;"Second; with semicolon";0
3;4;Third;0
VOTES
voter_id;vote;points;age
v1;1,2;3,2;30
v2;2,3,1;3,2,1;41
v3;3;3;
"""


def test_round_trip_keeps_meta_projects_and_extra_columns():
    pb = parse(SMALL)
    assert pb.meta["description"] == "a; quoted value" or pb.meta["description"].startswith("a; quoted")
    assert [p.id for p in pb.election.projects] == ["1", "2", "3"]
    assert pb.election.projects[1].name == "Second; with semicolon"
    assert pb.election.max_length == 3
    again = parse(write(pb))
    assert again.meta == pb.meta
    assert again.project_rows == pb.project_rows
    assert again.vote_header == ["voter_id", "vote", "points", "age"]
    assert again.vote_rows == pb.vote_rows
    assert ballot_set_hash(again.election) == ballot_set_hash(pb.election)


def test_write_sets_selected_column():
    pb = parse(SMALL)
    r = count("greedy", pb.election)
    out = parse(write(pb, selected=r.selected))
    sc = out.project_header.index("selected")
    assert {row[0] for row in out.project_rows if row[sc] == "1"} == set(r.selected)


def test_approval_files_are_readable():
    text = SMALL.replace("vote_type;ordinal", "vote_type;approval")
    e = parse(text).election
    assert e.points == (1, 1, 1)


@pytest.mark.parametrize(("mutate", "line", "words"), [
    (lambda t: t.replace("v1;1,2;3,2;30", "v1;1,7;3,2;30"), 14, "unknown project '7'"),
    (lambda t: t.replace("v2;2,3,1;3,2,1;41", "v2;2,2;3,2;41"), 15, "same project twice"),
    (lambda t: t.replace("3;4;Third;0", "3;four;Third;0"), 11, "cost 'four' is not a number"),
    (lambda t: t.replace("v3;3;3;", "v3;3;3"), 16, "expected 4 fields, found 3"),
    (lambda t: t.replace("max_length;3", "max_length;2"), 15, "more than max_length"),
    (lambda t: t.replace("VOTES\n", ""), 1, "missing section VOTES"),
])
def test_malformed_files_name_the_line(mutate, line, words):
    with pytest.raises(PabulibError) as info:
        parse(mutate(SMALL))
    assert info.value.line_no == line or words.startswith("missing")
    assert words in info.value.message


def test_ballot_set_hash_ignores_ballot_order_but_not_content():
    projects = [Project("a", 1), Project("b", 2)]
    h1 = ballot_set_hash(Election.from_ballots(projects, 3, [["a", "b"], ["b"]]))
    h2 = ballot_set_hash(Election.from_ballots(projects, 3, [["b"], ["a", "b"]]))
    h3 = ballot_set_hash(Election.from_ballots(projects, 3, [["b", "a"], ["b"]]))
    h4 = ballot_set_hash(Election.from_ballots(projects, 4, [["a", "b"], ["b"]]))
    assert h1 == h2
    assert len({h1, h3, h4}) == 3


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ballots.tally_cli", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_cli_json(tmp_path):
    f = tmp_path / "small.pb"
    f.write_text(SMALL)
    for rule in ("mes", "greedy", "ear"):
        out = cli(str(f), "--rule", rule, "--json")
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        assert set(data) == {"rule", "budget", "spent", "selected", "projects", "tie_rule", "completion"}
        assert data["rule"] == rule and data["budget"] == 10
        assert data["completion"]["method"] == ("none" if rule == "greedy" else "budget_increase")
        assert "compared as a number" in data["tie_rule"]
        assert set(data["projects"][0]) == {"id", "cost", "points", "selected", "explanation"}
        assert data["spent"] == sum(p["cost"] for p in data["projects"] if p["selected"])


def test_cli_table_and_errors(tmp_path):
    f = tmp_path / "small.pb"
    f.write_text(SMALL)
    out = cli(str(f))
    assert out.returncode == 0 and "rule mes: spent" in out.stdout
    f.write_text(SMALL.replace("v1;1,2;3,2;30", "v1;1,9;3,2;30"))
    out = cli(str(f))
    assert out.returncode == 2
    assert out.stderr.strip() == f"{f}:14: vote names unknown project '9'"
