"""The fast readers (`read_points` for greedy from the command line, `parse_election` for the
other rules) give exactly what the careful `parse` gives, or step aside (None / the same error),
on well-formed files and on thousands of randomly damaged ones. `read_points` is also checked cut
into pieces and counted in forked processes, as `townsquare tally` does with large files."""

from __future__ import annotations

import random

import pytest

from ballots.tally.pabulib import PabulibError, parse, parse_election, read_points
from ballots.tally.points import total_points
from ballots.tally_cli import forked_map


def _file(rng: random.Random) -> str:
    n_projects = rng.randint(2, 7)
    k = rng.randint(1, 4)
    lines = ["META", "key;value", f"budget;{rng.randint(0, 60)}", "vote_type;ordinal"]
    if rng.random() < 0.7:
        lines.append(f"max_length;{k}")
    lines += ["PROJECTS", "project_id;cost;name"]
    lines += [f"{p};{rng.randint(0, 30)};Project {p}" for p in range(1, n_projects + 1)]
    extra = rng.random() < 0.3
    lines += ["VOTES", "voter_id;age;vote" if extra else "voter_id;vote"]
    for v in range(rng.randint(1, 40)):
        ranked = rng.sample(range(1, n_projects + 1), rng.randint(1, min(k, n_projects)))
        vote = ",".join(map(str, ranked))
        lines.append(f"v{v};{rng.randint(12, 90)};{vote}" if extra else f"v{v};{vote}")
    return "\n".join(lines) + "\n"


def _damage(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(text))
        kind = rng.randrange(5)
        if kind == 0:
            text = text[:i] + text[i + 1:]
        elif kind == 1:
            text = text[:i] + rng.choice(",;\n \"x09") + text[i:]
        elif kind == 2:  # a project ranked twice, or a vote made longer
            text = text.replace(",", f",{rng.randint(1, 3)},", 1)
        elif kind == 3:
            lines = text.split("\n")
            j = rng.randrange(len(lines))
            lines.insert(j, lines[j])
            text = "\n".join(lines)
        else:
            text = text.replace("\n", "\n\n", 1) if rng.random() < 0.5 else text.rstrip("\n")
    return text


def _careful(text: str):
    try:
        return parse(text).election
    except PabulibError as e:
        return e


@pytest.mark.parametrize("seed", range(4))
def test_fast_readers_agree_with_parse(seed: int) -> None:
    rng = random.Random(seed)
    agreed = stepped_aside = 0
    for case in range(500):
        text = _file(rng)
        if case % 3:
            text = _damage(text, rng)
        careful = _careful(text)
        fast = parse_election(text) if not isinstance(careful, PabulibError) else None
        if isinstance(careful, PabulibError):
            with pytest.raises(PabulibError) as raised:
                parse_election(text)
            assert (raised.value.line_no, raised.value.message) == (careful.line_no, careful.message)
        else:
            assert fast == careful or (
                fast.projects == careful.projects and fast.budget == careful.budget
                and (fast.rankings == careful.rankings).all() and list(fast.points) == list(careful.points))
        # Forking the whole test process is slow, so only every tenth case goes through processes.
        ways = ((1, map), (3, map), (2, forked_map)) if case % 10 == 0 else ((1, map), (3, map))
        for parts, mapper in ways:
            points = read_points(text, parts, mapper)
            if points is None:
                stepped_aside += 1
                continue
            assert not isinstance(careful, PabulibError), text
            projects, budget, totals = points
            assert projects == list(careful.projects) and budget == careful.budget
            assert totals == total_points(careful).tolist()
            agreed += 1
    assert agreed > 150 and stepped_aside > 150


def test_forked_map_is_map_and_survives_a_failing_call() -> None:
    def square_or_fail(x: int) -> int:
        if x == 3:
            raise ValueError("boom")
        return x * x

    assert forked_map(abs, [-1, -2, 3]) == [1, 2, 3]
    assert forked_map(square_or_fail, [1, 2, 3, 4]) == [1, 4, None, 16]
    assert forked_map(abs, [-5]) == [5]
