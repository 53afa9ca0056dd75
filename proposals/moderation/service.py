"""Use cases of moderation: report, hide, restore, block, and the bulk lookups pages need."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import msgspec

from proposals.moderation import registry, rules
from proposals.moderation.registry import ContentInfo, content_kind
from proposals.moderation.schemas import HiddenInfo, LogEntry, QueueItem
from proposals.moderation.tables import ModerationAction, ModerationState, Report
from server import clock
from server.accounts.tables import Account
from server.current_user import Viewer, load_viewer
from server.database import write_transaction
from server.i18n import gettext as _
from server.notifications.kinds import N_
from server.notifications.service import notify
from server.prepared import Prepared

# Authors hear what happened to their words, in their own language when they read it (declared in
# proposals/domain.py). One kind per reason, so the reason is translated when the author reads it.
NOTIFICATION_KINDS = {
    "content_pending": N_("“%(subject)s” is hidden while a moderator looks at reports about it."),
    "content_restored": N_("“%(subject)s” is visible again: a moderator reviewed it."),
    "content_hidden:spam": N_("A moderator hid “%(subject)s” as spam."),
    "content_hidden:offensive": N_("A moderator hid “%(subject)s” as offensive."),
    "content_hidden:off_topic": N_("A moderator hid “%(subject)s” as off-topic."),
    "moderation_report": N_("Reported for moderation: “%(subject)s”."),
    "moderation_hidden": N_("Hidden after 3 reports, waiting for a moderator: “%(subject)s”."),
    "account_blocked": N_("A moderator blocked your account from posting. Read why and how to appeal."),
    "block_appeal": N_("%(actor)s asks moderators to review the block on their account."),
    "content_hidden:personal_data": N_("A moderator hid “%(subject)s” because it shows personal data."),
}


class ModerationError(Exception):
    """A refused moderation step; the message is translated and can be shown as is."""


async def is_blocked(account_id: int) -> bool:
    row = await Account.select(Account.blocked).where(Account.id == account_id).first()
    return bool(row and row["blocked"])


# Every page with a thread asks this (SQL built once per number of ids, server/prepared.py, issue 21).
_HIDDEN = Prepared(lambda kind, ids: ModerationState.select(
    ModerationState.content_id, ModerationState.status, ModerationState.reason
).where(
    (ModerationState.content_kind == kind)
    & ModerationState.content_id.is_in(ids)
    & ModerationState.status.is_in(list(rules.HIDDEN_STATUSES))
))


_HIDDEN_OF_KIND = Prepared(lambda kind: ModerationState.select(ModerationState.content_id).where(
    (ModerationState.content_kind == kind) & ModerationState.status.is_in(list(rules.HIDDEN_STATUSES))))


async def hidden_map(kind: str, ids: list[int] | set[int]) -> dict[int, HiddenInfo]:
    """Which of `ids` are hidden, in one query."""
    ids = list(ids)
    if not ids:
        return {}
    rows = await _HIDDEN(kind, ids)
    return {
        r["content_id"]: HiddenInfo(r["status"], r["reason"], rules.hidden_message(r["status"], r["reason"]))
        for r in rows
    }


def hidden_join(kind: str, item_id: str, alias: str) -> str:
    """SQL for a page reading its items and which of them are hidden in one statement rather than two
    (issue 21): a LEFT JOIN of the moderation state of `kind`'s item whose id is the column `item_id`,
    matching only while the item is hidden. Select `{alias}.status` and `{alias}.reason` and hand
    them to `hidden_info`. `kind` is a content kind's name (code, never input)."""
    if not kind.isidentifier() or not alias.isidentifier():
        raise ValueError(kind)
    statuses = ", ".join(f"'{status}'" for status in rules.HIDDEN_STATUSES)
    return (f"LEFT JOIN {ModerationState._meta.tablename} {alias} ON {alias}.content_kind = '{kind}' "
            f"AND {alias}.content_id = {item_id} AND {alias}.status IN ({statuses})")


def hidden_info(status: str | None, reason: str | None) -> HiddenInfo | None:
    """What hidden_map says of one item, from the columns hidden_join selects (None: not hidden)."""
    return HiddenInfo(status, reason or "", rules.hidden_message(status, reason or "")) if status else None


async def hidden_ids(kind: str) -> set[int]:
    """Every hidden item of a kind (few: moderators hide one at a time), for lists that leave them out."""
    return {r["content_id"] for r in await _HIDDEN_OF_KIND(kind)}


async def is_hidden(kind: str, content_id: int) -> HiddenInfo | None:
    return (await hidden_map(kind, [content_id])).get(content_id)


async def _state(kind: str, content_id: int) -> dict | None:
    return await ModerationState.select().where(
        (ModerationState.content_kind == kind) & (ModerationState.content_id == content_id)
    ).first()


async def describe_for(kind: str, ids: list[int], viewer: Viewer | None) -> dict[int, ContentInfo]:
    """What `viewer` may know of these items: the kind's describe, narrowed by the owning domain's
    visibility rule (a private draft or a hidden item is "not found" for those who may not read it)."""
    spec = content_kind(kind)
    if spec is None or not ids:
        return {}
    infos = await spec.describe(ids)
    if spec.audience is not None and infos:
        allowed = await spec.audience(sorted(infos), viewer)
        infos = {i: info for i, info in infos.items() if i in allowed}
    return infos


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def report(kind: str, content_id: int, reporter_id: int, reason: str) -> str:
    """Record a report. Returns "reported", "already" (this person reported it before) or
    "hidden" (this report reached the threshold and the item is now hidden pending review).
    Only what the reporter may see can be reported."""
    spec = content_kind(kind)
    if spec is None or reason not in rules.REASONS:
        raise ModerationError(_("This cannot be reported."))
    info = (await describe_for(kind, [content_id], await load_viewer(reporter_id))).get(content_id)
    if info is None:
        raise ModerationError(_("This cannot be reported."))
    async with write_transaction():
        already = await Report.exists().where(
            (Report.content_kind == kind) & (Report.content_id == content_id) & (Report.reporter == reporter_id)
        )
        if already:
            return "already"
        await Report.insert(Report(content_kind=kind, content_id=content_id, reporter=reporter_id, reason=reason))
        reporters = await Report.select(Report.reporter.created_at.as_alias("created_at"),
                                        Report.reporter.confirmed_at.as_alias("confirmed_at")).where(
            (Report.content_kind == kind) & (Report.content_id == content_id))
        count = len(reporters)
        now = clock.now()
        weight = sum(rules.report_weight(r["confirmed_at"] is not None, now - _aware(r["created_at"]))
                     for r in reporters)
        state = await _state(kind, content_id)
        status = state["status"] if state else "visible"
        new_status = "pending" if rules.should_auto_hide(status, weight) else status
        if state is None:
            await ModerationState.insert(ModerationState(content_kind=kind, content_id=content_id,
                                                         status=new_status, report_count=count))
        else:
            await ModerationState.update({ModerationState.status: new_status, ModerationState.report_count: count,
                                          ModerationState.updated_at: clock.now()}).where(
                ModerationState.id == state["id"])
    if new_status == "pending" and status != "pending":
        await _tell_author(kind, info, "content_pending")
        await _tell_moderators(kind, content_id, info, "moderation_hidden")
        return "hidden"
    if count == 1:  # the first report puts the item in the queue; later ones only add to it
        await _tell_moderators(kind, content_id, info, "moderation_report")
    return "reported"


async def _tell_moderators(kind: str, content_id: int, info: ContentInfo, notification: str) -> None:
    """Moderators hear of an item entering the queue and of one hidden by reports; council staff
    (who can moderate too) only where no moderator account exists."""
    staff = await Account.select(Account.id, Account.role).where(Account.role.is_in(["moderator", "council"]))
    moderators = [a["id"] for a in staff if a["role"] == "moderator"] or [a["id"] for a in staff]
    subject = info.title if kind == "proposal" else info.excerpt
    await notify(moderators, notification, subject=subject[:80], url=f"/moderation#item-{kind}-{content_id}")


async def _tell_author(content: str, info: ContentInfo | None, notification: str) -> None:
    """The subject is the author's own words: a proposal's title, else the start of the comment or
    amendment (the describe() titles are phrased in the moderator's language)."""
    if info is None:
        return
    subject = info.title if content == "proposal" else info.excerpt
    if len(subject) > 80:
        subject = subject[:79].rstrip() + "…"
    await notify([info.author_id], notification, subject=subject, url=info.url)


async def _describe(kind: str, content_id: int) -> ContentInfo | None:
    spec = content_kind(kind)
    return (await spec.describe([content_id])).get(content_id) if spec else None


async def _set_status(kind: str, content_id: int, status: str, category: str) -> None:
    state = await _state(kind, content_id)
    if state is None:
        await ModerationState.insert(ModerationState(content_kind=kind, content_id=content_id, status=status,
                                                     reason=category))
    else:
        await ModerationState.update({ModerationState.status: status, ModerationState.reason: category,
                                      ModerationState.updated_at: clock.now()}).where(ModerationState.id == state["id"])


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Please give a reason: it is kept in the moderation log."))
    return reason[:1000]


async def hide(kind: str, content_id: int, moderator_id: int, category: str, reason: str) -> None:
    reason = _check_reason(reason)
    if category not in rules.REASONS:
        raise ModerationError(_("Please choose why it is hidden."))
    async with write_transaction():
        await _set_status(kind, content_id, "hidden", category)
        await ModerationAction.insert(ModerationAction(content_kind=kind, content_id=content_id, action="hide",
                                                       category=category, reason=reason, moderator=moderator_id))
    await _tell_author(kind, await _describe(kind, content_id), f"content_hidden:{category}")


async def restore(kind: str, content_id: int, moderator_id: int, reason: str) -> None:
    reason = _check_reason(reason)
    async with write_transaction():
        before = await _state(kind, content_id)
        await _set_status(kind, content_id, "restored", "")
        await ModerationAction.insert(ModerationAction(content_kind=kind, content_id=content_id, action="restore",
                                                       reason=reason, moderator=moderator_id))
    # Restoring an item that was never hidden only dismisses its reports: nothing to tell the author.
    if before is not None and before["status"] in rules.HIDDEN_STATUSES:
        await _tell_author(kind, await _describe(kind, content_id), "content_restored")


async def block_author(kind: str, content_id: int, moderator_id: int, reason: str) -> int:
    """Block the author of an item from posting; returns the author's account id."""
    reason = _check_reason(reason)
    spec = content_kind(kind)
    info = (await spec.describe([content_id])).get(content_id) if spec else None
    if info is None:
        raise ModerationError(_("This item no longer exists."))
    if info.author_id == moderator_id:
        raise ModerationError(_("You cannot block yourself."))
    async with write_transaction():
        await Account.update({Account.blocked: True}).where(Account.id == info.author_id)
        await ModerationAction.insert(ModerationAction(content_kind=kind, content_id=content_id, action="block",
                                                       reason=reason, moderator=moderator_id,
                                                       target_account=info.author_id))
    # Told at once, with where to read the reason and appeal: a blocked person otherwise only meets
    # refusals when they next try to post.
    await notify([info.author_id], "account_blocked", url=BLOCK_PAGE)
    return info.author_id


BLOCK_PAGE = "/moderation/blocked"


class BlockNotice(msgspec.Struct, frozen=True):
    reason: str
    blocked_at: dt.datetime
    appealed_at: dt.datetime | None
    appeal: str


async def block_notice(account_id: int) -> BlockNotice | None:
    """Why this account is blocked (the latest block in the log) and whether it has appealed since,
    or None when it is not blocked."""
    if not await is_blocked(account_id):
        return None
    rows = await ModerationAction.select(ModerationAction.action, ModerationAction.reason,
                                         ModerationAction.created_at).where(
        (ModerationAction.target_account == account_id) & ModerationAction.action.is_in(["block", "appeal"])
    ).order_by(ModerationAction.id, ascending=False).limit(20)
    block = next((r for r in rows if r["action"] == "block"), None)
    appeal = rows[0] if rows and rows[0]["action"] == "appeal" else None
    return BlockNotice(reason=block["reason"] if block else "",
                       blocked_at=block["created_at"] if block else clock.now(),
                       appealed_at=appeal["created_at"] if appeal else None,
                       appeal=appeal["reason"] if appeal else "")


async def appeal_block(account_id: int, text: str) -> None:
    """A blocked person asks for a review, once per block: the appeal goes into the moderation log
    (read by every moderator) and each moderator is notified."""
    text = text.strip()
    if not text:
        raise ModerationError(_("Please say why the block should be lifted."))
    if len(text) > 2000:
        raise ModerationError(_("Please keep this to %(n)s characters or fewer (you wrote %(m)s).", n=2000,
                                m=len(text)))
    notice = await block_notice(account_id)
    if notice is None:
        raise ModerationError(_("Your account is not blocked."))
    if notice.appealed_at is not None:
        raise ModerationError(_("You have already asked for a review. A moderator will answer."))
    async with write_transaction():
        await ModerationAction.insert(ModerationAction(action="appeal", reason=text, moderator=account_id,
                                                       target_account=account_id))
    person = await Account.select(Account.display_name).where(Account.id == account_id).first()
    moderators = await Account.select(Account.id).where(Account.role.is_in(["moderator", "council"]))
    await notify([m["id"] for m in moderators], "block_appeal", actor=person["display_name"] if person else "",
                 url="/moderation/log", exclude=account_id)


async def unblock(account_id: int, moderator_id: int, reason: str) -> None:
    reason = _check_reason(reason)
    async with write_transaction():
        await Account.update({Account.blocked: False}).where(Account.id == account_id)
        await ModerationAction.insert(ModerationAction(action="unblock", reason=reason, moderator=moderator_id,
                                                       target_account=account_id))


async def queue() -> list[QueueItem]:
    """Reported items that still need a decision: reported or hidden pending review."""
    states = await ModerationState.select().where(ModerationState.status.is_in(["visible", "pending"])).order_by(
        ModerationState.updated_at, ascending=False).limit(200)
    if not states:
        return []
    by_kind: dict[str, list[int]] = defaultdict(list)
    for s in states:
        by_kind[s["content_kind"]].append(s["content_id"])
    infos: dict[tuple[str, int], ContentInfo] = {}
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for kind, ids in by_kind.items():
        spec = content_kind(kind)
        if spec:
            infos.update({(kind, i): info for i, info in (await spec.describe(ids)).items()})
        rows = await Report.raw(
            "SELECT content_id, reason, COUNT(*) AS n FROM report WHERE content_kind = {} GROUP BY content_id, reason",
            kind,
        )
        for r in rows:
            counts[(kind, r["content_id"])][r["reason"]] = r["n"]
    author_ids = list({i.author_id for i in infos.values()})
    authors = {a["id"]: a for a in await Account.select(Account.id, Account.display_name, Account.blocked).where(
        Account.id.is_in(author_ids))} if author_ids else {}
    items = []
    for s in states:
        key = (s["content_kind"], s["content_id"])
        info = infos.get(key)
        author = authors.get(info.author_id) if info else None
        spec = content_kind(s["content_kind"])
        items.append(QueueItem(
            kind=s["content_kind"], kind_label=_(spec.label) if spec else s["content_kind"], content_id=s["content_id"],
            status=s["status"], reason=s["reason"], report_count=s["report_count"], reasons=counts.get(key, {}),
            title=info.title if info else "", excerpt=info.excerpt if info else "", url=info.url if info else "",
            author_id=info.author_id if info else None, author_name=author["display_name"] if author else "",
            author_blocked=bool(author and author["blocked"]), gone=info is None,
        ))
    return items


async def log(page: int = 1, per_page: int = 50) -> tuple[list[LogEntry], bool]:
    rows = await ModerationAction.select(
        ModerationAction.id, ModerationAction.action, ModerationAction.content_kind, ModerationAction.content_id,
        ModerationAction.category, ModerationAction.reason, ModerationAction.created_at,
        ModerationAction.moderator.display_name.as_alias("moderator_name"),
        ModerationAction.target_account.display_name.as_alias("target_name"),
        ModerationAction.target_account.id.as_alias("target_id"),
        ModerationAction.target_account.blocked.as_alias("target_blocked"),
    ).order_by(ModerationAction.id, ascending=False).limit(per_page + 1).offset((max(page, 1) - 1) * per_page)
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    # Each entry names and links the item it is about (one lookup per kind on the page).
    by_kind: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r["content_kind"]:
            by_kind[r["content_kind"]].append(r["content_id"])
    infos: dict[tuple[str, int], ContentInfo] = {}
    for kind, ids in by_kind.items():
        if spec := content_kind(kind):
            infos.update({(kind, i): info for i, info in (await spec.describe(ids)).items()})
    entries = []
    for r in rows:
        spec = content_kind(r["content_kind"]) if r["content_kind"] else None
        info = infos.get((r["content_kind"], r["content_id"]))
        entries.append(LogEntry(
            id=r["id"], action=r["action"], kind=r["content_kind"], content_id=r["content_id"],
            category=r["category"], reason=r["reason"], moderator_name=r["moderator_name"] or "",
            target_name=r["target_name"] or "", created_at=r["created_at"], target_id=r["target_id"],
            target_blocked=bool(r["target_blocked"]), kind_label=_(spec.label) if spec else r["content_kind"],
            title=(info.title if info else "") or "", url=(info.url if info else "") or ""))
    return entries, has_more


# -- the "proposal" kind (declared in proposals/domain.py; read-only use of the proposals table) --

async def describe_proposals(ids: list[int]) -> dict[int, ContentInfo]:
    from proposals.tables import Proposal

    if not ids:
        return {}
    rows = await Proposal.select(Proposal.id, Proposal.author, Proposal.title, Proposal.summary).where(
        Proposal.id.is_in(ids))
    return {r["id"]: ContentInfo(r["author"], f"/proposals/{r['id']}", r["title"], r["summary"]) for r in rows}


async def _proposal_audience(ids: list[int], viewer: Viewer | None) -> set[int]:
    from proposals.service import readable_ids

    return await readable_ids(ids, viewer)


KINDS = [registry.kind("proposal", describe_proposals, label=N_("proposal"), audience=_proposal_audience)]
