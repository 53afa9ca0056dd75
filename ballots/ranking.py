"""A voter's ranking: checking it and editing it one step at a time (no I/O).

The ranking travels in the voting form as the ordered list of proposal ids; every button on the
page (add, move up, move down, remove) posts that list plus one operation, and the server answers
with the new list. So the page works the same with or without JavaScript."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from server.i18n import gettext as _


def parse_ids(raw: Iterable[str]) -> tuple[list[int], bool]:
    """Proposal ids from form values, skipping blanks; the flag says something was not a number."""
    ids: list[int] = []
    bad = False
    for value in raw:
        value = (value or "").strip()
        if not value:
            continue
        try:
            ids.append(int(value))
        except ValueError:
            bad = True
    return ids, bad


def check_ranking(ranking: Sequence[int], candidate_ids: Iterable[int], min_ranks: int, max_ranks: int,
                  malformed: bool = False) -> list[str]:
    """Messages for everything wrong with `ranking` (empty when it may be cast)."""
    allowed = set(candidate_ids)
    errors: list[str] = []
    if malformed or any(pid not in allowed for pid in ranking):
        errors.append(_("Your ranking included a project that is not on this ballot. Please choose from the list."))
    if len(set(ranking)) != len(ranking):
        errors.append(_("Each project can appear only once in your ranking."))
    if len(ranking) < min_ranks:
        if min_ranks == 1:
            errors.append(_("Please choose at least one project."))
        else:
            errors.append(_("Please rank at least %(n)s projects (you ranked %(m)s).", n=min_ranks, m=len(ranking)))
    if len(ranking) > max_ranks:
        errors.append(_("You can rank at most %(n)s projects (you ranked %(m)s).", n=max_ranks, m=len(ranking)))
    return errors


def apply_operation(ranking: Sequence[int], operation: str, candidate_ids: Iterable[int],
                    max_ranks: int) -> tuple[list[int], int | None]:
    """Apply "add:ID", "up:ID", "down:ID" or "remove:ID"; returns the new ranking and the project
    that moved (None when nothing changed). Unknown or impossible operations change nothing."""
    result = list(dict.fromkeys(pid for pid in ranking if pid in set(candidate_ids)))
    action, _sep, raw_id = operation.partition(":")
    try:
        pid = int(raw_id)
    except ValueError:
        return result, None
    if action == "add" and pid in set(candidate_ids) and pid not in result and len(result) < max_ranks:
        result.append(pid)
    elif action == "remove" and pid in result:
        result.remove(pid)
    elif action in ("up", "down") and pid in result:
        i = result.index(pid)
        j = i - 1 if action == "up" else i + 1
        if not 0 <= j < len(result):
            return result, None
        result[i], result[j] = result[j], result[i]
    else:
        return result, None
    return result, pid
