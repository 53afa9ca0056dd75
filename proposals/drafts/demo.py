"""Demo data: a complaints procedure in its second version, open for comment now, with threaded
discussion, stances, votes, official responses, a section summary and amendments in every state;
and a de-escalation procedure the council is still writing."""

from __future__ import annotations

import datetime as dt

from proposals.drafts import service
from proposals.threads import service as threads
from server import clock
from server.demo import DemoContext

COMPLAINTS = [
    ("Who can complain", "Anyone affected by how the safety service acted, or who saw it, can complain. "
     "You do not need to live in the city, and a friend or relative can complain for you."),
    ("How to make a complaint", "Use the online form. Tell us what happened, when and where."),
    ("Acknowledgement", "We confirm that we received your complaint within **3 working days** and tell you "
     "who is handling it."),
    ("Answer within 30 days", "We answer every complaint in writing within 30 days. If we need more time, we "
     "tell you why and when you will hear from us."),
    ("If you disagree with the answer", "You can ask the independent review panel to look at your complaint "
     "again within 60 days of our answer."),
    ("What we publish", "Every quarter we publish how many complaints we received."),
]


async def _complaints(ctx: DemoContext) -> None:
    a = ctx.accounts
    council = a["council"]
    today = clock.today()
    opens, closes = today - dt.timedelta(days=20), today + dt.timedelta(days=21)
    draft_id = await service.create_draft(
        council, "How complaints are handled and answered within 30 days",
        "How the neighborhood safety service receives, answers and learns from complaints. Tell us what "
        "would make complaining easier and the answers more useful.")
    keys = [await service.add_section(council, draft_id, h, b) for h, b in COMPLAINTS]
    await service.publish_version(council, draft_id, "", opens, closes)
    who, how, _ack, answer, _disagree, publish = keys

    # A thread four levels deep, with an official reply and votes.
    c1 = await threads.post_comment("draft_section", how, a["resident"],
                                    "Please also accept complaints by phone and in person. Not everyone is online, "
                                    "and some of my neighbours would never fill in a web form.", stance="concerns")
    c2 = await threads.post_comment("draft_section", how, council,
                                    "Thank you. We can take complaints at the Riverside service desk. Would "
                                    "opening hours until 7 pm work?", parent_id=c1)
    c3 = await threads.post_comment("draft_section", how, a["neighbor"],
                                    "7 pm works for shift workers. Saturday mornings would help too.", parent_id=c2)
    await threads.post_comment("draft_section", how, a["youth"],
                               "Text messages would be easiest for young people.", parent_id=c3)
    for voter in ("neighbor", "youth", "hillcrest"):
        await threads.toggle_vote(c1, a[voter])
    await threads.post_comment("draft_section", how, a["hillcrest"],
                               "Being able to complain in Spanish or Arabic matters as much as the channel.",
                               stance="supports")
    c5 = await threads.post_comment("draft_section", answer, a["neighbor"],
                                    "30 days is a long time if you are waiting to hear about something serious.",
                                    stance="concerns")
    await threads.toggle_vote(c5, a["resident"])
    await threads.post_comment("draft_section", answer, a["resident"], "Agreed. Simple cases could be faster.",
                               parent_id=c5)
    await threads.post_comment("draft_section", who, a["youth"],
                               "Good that someone else can complain for you.", stance="supports")
    await threads.post_comment("draft_section", publish, a["hillcrest"],
                               "Numbers alone do not tell us whether anything changed.", stance="concerns")
    await service.set_section_summary(
        council, draft_id, how,
        "We heard that a web form alone shuts people out. We will take complaints by phone, at the service "
        "desk, and in Spanish and Arabic, and we are looking at text messages.")

    # Amendments: one accepted (applied in version 2), one declined with a public reason.
    accepted = await service.propose_amendment(
        a["resident"], draft_id, answer,
        "We answer every complaint in writing within 20 working days. If we need more time, we tell you why "
        "and when you will hear from us.", "Thirty calendar days is too long for most complaints.")
    await service.toggle_support(accepted, a["neighbor"])
    await service.toggle_support(accepted, a["youth"])
    await service.decide_amendment(council, accepted, "accepted",
                                   "Agreed: staff confirmed 20 working days is possible.")
    declined = await service.propose_amendment(
        a["hillcrest"], draft_id, publish, "Every week we publish every complaint in full.",
        "Full transparency builds trust.")
    await threads.post_comment("amendment", declined, a["neighbor"],
                               "Publishing complaints in full could expose the people who made them.")
    await service.decide_amendment(
        council, declined, "declined",
        "Publishing complaints in full would reveal who made them. Version 2 publishes what we learned instead.")

    # Version 2: accepted wording applied, a section rewritten, a new section added near the top.
    await service.start_new_version(council, draft_id)
    working = {s.key: s for s in await service.editor_sections(draft_id)}
    await service.update_section(
        council, draft_id, working[how].id, "How to make a complaint",
        "Use the online form, call 555-0142, or come to the Riverside service desk (weekdays until 7 pm, "
        "Saturdays 9 am to noon). You can complain in English, Spanish or Arabic.")
    await service.update_section(
        council, draft_id, working[publish].id, "What we publish",
        "Every quarter we publish how many complaints we received, how long answers took, and what we "
        "changed because of them.")
    youth_key = await service.add_section(
        council, draft_id, "Young people",
        "Anyone under 18 can complain without a parent. A youth worker can help you write it.")
    youth_section = next(s for s in await service.editor_sections(draft_id) if s.key == youth_key)
    for _ in range(4):
        await service.move_section(council, draft_id, youth_section.id, -1)
    await service.move_section(council, draft_id, working[publish].id, -1)  # shows as "moved" in the diff
    await service.publish_version(
        council, draft_id,
        "- Complaints by phone, in person and in three languages.\n- Answers within 20 working days.\n"
        "- A new section for young people.\n- We publish what changed because of complaints, now before the "
        "review panel section.", opens, closes)

    # Still open: a pending amendment with support and a short discussion.
    pending = await service.propose_amendment(
        a["youth"], draft_id, how,
        "Use the online form, send a text message to 55142, call 555-0142, or come to the Riverside service "
        "desk. You can complain in English, Spanish or Arabic.", "Texting is how most young people reach out.")
    await service.toggle_support(pending, a["resident"])
    await threads.post_comment("amendment", pending, a["hillcrest"], "Texting would help older people too.")
    ctx.extra["draft_id"] = draft_id
    ctx.notes.append(f"Draft procedure open for comment: /drafts/{draft_id} "
                     f"(what changed: /drafts/{draft_id}/versions/2)")


async def _deescalation(ctx: DemoContext) -> None:
    council = ctx.accounts["council2"]
    draft_id = await service.create_draft(council, "Use of de-escalation before force",
                                          "What officers and responders must try before using any force.")
    await service.add_section(council, draft_id, "When this applies",
                              "Every call where someone is in distress, angry or confused.")
    await service.add_section(council, draft_id, "Steps to take first",
                              "1. Slow down and create space.\n2. Listen.\n3. Call a mental-health responder.")
    ctx.notes.append(f"Draft being written by the council (not published): /drafts/{draft_id}/edit")


DEMO_STEPS = [("Draft procedure on complaints", _complaints), ("Draft procedure on de-escalation", _deescalation)]
