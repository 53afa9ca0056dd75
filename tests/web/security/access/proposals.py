"""Who may reach each route of the proposals domain: its part of the access matrix."""

from __future__ import annotations

from web.security.access_matrix import (
    ALLOW,
    COUNCIL,
    DENY,
    MODERATORS,
    PUBLIC,
    PUBLISHERS,
    SIGNED_IN,
    SIGNIN,
    Access,
    a_cycle,
    a_draft,
    access,
    others_comment,
    others_proposal,
    own_comment,
    own_proposal,
    proposal_in_review,
    proposal_thread,
)

ENTRIES: dict[tuple[str, str], Access] = {
    # proposals
    ("GET", "/proposals"): PUBLIC,
    ("GET", "/proposals/new"): SIGNED_IN,
    ("POST", "/proposals/new"): PUBLISHERS,
    ("GET", "/proposals/{proposal_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=others_proposal),
    ("GET", "/proposals/{proposal_id:int}/edit"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=own_proposal,
                                                         note="each role edits its own proposal"),
    ("POST", "/proposals/{proposal_id:int}/edit"): access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY,
                                                          params=own_proposal),
    ("POST", "/proposals/{proposal_id:int}/withdraw"): access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY,
                                                              params=own_proposal),
    ("POST", "/proposals/{proposal_id:int}/delete"): access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY,
                                                            params=own_proposal,
                                                            note="a submitted proposal: refused with a message"),
    ("GET", "/proposals/{proposal_id:int}/revisions"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=others_proposal),
    ("POST", "/proposals/{proposal_id:int}/support"): access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY,
                                                             params=others_proposal),
    ("POST", "/proposals/{proposal_id:int}/unsupport"): access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY,
                                                               params=others_proposal),
    ("POST", "/proposals/{proposal_id:int}/follow"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=others_proposal),
    ("POST", "/proposals/{proposal_id:int}/unfollow"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=others_proposal),
    # cycles and review (council)
    ("GET", "/cycles/{cycle_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_cycle),
    ("GET", "/council/cycles"): COUNCIL,
    ("POST", "/council/cycles"): COUNCIL,
    ("GET", "/council/cycles/{cycle_id:int}/edit"): access(SIGNIN, DENY, DENY, ALLOW, params=a_cycle),
    ("POST", "/council/cycles/{cycle_id:int}/edit"): access(SIGNIN, DENY, DENY, ALLOW, params=a_cycle),
    ("GET", "/council/review"): COUNCIL,
    ("GET", "/council/review/{proposal_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=proposal_in_review),
    ("POST", "/council/review/{proposal_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=proposal_in_review),
    # threads
    ("GET", "/threads/{kind:str}/{target_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=proposal_thread),
    ("GET", "/threads/{kind:str}/{target_id:int}/reply/{comment_id:int}"): access(
        SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY, params=proposal_thread),
    ("POST", "/threads/{kind:str}/{target_id:int}/comments"): access(
        SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY, params=proposal_thread, form={"body": "I agree."}),
    ("POST", "/threads/comments/{comment_id:int}/edit"): access(
        SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY, params=own_comment, form={"body": "I agree, edited."}),
    ("POST", "/threads/comments/{comment_id:int}/delete"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=own_comment),
    ("POST", "/threads/comments/{comment_id:int}/vote"): access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY,
                                                                params=others_comment),
    # moderation
    ("GET", "/moderation"): MODERATORS,
    ("POST", "/moderation/act"): MODERATORS,
    ("POST", "/moderation/unblock"): MODERATORS,
    ("GET", "/moderation/log"): MODERATORS,
    ("GET", "/moderation/report"): SIGNED_IN,
    ("POST", "/moderation/report"): SIGNED_IN,
    ("GET", "/moderation/blocked"): SIGNED_IN,
    ("POST", "/moderation/blocked"): access(SIGNIN, ALLOW, ALLOW, ALLOW, form={"appeal": "Please review"},
                                            note="refused with a message unless the account is blocked"),
    # draft procedures
    ("GET", "/drafts"): PUBLIC,
    ("POST", "/drafts"): COUNCIL,
    ("GET", "/drafts/{draft_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_draft),
    ("GET", "/drafts/{draft_id:int}/versions/{number:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=a_draft),
    ("POST", "/drafts/{draft_id:int}/sections/{key:int}/amendments"): access(
        SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY, params=a_draft,
        form={"text": "Answer within three days.", "reason": "Faster is fairer."}),
    ("POST", "/drafts/{draft_id:int}/amendments/{amendment_id:int}/support"): access(
        SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY, params=a_draft),
    ("POST", "/drafts/{draft_id:int}/amendments/{amendment_id:int}/decide"): access(
        SIGNIN, DENY, DENY, ALLOW, params=a_draft, form={"decision": "accepted", "reason": "Agreed."}),
    ("POST", "/drafts/{draft_id:int}/sections/{key:int}/summary"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
    ("GET", "/drafts/{draft_id:int}/export.json"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
    ("GET", "/drafts/{draft_id:int}/export.csv"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
    ("GET", "/drafts/{draft_id:int}/edit"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
    ("POST", "/drafts/{draft_id:int}/details"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
    ("POST", "/drafts/{draft_id:int}/sections"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
    ("POST", "/drafts/{draft_id:int}/sections/{section_id:int}/save"): access(SIGNIN, DENY, DENY, ALLOW,
                                                                             params=a_draft),
    ("POST", "/drafts/{draft_id:int}/sections/{section_id:int}/move"): access(SIGNIN, DENY, DENY, ALLOW,
                                                                             params=a_draft),
    ("POST", "/drafts/{draft_id:int}/sections/{section_id:int}/remove"): access(SIGNIN, DENY, DENY, ALLOW,
                                                                               params=a_draft),
    ("POST", "/drafts/{draft_id:int}/versions"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
    ("POST", "/drafts/{draft_id:int}/publish"): access(SIGNIN, DENY, DENY, ALLOW, params=a_draft),
}
