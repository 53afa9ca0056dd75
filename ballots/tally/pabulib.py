"""Read and write pabulib `.pb` files (https://pabulib.org/format).

Pure: text in, objects out. The VOTES section is parsed column-wise into numpy arrays because
city-wide files hold 100,000 ballots.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, pairwise, repeat
from typing import TYPE_CHECKING, Any

from ballots.tally.model import Election, Project, TallyError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import numpy as np

SECTIONS = ("META", "PROJECTS", "VOTES")


class PabulibError(ValueError):
    def __init__(self, line_no: int, message: str):
        super().__init__(f"line {line_no}: {message}")
        self.line_no = line_no
        self.message = message


@dataclass
class PabulibFile:
    meta: dict[str, str]
    project_header: list[str]
    project_rows: list[list[str]]
    vote_header: list[str]
    vote_rows: list[list[str]]
    election: Election
    extra: dict[str, list[str]] = field(default_factory=dict)


def _split(line: str) -> list[str]:
    # Names may be quoted and contain ';': fall back to csv only when a quote is present.
    if '"' in line:
        return next(csv.reader([line], delimiter=";"))
    return line.split(";")


def _int(text: str, line_no: int, what: str) -> int:
    t = text.strip()
    try:
        return int(t)
    except ValueError:
        pass
    try:
        f = float(t)
    except ValueError:
        raise PabulibError(line_no, f"{what} {text!r} is not a number") from None
    if f != int(f):
        raise PabulibError(line_no, f"{what} {text!r} is not a whole number")
    return int(f)


def parse(text: str) -> PabulibFile:
    """Parse a `.pb` file. Ordinal and approval votes; errors name the line (1-based)."""
    head = _head(text.splitlines())
    vrows, line_nos = _vote_rows(head.lines, head.v0 + 2, len(head.vhead))
    rankings = _rankings([r[head.vote_col].strip() for r in vrows], head.index, line_nos)
    election = _election(head, rankings, line_nos)
    return PabulibFile(head.meta, head.phead, head.prows, head.vhead, vrows, election)


@dataclass
class _Head:
    """Everything before the votes: META, PROJECTS and the VOTES header."""

    lines: list[str]
    meta: dict[str, str]
    budget: int
    vote_type: str
    phead: list[str]
    prows: list[list[str]]
    projects: list[Project]
    index: dict[str, int]
    m0: int
    v0: int
    vhead: list[str]
    vote_col: int


def _head(lines: list[str]) -> _Head:
    bounds: dict[str, int] = {}
    for i, line in enumerate(lines):
        s = line.strip()
        if s.upper() in SECTIONS and s.upper() not in bounds:
            bounds[s.upper()] = i
            if len(bounds) == len(SECTIONS):
                break  # only the first occurrence of each counts; the rest are votes
    for sec in SECTIONS:
        if sec not in bounds:
            raise PabulibError(len(lines) or 1, f"missing section {sec}")
    m0, p0, v0 = bounds["META"], bounds["PROJECTS"], bounds["VOTES"]
    if not m0 < p0 < v0:
        raise PabulibError(v0 + 1, "sections must come in the order META, PROJECTS, VOTES")
    meta: dict[str, str] = {}
    for i in range(m0 + 2, p0):
        if not lines[i].strip():
            continue
        parts = _split(lines[i])
        if len(parts) < 2:
            raise PabulibError(i + 1, "META line must be 'key;value'")
        meta[parts[0].strip()] = ";".join(parts[1:]).strip()
    if "budget" not in meta:
        raise PabulibError(m0 + 1, "META has no budget")
    budget = _int(meta["budget"], m0 + 1, "budget")
    vote_type = meta.get("vote_type", "ordinal").strip()
    if vote_type not in ("ordinal", "approval"):
        raise PabulibError(m0 + 1, f"vote_type {vote_type!r} is not supported (ordinal or approval)")

    phead = [h.strip() for h in _split(lines[p0 + 1])] if p0 + 1 < v0 else []
    if "project_id" not in phead or "cost" not in phead:
        raise PabulibError(p0 + 2, "PROJECTS header must contain project_id and cost")
    pid_col, cost_col = phead.index("project_id"), phead.index("cost")
    name_col = phead.index("name") if "name" in phead else None
    prows: list[list[str]] = []
    projects: list[Project] = []
    index: dict[str, int] = {}
    for i in range(p0 + 2, v0):
        if not lines[i].strip():
            continue
        parts = _split(lines[i])
        if len(parts) != len(phead):
            raise PabulibError(i + 1, f"expected {len(phead)} fields, found {len(parts)}")
        pid = parts[pid_col].strip()
        if pid in index:
            raise PabulibError(i + 1, f"project {pid!r} is listed twice")
        cost = _int(parts[cost_col], i + 1, "cost")
        if cost < 0:
            raise PabulibError(i + 1, f"cost {cost} is negative")
        index[pid] = len(projects)
        projects.append(Project(pid, cost, parts[name_col] if name_col is not None else ""))
        prows.append(parts)

    vhead = [h.strip() for h in _split(lines[v0 + 1])] if v0 + 1 < len(lines) else []
    if "vote" not in vhead:
        raise PabulibError(v0 + 2, "VOTES header must contain vote")
    vote_col = vhead.index("vote")
    return _Head(lines, meta, budget, vote_type, phead, prows, projects, index, m0, v0, vhead, vote_col)


def _election(head: _Head, rankings: np.ndarray, line_nos: list[int]) -> Election:
    import numpy as np

    meta, m0 = head.meta, head.m0
    n, k = rankings.shape
    if "max_length" in meta:
        k_meta = _int(meta["max_length"], m0 + 1, "max_length")
        if k > k_meta:
            bad = int(np.nonzero((rankings >= 0).sum(axis=1) > k_meta)[0][0])
            raise PabulibError(line_nos[bad], f"ballot ranks more than max_length = {k_meta} projects")
        pad = np.full((n, k_meta - k), -1, dtype=np.int32)
        rankings = np.hstack([rankings, pad])
        k = k_meta
    points = [1] * k if head.vote_type == "approval" else None
    weights = np.ones(n, dtype=np.int64)
    try:
        return Election.build(tuple(head.projects), head.budget, rankings, weights, points, meta)
    except TallyError as e:
        raise PabulibError(m0 + 1, str(e)) from None


def parse_election(text: str) -> Election:
    """`parse(text).election`, fast for the common shape of city-wide files.

    The votes are read straight from the bytes with numpy when every project id is written as a
    plain number and every vote as numbers and commas (no quotes, blank lines or stray spaces);
    anything else, including every error, goes through `parse` so that messages name the line.
    """
    try:
        lines = text[:_votes_header_end(text)].splitlines()
        head = _head(lines)
    except (PabulibError, ValueError):
        return parse(text).election
    if head.v0 != len(lines) - 2:
        return parse(text).election  # the first VOTES line is not the plain one found above
    rankings = _fast_rankings(text, head)
    if rankings is None:
        return parse(text).election
    try:
        return _election(head, rankings, [])
    except (PabulibError, IndexError):
        return parse(text).election


def read_points(text: str, parts: int = 1, map_parts: Callable[..., Iterable[Any]] = map,
                ) -> tuple[list[Project], int, list[int]] | None:
    """(projects, budget, total points per project) as `parse(text).election` would count them.

    For greedy from the command line: plain str and Counter work, no numpy and no ballot arrays.
    None when the file needs `parse` (quotes, blank lines, stray spaces, empty votes, errors).
    The votes may be cut into `parts` pieces at line ends and counted by `map_parts` (the command
    line passes one that uses every core; the default counts them one after the other).
    """
    try:
        end = _votes_header_end(text)
        lines = text[:end].splitlines()
        head = _head(lines)
    except (PabulibError, ValueError):
        return None
    width = len(head.vhead)
    if head.v0 != len(lines) - 2 or end >= len(text) or width < 2 or '"' in text[end:]:
        return None
    pieces = _cut_at_lines(text, end, parts)
    counted = list(map_parts(_rank_counts, pieces, repeat(width), repeat(head.vote_col), repeat(head.index)))
    if any(c is None for c in counted):
        return None
    longest = max(c[1] for c in counted)
    k = longest
    if "max_length" in head.meta:
        try:
            k = _int(head.meta["max_length"], 1, "max_length")
        except PabulibError:
            return None
        if longest > k:
            return None
    pts = [1] * k if head.vote_type == "approval" else list(range(k, 0, -1))
    n_votes = sum(c[2] for c in counted)
    if head.budget < 0 or n_votes * max(max(pts, default=1), 1) >= 2**53:
        return None
    totals = [0] * len(head.projects)
    index = head.index
    for by_rank, _longest, _n in counted:
        for r, counts in enumerate(by_rank):
            for pid, n in counts.items():
                totals[index[pid]] += pts[r] * n
    return head.projects, head.budget, totals


def _cut_at_lines(text: str, start: int, parts: int) -> list[str]:
    """text[start:] in up to `parts` pieces of about equal size, each ending at a line end."""
    cuts = [start]
    size = (len(text) - start) // max(parts, 1)
    for i in range(1, parts):
        j = text.find("\n", max(start + i * size, cuts[-1]))
        if j < 0 or j + 1 >= len(text):
            break
        cuts.append(j + 1)
    cuts.append(len(text))
    return [text[a:b] for a, b in pairwise(cuts) if b > a]


def _rank_counts(piece: str, width: int, vote_col: int, index: dict[str, int],
                 ) -> tuple[list[Counter[str]], int, int] | None:
    """(how often each project id is at each rank, the longest vote, the number of votes) for whole
    lines of the VOTES block; None where only `parse` can say what is wrong."""
    block = piece.splitlines()
    if list(map(str.count, block, repeat(";"))).count(width - 1) != len(block):
        return None  # a line with too few or too many fields, or a blank one
    votes = ";".join(block).split(";")[vote_col::width]
    commas = list(map(str.count, votes, repeat(",")))
    longest = max(commas) + 1
    by_rank: list[Counter[str]] = [Counter() for _ in range(longest)]
    lengths = set(commas)
    for c in lengths:
        same = votes if len(lengths) == 1 else list(compress(votes, map(c.__eq__, commas)))
        tokens = ",".join(same).split(",")
        cols = [tokens[r::c + 1] for r in range(c + 1)]
        if c and min(map(len, map(set, zip(*cols, strict=True)))) <= c:
            return None  # a project ranked twice on one ballot
        for r, col in enumerate(cols):
            by_rank[r].update(col)
    if any(not counts.keys() <= index.keys() for counts in by_rank):
        return None  # an unknown project, or spaces around an id
    return by_rank, longest, len(votes)


def _votes_header_end(text: str) -> int:
    """Where the votes start: just after the line following the first VOTES line."""
    i = text.find("\nVOTES\n") if not text.startswith("VOTES\n") else -1
    if i < 0 and not text.startswith("VOTES\n"):
        raise ValueError("no plain VOTES line")
    j = text.find("\n", i + 7)
    if j < 0:
        raise ValueError("no votes")
    return j + 1


def _fast_rankings(text: str, head: _Head) -> np.ndarray | None:
    import numpy as np

    ids = [p.id for p in head.projects]
    if not ids or not all(i.isdigit() and i.isascii() and (i == "0" or i[0] != "0") and len(i) < 10 for i in ids):
        return None
    values = [int(i) for i in ids]
    lut = np.full(max(values) + 1, -1, dtype=np.int32)
    lut[values] = np.arange(len(values), dtype=np.int32)
    block = text[_votes_header_end(text):].encode()
    found = _votes_from_bytes(block, len(head.vhead), head.vote_col, lut)
    if found is None:
        return None
    flat, lengths = found
    n = len(lengths)
    k = int(lengths.max())
    if (lengths == k).all():
        out = flat.reshape(n, k)
    else:
        out = np.full((n, k), -1, dtype=np.int32)
        starts = np.cumsum(lengths) - lengths
        cols = np.arange(len(flat)) - np.repeat(starts, lengths)
        out[np.repeat(np.arange(n), lengths), cols] = flat
    s = np.sort(out, axis=1)
    if ((s[:, 1:] == s[:, :-1]) & (s[:, 1:] >= 0)).any():
        return None  # a project ranked twice: let `parse` say where
    return out


def _votes_from_bytes(block: bytes, width: int, vote_col: int, lut: np.ndarray):
    """Project indices of every vote, flat, and each vote's length; None to fall back to `parse`."""
    import numpy as np

    if width < 2 or not block or b'"' in block:
        return None
    if not block.endswith(b"\n"):
        block += b"\n"
    if not block.isascii() and (b"\xc2\x85" in block or b"\xe2\x80\xa8" in block or b"\xe2\x80\xa9" in block):
        return None  # line breaks for str.splitlines that bytes do not see
    arr = np.frombuffer(block, np.uint8)
    nl = np.flatnonzero(arr == 10)
    n = len(nl)
    if np.count_nonzero(arr < 32) != n:
        return None  # \r, tabs and other control characters
    sc = np.flatnonzero(arr == 59)
    if len(sc) != n * (width - 1):
        return None
    sc = sc.reshape(n, width - 1)
    if (sc[:, -1] > nl).any() or (sc[1:, 0] < nl[:-1]).any():
        return None  # not exactly width - 1 semicolons on every line
    start = sc[:, vote_col - 1] + 1 if vote_col > 0 else np.concatenate(([0], nl[:-1] + 1))
    end = sc[:, vote_col] if vote_col < width - 1 else nl
    if (end <= start).any():
        return None  # an empty vote
    d = np.zeros(len(arr) + 1, np.int8)
    d[start] = 1
    d[end + 1] -= 1
    v = arr[np.cumsum(d[:-1], dtype=np.int8).view(bool)]  # the votes, each with its terminator
    sep = np.flatnonzero((v < 48) | (v > 57))
    comma = v[sep] == 44
    if len(sep) - np.count_nonzero(comma) != n:
        return None  # something other than digits and commas in a vote
    starts = np.empty_like(sep)
    starts[0] = 0
    starts[1:] = sep[:-1] + 1
    tl = sep - starts
    if tl.min() <= 0:
        return None  # an empty id
    maxl = int(tl.max())
    if maxl > 9:
        return None
    if maxl > 1 and ((v[starts] == 48) & (tl > 1)).any():
        return None  # a leading zero: not how the ids are written
    val = (v[sep - 1] - 48).astype(np.int64)
    scale = 1
    for k in range(1, maxl):
        scale *= 10
        val += np.where(tl > k, v[np.maximum(sep - 1 - k, 0)].astype(np.int64) - 48, 0) * scale
    if int(val.max()) >= len(lut):
        return None
    flat = lut[val]
    if (flat < 0).any():
        return None  # an unknown project
    return flat, np.diff(np.flatnonzero(~comma), prepend=-1)


def _vote_rows(lines: list[str], first: int, width: int) -> tuple[list[list[str]], list[int]]:
    block = lines[first:]
    if any(not line.strip() for line in block):
        keep = [i for i, line in enumerate(block) if line.strip()]
        block = [block[i] for i in keep]
        line_nos = [first + i + 1 for i in keep]
    else:
        line_nos = list(range(first + 1, first + len(block) + 1))
    quoted = any('"' in line for line in block)
    rows = [_split(line) for line in block] if quoted else [line.split(";") for line in block]
    for i, parts in enumerate(rows):
        if len(parts) != width:
            raise PabulibError(line_nos[i], f"expected {width} fields, found {len(parts)}")
    return rows, line_nos


def _rankings(votes: list[str], index: dict[str, int], line_nos: list[int]) -> np.ndarray:
    import numpy as np

    n = len(votes)
    if n == 0:
        return np.zeros((0, 0), dtype=np.int32)
    lengths = np.array([v.count(",") + 1 if v else 0 for v in votes], dtype=np.int64)
    tokens = ",".join(v for v in votes if v).split(",")
    try:
        flat = np.fromiter(map(index.__getitem__, tokens), dtype=np.int32, count=len(tokens))
    except KeyError:
        stripped = {k.strip(): v for k, v in index.items()}
        flat_list = []
        for t in tokens:
            j = stripped.get(t.strip())
            if j is None:
                pos = len(flat_list)
                row = int(np.searchsorted(np.cumsum(lengths), pos, side="right"))
                raise PabulibError(line_nos[row], f"vote names unknown project {t!r}") from None
            flat_list.append(j)
        flat = np.asarray(flat_list, dtype=np.int32)
    k = int(lengths.max())
    out = np.full((n, k), -1, dtype=np.int32)
    rows = np.repeat(np.arange(n), lengths)
    starts = np.cumsum(lengths) - lengths
    cols = np.arange(len(flat)) - np.repeat(starts, lengths)
    out[rows, cols] = flat
    s = np.sort(out, axis=1)
    dup = (s[:, 1:] == s[:, :-1]) & (s[:, 1:] >= 0)
    if dup.any():
        row = int(np.nonzero(dup.any(axis=1))[0][0])
        raise PabulibError(line_nos[row], "vote ranks the same project twice")
    return out


def completion_meta(completion: dict[str, Any]) -> str:
    """A result's completion as one META value, e.g. `budget_increase step=1% steps=58
    voter_budget=237.25 then=greedy_by_points` (`none` for greedy)."""
    method = str(completion.get("method", "none"))
    if method == "none":
        return "none"
    parts = [method, f"step={completion.get('step_percent', '1')}%"]
    parts += [f"{k}={completion[k]}" for k in ("steps", "equal_share", "voter_budget", "rule_budget")
              if k in completion]
    return " ".join([*parts, f"then={completion.get('then', 'greedy_by_points')}"])


def _field(x: str) -> str:
    return f'"{x}"' if ";" in x or '"' in x else x


def write(pb: PabulibFile | Election, selected: list[str] | None = None) -> str:
    """Render a `.pb` file. With `selected`, a `selected` project column is set (or added)."""
    if isinstance(pb, Election):
        pb = from_election(pb)
    out = ["META", "key;value"]
    out += [f"{k};{_field(v)}" for k, v in pb.meta.items()]
    phead = list(pb.project_header)
    rows = [list(r) for r in pb.project_rows]
    if selected is not None:
        chosen = set(selected)
        if "selected" not in phead:
            phead.append("selected")
            for r in rows:
                r.append("")
        sc, ic = phead.index("selected"), phead.index("project_id")
        for r in rows:
            r[sc] = "1" if r[ic] in chosen else "0"
    out += ["PROJECTS", ";".join(phead)]
    out += [";".join(_field(x) for x in r) for r in rows]
    out += ["VOTES", ";".join(pb.vote_header)]
    out += [";".join(_field(x) for x in r) for r in pb.vote_rows]
    return "\n".join(out) + "\n"


def from_election(e: Election) -> PabulibFile:
    meta = {"budget": str(e.budget), "num_projects": str(len(e.projects)),
            "num_votes": str(len(e.weights)), "vote_type": "ordinal", "max_length": str(e.max_length)}
    meta = {**meta, **{k: v for k, v in e.meta.items() if k not in meta}}
    prows = [[p.id, str(p.cost), p.name] for p in e.projects]
    vrows = []
    for i, row in enumerate(e.rankings):
        ids = ",".join(e.projects[j].id for j in row if j >= 0)
        for _ in range(int(e.weights[i])):
            vrows.append([str(len(vrows) + 1), ids])
    return PabulibFile(meta, ["project_id", "cost", "name"], prows, ["voter_id", "vote"], vrows, e)
