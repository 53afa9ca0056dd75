"""Who may reach each route of the delivery domain: its part of the access matrix."""

from __future__ import annotations

from web.security.access_matrix import (
    ALLOW,
    COUNCIL,
    DENY,
    PUBLIC,
    SIGNIN,
    Access,
    access,
    delivery_item,
    delivery_milestone,
    delivery_photo,
)

ENTRIES: dict[tuple[str, str], Access] = {
    # delivery
    ("GET", "/delivery"): PUBLIC,
    ("GET", "/delivery/{item_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=delivery_item),
    ("POST", "/delivery/{item_id:int}/follow"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=delivery_item),
    ("GET", "/delivery/photos/{name:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=delivery_photo),
    ("GET", "/feeds/delivery.atom"): PUBLIC,
    ("GET", "/council/delivery"): COUNCIL,
    ("GET", "/council/delivery/{item_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=delivery_item),
    ("POST", "/council/delivery/{item_id:int}/progress"): access(SIGNIN, DENY, DENY, ALLOW, params=delivery_item),
    ("POST", "/council/delivery/{item_id:int}/milestones"): access(SIGNIN, DENY, DENY, ALLOW, params=delivery_item),
    ("POST", "/council/delivery/{item_id:int}/milestones/{milestone_id:int}/done"): access(
        SIGNIN, DENY, DENY, ALLOW, params=delivery_milestone),
}
