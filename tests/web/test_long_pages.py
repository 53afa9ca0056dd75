"""Long pages fold their long parts (issue 20, item 3): a proposal's discussion folds behind its count
once it is long, with a jump link at the top; a short one stays open with its form in reach."""

from __future__ import annotations

import re

import httpx
from factories.proposals import make_cycle, make_proposal
from support import make_account

from proposals.threads import service as threads


def _thread_fold(html: str) -> re.Match[str] | None:
    return re.search(r'<details class="fold thread-fold"( open)?><summary>\s*<h2 id="thread-proposal-\d+-title"', html)


async def test_a_long_discussion_folds_behind_its_count_with_a_jump_link(client: httpx.AsyncClient) -> None:
    author, neighbor = await make_account(), await make_account()
    pid = await make_proposal(author, await make_cycle(), title="Lamps on Elm Street")
    for n in range(3):
        await threads.post_comment("proposal", pid, neighbor.id, f"Comment {n + 1}: the corner is dark.")
    short = (await client.get(f"/proposals/{pid}")).text
    assert _thread_fold(short) is None and 'href="#comments"' not in short
    await threads.post_comment("proposal", pid, neighbor.id, "Comment 4: and the bench is broken.")
    long = (await client.get(f"/proposals/{pid}")).text
    fold = _thread_fold(long)
    assert fold is not None and fold.group(1) is None  # folded
    assert "4 comments" in long.split('class="fold thread-fold"', 1)[1].split("</summary>", 1)[0]
    jumps = long.split('class="page-jumps"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#desc-title"' in jumps and 'href="#comments">4 comments</a>' in jumps
    # The comments are all still in the page, for the links that point at them (#comment-N).
    assert long.count('id="comment-') == 4
