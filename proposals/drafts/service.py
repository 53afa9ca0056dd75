"""Draft procedures: council editing and versions, section comment threads, amendments, section
summaries, exports and notifications. Pages load in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from proposals.drafts import rules
from proposals.drafts.diff import Section, diff_versions, summary
from proposals.drafts.schemas import (
    AmendmentView,
    CreditView,
    DraftInfo,
    DraftPage,
    EditorSection,
    OpenDraft,
    SectionSummaryView,
    SectionView,
    VersionInfo,
    VersionPage,
)
from proposals.drafts.tables import (
    Amendment,
    AmendmentSupport,
    Draft,
    DraftFollow,
    DraftSection,
    DraftVersion,
    SectionKey,
    SectionSummary,
)
from proposals.moderation import registry as moderation_registry
from proposals.moderation import service as moderation
from proposals.moderation.registry import ContentInfo
from proposals.moderation.schemas import HiddenInfo
from proposals.threads import registry as threads_registry
from proposals.threads import service as threads
from proposals.threads.registry import TargetInfo
from server import clock
from server.accounts.tables import Account
from server.current_user import Viewer
from server.database import is_unique_violation, write_transaction
from server.follows import Followed
from server.i18n import gettext as _
from server.notifications.kinds import N_
from server.notifications.service import notify
from server.prepared import Prepared

SECTION_KIND = "draft_section"
AMENDMENT_KIND = "amendment"
MAX_SECTION_BODY = 20000
MAX_AMENDMENT = 10000
# Top-level comments shown per section on the draft page (with their replies); the rest are one
# "Show all comments" away. Twenty sections of ten long threads each made a page of several MB.
SECTION_FIRST_PAGE = 5
SECTION_REPLIES = 3

# Declared in proposals/domain.py.
NOTIFICATION_KINDS = {
    "amendment_accepted": N_("Your amendment to “%(subject)s” was accepted by %(actor)s"),
    "amendment_declined": N_("Your amendment to “%(subject)s” was declined by %(actor)s"),
    "draft_new_version": N_("A new version of “%(subject)s” was published"),
}


class DraftError(Exception):
    """A refused step; `errors` maps form fields (or "form") to translated messages."""

    def __init__(self, errors: dict[str, str] | str) -> None:
        self.errors = errors if isinstance(errors, dict) else {"form": errors}
        super().__init__(next(iter(self.errors.values())))


class NotFound(Exception):
    pass


# ---------------------------------------------------------------- reading

def _version(r: dict) -> VersionInfo:
    return VersionInfo(id=r["id"], number=r["number"], published_at=r["published_at"], changelog=r["changelog"])


# The home page's section reads every draft: its SQL is built once (server/prepared.py, issue 21);
# other lists of ids go through Piccolo as usual.
_ALL_DRAFTS = Prepared(lambda: Draft.select())
_ALL_VERSIONS = Prepared(lambda: DraftVersion.select().order_by(DraftVersion.number))
_COUNTS = "SELECT draft, status, COUNT(*) AS n FROM amendment {} GROUP BY draft, status"
_STATUSES = ("pending", "accepted", "declined")
# One draft, as the draft page, the thread fragments of its sections and every step on it read it: the
# draft, a row per version, its amendment counts and whether an account follows it, in one statement
# instead of four (issue 21). Raw SQL because Piccolo cannot put the counts and EXISTS beside a join.
# `NOBODY` (0, no account's id: they start at 1) asks for no one's follow.
NOBODY = 0
_ONE_DRAFT = Prepared(lambda account_id, draft_id: Draft.raw(
    "SELECT d.id AS id, d.title AS title, d.summary AS summary, d.comment_opens AS comment_opens, "
    "d.comment_closes AS comment_closes, v.id AS version_id, v.number AS number, v.published_at AS published_at, "
    "v.changelog AS changelog, "
    + "".join(f"(SELECT COUNT(*) FROM amendment a WHERE a.draft = d.id AND a.status = '{status}') AS {status}, "
              for status in _STATUSES)
    + "EXISTS (SELECT 1 FROM draft_follow f WHERE f.draft = d.id AND f.account = {}) AS is_following "
    "FROM draft d LEFT JOIN draft_version v ON v.draft = d.id WHERE d.id = {} ORDER BY v.number",
    account_id, draft_id))


def _draft_info(d: dict, versions: list[dict], counts: dict[str, int], today: dt.date) -> DraftInfo:
    published = [_version(v) for v in versions if v["published_at"] is not None]
    working = next((_version(v) for v in versions if v["published_at"] is None), None)
    state = rules.period_state(bool(published), d["comment_opens"], d["comment_closes"], today)
    return DraftInfo(
        id=d["id"], title=d["title"], summary=d["summary"], comment_opens=d["comment_opens"],
        comment_closes=d["comment_closes"], period=state,
        closed_reason=rules.closed_reason(state, d["comment_opens"], d["comment_closes"]),
        versions=published, working=working, counts=counts,
    )


async def _one_draft(draft_id: int, account_id: int = NOBODY) -> tuple[DraftInfo | None, bool]:
    """The draft (None if there is none) and whether `account_id` follows it."""
    rows = await _ONE_DRAFT(account_id, draft_id)
    if not rows:
        return None, False
    first = rows[0]
    versions = [{"id": r["version_id"], "number": r["number"], "published_at": r["published_at"],
                 "changelog": r["changelog"]} for r in rows if r["version_id"] is not None]
    counts = {status: first[status] for status in _STATUSES}
    return _draft_info(first, versions, counts, clock.today()), bool(first["is_following"])


async def _draft_infos(draft_ids: list[int] | None) -> dict[int, DraftInfo]:
    """Drafts (None: every draft) with their versions, period state and amendment counts, in three
    queries (one for a single draft)."""
    if draft_ids is None:
        drafts, versions = await _ALL_DRAFTS(), await _ALL_VERSIONS()
        counts = await Amendment.raw(_COUNTS.format(""))
    elif len(draft_ids) == 1:
        info, _following = await _one_draft(draft_ids[0])
        return {info.id: info} if info else {}
    elif draft_ids:
        drafts = await Draft.select().where(Draft.id.is_in(draft_ids))
        versions = await DraftVersion.select().where(DraftVersion.draft.is_in(draft_ids)).order_by(
            DraftVersion.number)
        counts = await Amendment.raw(_COUNTS.format("WHERE draft IN ({})".format(
            ", ".join(str(int(i)) for i in draft_ids))))
    else:
        return {}
    by_draft: dict[int, list[dict]] = defaultdict(list)
    for v in versions:
        by_draft[v["draft"]].append(v)
    amendment_counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_STATUSES, 0))
    for c in counts:
        amendment_counts[c["draft"]][c["status"]] = c["n"]
    today = clock.today()
    return {d["id"]: _draft_info(d, by_draft[d["id"]], dict(amendment_counts[d["id"]]), today) for d in drafts}


async def draft_info(draft_id: int) -> DraftInfo:
    info, _following = await _one_draft(draft_id)
    if info is None:
        raise NotFound(draft_id)
    return info


def sees_unpublished(viewer: Viewer | None) -> bool:
    """The one visibility rule for draft procedures. A published version is public, with its
    amendments and threads (a hidden amendment or comment shows its placeholder to everyone: its
    words stay in the moderators' queue and in the notification telling its author). A draft never
    published, and the working copy of the next version, are council staff's, who write them: the
    pages, threads, API and home section read only published versions (draft_page, version_page,
    describe_sections), and lists add unpublished drafts for those this says yes to."""
    return bool(viewer and viewer.is_council)


async def list_drafts(include_unpublished: bool = False) -> list[DraftInfo]:
    infos = await _draft_infos(None)
    return [infos[i] for i in sorted(infos, reverse=True) if include_unpublished or infos[i].versions]


async def open_drafts() -> list[DraftInfo]:
    return [d for d in await list_drafts() if d.is_open]


# The home page's list: the drafts open for comment today (rules.period_state: a version published and
# today within the period) in one query, not every draft, version and amendment count in three.
_OPEN_FOR_COMMENT = Prepared(lambda today: DraftVersion.select(
    DraftVersion.draft.id.as_alias("id"), DraftVersion.draft.title.as_alias("title"),
    DraftVersion.draft.comment_closes.as_alias("comment_closes"),
).where(DraftVersion.published_at.is_not_null(), DraftVersion.draft.comment_opens <= today,
        DraftVersion.draft.comment_closes >= today).distinct())


async def open_for_comment(today: dt.date | None = None) -> list[OpenDraft]:
    """What open_drafts() lists (newest draft first), with only what the home page shows."""
    rows = await _OPEN_FOR_COMMENT(today or clock.today())
    return sorted((OpenDraft(**r) for r in rows), key=lambda d: -d.id)


# The draft page's own queries: SQL built once (server/prepared.py, issue 21).
_SECTIONS = Prepared(lambda version_id: DraftSection.select().where(DraftSection.version == version_id).order_by(
    DraftSection.position))
_AMENDMENTS = Prepared(lambda draft_id: Amendment.select(
    Amendment.all_columns(), Amendment.author.display_name.as_alias("author_name"),
    Amendment.decided_by.display_name.as_alias("decided_by_name"),
).where(Amendment.draft == draft_id).order_by(Amendment.id))
# The sections of a version with their council response and their amendments (whether the viewer
# supports each one, and whether it is hidden, included), a row per amendment or one for a section
# without any: one statement where it took five (issue 21). Raw SQL: Piccolo joins only along the
# queried table's own foreign keys, and cannot say EXISTS. Amendments to a section no longer in the
# version are not on the page.
_PAGE_SECTIONS = Prepared(lambda supporter, draft_id, version_id: DraftSection.raw(
    "SELECT s.id AS id, s.key AS key, s.position AS position, s.heading AS heading, s.body AS body, "
    "m.body AS summary_body, m.updated_at AS summary_updated_at, ma.display_name AS summary_author, "
    "a.id AS amendment_id, a.author AS author, aa.display_name AS author_name, a.text AS text, "
    "a.reason AS reason, a.status AS status, a.decision_reason AS decision_reason, "
    "ad.display_name AS decided_by_name, a.base_version AS base_version, a.applied_version AS applied_version, "
    "a.support_count AS support_count, h.status AS hidden_status, h.reason AS hidden_reason, "
    "EXISTS (SELECT 1 FROM amendment_support x WHERE x.amendment = a.id AND x.supporter = {}) AS supported "
    "FROM draft_section s "
    "LEFT JOIN section_summary m ON m.section_key = s.key LEFT JOIN account ma ON ma.id = m.author "
    "LEFT JOIN amendment a ON a.section_key = s.key AND a.draft = {} "
    "LEFT JOIN account aa ON aa.id = a.author LEFT JOIN account ad ON ad.id = a.decided_by "
    + moderation.hidden_join(AMENDMENT_KIND, "a.id", "h")
    + " WHERE s.version = {} ORDER BY s.position, s.id, a.id",
    supporter, draft_id, version_id))


async def _sections(version_id: int) -> list[SectionView]:
    rows = await _SECTIONS(version_id)
    return [SectionView(id=r["id"], key=r["key"], position=r["position"], heading=r["heading"], body=r["body"])
            for r in rows]


def _section_target(draft: DraftInfo, key: int, heading: str) -> TargetInfo:
    return TargetInfo(url=f"/drafts/{draft.id}", title=f"{draft.title}: {heading}",
                      is_open=draft.is_open, closed_reason=draft.closed_reason)


def _amendment_target(draft: DraftInfo) -> TargetInfo:
    return TargetInfo(url=f"/drafts/{draft.id}",
                      title=_("Amendment to “%(title)s”", title=draft.title),
                      is_open=draft.is_open, closed_reason=draft.closed_reason)


def _amendment_view(r: dict, hidden: HiddenInfo | None, *, supported: bool = False) -> AmendmentView:
    return AmendmentView(
        id=r["id"], section_key=r["section_key"], author_id=r["author"], author_name=r["author_name"],
        text="" if hidden else r["text"], reason="" if hidden else r["reason"], status=r["status"],
        decision_reason=r["decision_reason"], decided_by_name=r["decided_by_name"] or "",
        base_version=r["base_version"], applied_version=r["applied_version"], support_count=r["support_count"],
        supported=supported, hidden=hidden is not None, hidden_message=hidden.message if hidden else "",
    )


async def _amendments(draft: DraftInfo) -> list[AmendmentView]:
    """Every amendment of the draft, for exports."""
    rows = await _AMENDMENTS(draft.id)
    hidden = await moderation.hidden_map(AMENDMENT_KIND, [r["id"] for r in rows])
    return [_amendment_view(r, hidden.get(r["id"])) for r in rows]


async def draft_page(draft_id: int, viewer: Viewer | None) -> DraftPage:
    """The current version with every section's thread, summary and amendments, and whether the
    viewer follows the draft: three queries whatever the number of sections, comments or amendments
    (the draft, the sections with their amendments, the comments under both)."""
    draft, following = await _one_draft(draft_id, viewer.id if viewer else NOBODY)
    version = draft.current if draft else None
    if draft is None or version is None:
        raise NotFound(draft_id)
    sections: list[SectionView] = []
    amendment_rows: list[tuple[SectionView, dict]] = []
    for r in await _PAGE_SECTIONS(viewer.id if viewer else NOBODY, draft.id, version.id):
        if not sections or sections[-1].id != r["id"]:
            summary_view = (SectionSummaryView(r["summary_author"], r["summary_body"], r["summary_updated_at"])
                            if r["summary_body"] is not None else None)
            sections.append(SectionView(id=r["id"], key=r["key"], position=r["position"], heading=r["heading"],
                                        body=r["body"], summary=summary_view))
        if r["amendment_id"] is not None:
            amendment_rows.append((sections[-1], {**r, "id": r["amendment_id"], "section_key": r["key"]}))
    amendment_ids = [r["id"] for _, r in amendment_rows]
    amendment_target = _amendment_target(draft)
    section_threads, amendment_threads = await threads.load_thread_sets((
        threads.ThreadSet(SECTION_KIND, [s.key for s in sections],
                          {s.key: _section_target(draft, s.key, s.heading) for s in sections},
                          first_page=SECTION_FIRST_PAGE, replies_per_comment=SECTION_REPLIES),
        threads.ThreadSet(AMENDMENT_KIND, amendment_ids, dict.fromkeys(amendment_ids, amendment_target),
                          first_page=5),
    ), viewer)
    for section, r in amendment_rows:
        amendment = _amendment_view(r, moderation.hidden_info(r["hidden_status"], r["hidden_reason"]),
                                    supported=bool(r["supported"]))
        amendment.thread = amendment_threads.get(amendment.id)
        section.amendments.append(amendment)
    for s in sections:
        s.thread = section_threads.get(s.key)
    return DraftPage(draft=draft, version=version, sections=sections, following=following)


async def version_page(draft_id: int, number: int) -> VersionPage:
    draft = await draft_info(draft_id)
    version = next((v for v in draft.versions if v.number == number), None)
    if version is None:
        raise NotFound(number)
    previous = next((v for v in reversed(draft.versions) if v.number < number), None)
    sections = await _sections(version.id)
    old_sections = await _sections(previous.id) if previous else []
    changes = diff_versions([Section(s.key, s.heading, s.body) for s in old_sections],
                            [Section(s.key, s.heading, s.body) for s in sections]) if previous else []
    credited = await Amendment.select(
        Amendment.section_key, Amendment.author.display_name.as_alias("author_name"),
    ).where((Amendment.draft == draft_id) & (Amendment.applied_version == number)).order_by(Amendment.id)
    headings = {s.key: s.heading for s in [*old_sections, *sections]}
    credits = [CreditView(r["author_name"], headings.get(r["section_key"], "")) for r in credited]
    return VersionPage(draft=draft, version=version, previous=previous, sections=sections, changes=changes,
                       change_counts=summary(changes), credits=credits)


# ---------------------------------------------------------------- council editing

async def _require_council(actor_id: int) -> dict:
    row = await Account.select(Account.id, Account.display_name, Account.role, Account.blocked).where(
        Account.id == actor_id).first()
    if row is None or row["role"] != "council":
        raise DraftError(_("Only council staff can do this."))
    return row


def _check_text(value: str, field: str, max_length: int, errors: dict[str, str], *, required: bool = True) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        errors[field] = _("This field is required.")
    elif len(value) > max_length:
        errors[field] = _("Please keep this to %(n)s characters or fewer (you wrote %(m)s).", n=max_length,
                          m=len(value))
    return value


async def create_draft(actor_id: int, title: str, summary_text: str) -> int:
    await _require_council(actor_id)
    errors: dict[str, str] = {}
    title = _check_text(title, "title", 160, errors)
    summary_text = _check_text(summary_text, "summary", 2000, errors, required=False)
    if errors:
        raise DraftError(errors)
    async with write_transaction():
        rows = await Draft.insert(Draft(title=title, summary=summary_text, created_by=actor_id)).returning(Draft.id)
        draft_id = rows[0]["id"]
        await DraftVersion.insert(DraftVersion(draft=draft_id, number=1))
    return draft_id


async def update_draft(actor_id: int, draft_id: int, title: str, summary_text: str) -> None:
    await _require_council(actor_id)
    errors: dict[str, str] = {}
    title = _check_text(title, "title", 160, errors)
    summary_text = _check_text(summary_text, "summary", 2000, errors, required=False)
    if errors:
        raise DraftError(errors)
    await Draft.update({Draft.title: title, Draft.summary: summary_text}).where(Draft.id == draft_id)


async def editor_sections(draft_id: int) -> list[EditorSection]:
    draft = await draft_info(draft_id)
    if draft.working is None:
        return []
    return [EditorSection(s.id, s.key, s.position, s.heading, s.body) for s in await _sections(draft.working.id)]


async def _working(draft_id: int) -> dict:
    row = await DraftVersion.select().where((DraftVersion.draft == draft_id)
                                            & DraftVersion.published_at.is_null()).first()
    if row is None:
        raise DraftError(_("Start a new version first."))
    return row


async def _ensure_working(draft_id: int) -> dict:
    """The working copy, made from the latest published version if there is none."""
    row = await DraftVersion.select().where((DraftVersion.draft == draft_id)
                                            & DraftVersion.published_at.is_null()).first()
    if row is not None:
        return row
    latest = await DraftVersion.select().where(DraftVersion.draft == draft_id).order_by(
        DraftVersion.number, ascending=False).first()
    if latest is None:
        raise NotFound(draft_id)
    rows = await DraftVersion.insert(DraftVersion(draft=draft_id, number=latest["number"] + 1)).returning(
        DraftVersion.id)
    new_id = rows[0]["id"]
    sections = await DraftSection.select().where(DraftSection.version == latest["id"]).order_by(
        DraftSection.position)
    if sections:
        await DraftSection.insert(*[DraftSection(version=new_id, key=s["key"], position=s["position"],
                                                 heading=s["heading"], body=s["body"]) for s in sections])
    return await DraftVersion.select().where(DraftVersion.id == new_id).first()


async def start_new_version(actor_id: int, draft_id: int) -> int:
    await _require_council(actor_id)
    async with write_transaction():
        return (await _ensure_working(draft_id))["number"]


async def add_section(actor_id: int, draft_id: int, heading: str, body: str) -> int:
    await _require_council(actor_id)
    errors: dict[str, str] = {}
    heading = _check_text(heading, "heading", 200, errors)
    body = _check_text(body, "body", MAX_SECTION_BODY, errors, required=False)
    if errors:
        raise DraftError(errors)
    async with write_transaction():
        working = await _working(draft_id)
        key = (await SectionKey.insert(SectionKey(draft=draft_id)).returning(SectionKey.id))[0]["id"]
        count = await DraftSection.count().where(DraftSection.version == working["id"])
        await DraftSection.insert(DraftSection(version=working["id"], key=key, position=count + 1, heading=heading,
                                               body=body))
    return key


async def _working_section(draft_id: int, section_id: int) -> tuple[dict, dict]:
    working = await _working(draft_id)
    row = await DraftSection.select().where((DraftSection.id == section_id)
                                            & (DraftSection.version == working["id"])).first()
    if row is None:
        raise NotFound(section_id)
    return working, row


async def update_section(actor_id: int, draft_id: int, section_id: int, heading: str, body: str) -> None:
    await _require_council(actor_id)
    errors: dict[str, str] = {}
    heading = _check_text(heading, "heading", 200, errors)
    body = _check_text(body, "body", MAX_SECTION_BODY, errors, required=False)
    if errors:
        raise DraftError(errors)
    async with write_transaction():
        await _working_section(draft_id, section_id)
        await DraftSection.update({DraftSection.heading: heading, DraftSection.body: body}).where(
            DraftSection.id == section_id)


async def _renumber(version_id: int, ordered_ids: list[int]) -> None:
    for position, sid in enumerate(ordered_ids, start=1):
        await DraftSection.update({DraftSection.position: position}).where(DraftSection.id == sid)


async def move_section(actor_id: int, draft_id: int, section_id: int, step: int) -> None:
    await _require_council(actor_id)
    async with write_transaction():
        working, _row = await _working_section(draft_id, section_id)
        ids = [r["id"] for r in await DraftSection.select(DraftSection.id).where(
            DraftSection.version == working["id"]).order_by(DraftSection.position)]
        i = ids.index(section_id)
        j = max(0, min(len(ids) - 1, i + step))
        ids.insert(j, ids.pop(i))
        await _renumber(working["id"], ids)


async def remove_section(actor_id: int, draft_id: int, section_id: int) -> None:
    await _require_council(actor_id)
    async with write_transaction():
        working, _row = await _working_section(draft_id, section_id)
        await DraftSection.delete().where(DraftSection.id == section_id)
        ids = [r["id"] for r in await DraftSection.select(DraftSection.id).where(
            DraftSection.version == working["id"]).order_by(DraftSection.position)]
        await _renumber(working["id"], ids)


async def publish_version(actor_id: int, draft_id: int, changelog: str, opens: dt.date | None,
                          closes: dt.date | None) -> int:
    """Publish the working copy with its comment period; accepted amendments applied since the
    last version are credited in it. People who took part hear about new versions."""
    council = await _require_council(actor_id)
    errors = rules.check_period(opens, closes)
    changelog = _check_text(changelog, "changelog", 5000, errors, required=False)
    async with write_transaction():
        working = await _working(draft_id)
        if not await DraftSection.exists().where(DraftSection.version == working["id"]):
            errors["form"] = _("Add at least one section before publishing.")
        if working["number"] > 1 and not changelog:
            errors["changelog"] = _("Please say what changed in this version.")
        if errors:
            raise DraftError(errors)
        await DraftVersion.update({DraftVersion.published_at: clock.now(), DraftVersion.changelog: changelog}).where(
            DraftVersion.id == working["id"])
        await Draft.update({Draft.comment_opens: opens, Draft.comment_closes: closes}).where(Draft.id == draft_id)
        await Amendment.update({Amendment.applied_version: working["number"]}).where(
            (Amendment.draft == draft_id) & (Amendment.status == "accepted") & Amendment.applied_version.is_null())
    if working["number"] > 1:
        draft = await draft_info(draft_id)
        keys = [r["id"] for r in await SectionKey.select(SectionKey.id).where(SectionKey.draft == draft_id)]
        people = await threads.commenter_ids(SECTION_KIND, keys)
        people |= {r["author"] for r in await Amendment.select(Amendment.author).where(Amendment.draft == draft_id)}
        people |= set(await follower_ids(draft_id))
        await notify(people, "draft_new_version", subject=draft.title, actor=council["display_name"],
                     url=f"/drafts/{draft_id}/versions/{working['number']}", exclude=actor_id)
    return working["number"]


async def set_section_summary(actor_id: int, draft_id: int, section_key: int, body: str) -> None:
    await _require_council(actor_id)
    errors: dict[str, str] = {}
    body = _check_text(body, "summary_body", 5000, errors)
    if errors:
        raise DraftError(errors)
    async with write_transaction():
        if not await SectionKey.exists().where((SectionKey.id == section_key) & (SectionKey.draft == draft_id)):
            raise NotFound(section_key)
        existing = await SectionSummary.select(SectionSummary.id).where(
            SectionSummary.section_key == section_key).first()
        if existing:
            await SectionSummary.update({SectionSummary.body: body, SectionSummary.author: actor_id,
                                         SectionSummary.updated_at: clock.now()}).where(
                SectionSummary.id == existing["id"])
        else:
            await SectionSummary.insert(SectionSummary(section_key=section_key, author=actor_id, body=body))


# ---------------------------------------------------------------- amendments

async def _resident(actor_id: int) -> dict:
    row = await Account.select(Account.id, Account.display_name, Account.role, Account.blocked).where(
        Account.id == actor_id).first()
    if row is None:
        raise DraftError(_("Please sign in."))
    if row["blocked"]:
        raise DraftError(_("Your account is blocked from posting. You can still read everything."))
    return row


async def propose_amendment(author_id: int, draft_id: int, section_key: int, text: str, reason: str) -> int:
    await _resident(author_id)
    draft = await draft_info(draft_id)
    if not draft.is_open:
        raise DraftError(draft.closed_reason)
    errors: dict[str, str] = {}
    text = _check_text(text, "text", MAX_AMENDMENT, errors)
    reason = _check_text(reason, "reason", 2000, errors)
    if errors:
        raise DraftError(errors)
    current = draft.current
    assert current is not None
    if not await DraftSection.exists().where((DraftSection.version == current.id) & (DraftSection.key == section_key)):
        raise NotFound(section_key)
    rows = await Amendment.insert(Amendment(draft=draft_id, section_key=section_key, base_version=current.number,
                                            author=author_id, text=text, reason=reason)).returning(Amendment.id)
    return rows[0]["id"]


async def _amendment(amendment_id: int) -> dict:
    row = await Amendment.select().where(Amendment.id == amendment_id).first()
    if row is None:
        raise NotFound(amendment_id)
    return row


async def toggle_support(amendment_id: int, supporter_id: int) -> bool:
    await _resident(supporter_id)
    row = await _amendment(amendment_id)
    draft = await draft_info(row["draft"])
    if not draft.is_open:
        raise DraftError(draft.closed_reason)
    if row["status"] != "pending":
        raise DraftError(_("The council has already decided on this amendment."))
    if row["author"] == supporter_id:
        raise DraftError(_("You cannot support your own amendment."))
    async with write_transaction():
        existing = await AmendmentSupport.select(AmendmentSupport.id).where(
            (AmendmentSupport.amendment == amendment_id) & (AmendmentSupport.supporter == supporter_id)).first()
        if existing:
            await AmendmentSupport.delete().where(AmendmentSupport.id == existing["id"])
        else:
            await AmendmentSupport.insert(AmendmentSupport(amendment=amendment_id, supporter=supporter_id))
        count = await AmendmentSupport.count().where(AmendmentSupport.amendment == amendment_id)
        await Amendment.update({Amendment.support_count: count}).where(Amendment.id == amendment_id)
    return not existing


async def decide_amendment(actor_id: int, amendment_id: int, decision: str, reason: str) -> None:
    """Accept (the text replaces the section in the working copy, so it is in the next version)
    or decline with a public reason, which is required."""
    council = await _require_council(actor_id)
    errors: dict[str, str] = {}
    reason = _check_text(reason, "decision_reason", 2000, errors, required=decision == "declined")
    if decision not in ("accepted", "declined"):
        errors["decision"] = _("Please choose accept or decline.")
    if decision == "declined" and "decision_reason" in errors:
        errors["decision_reason"] = _("Please say publicly why this amendment is declined.")
    if errors:
        raise DraftError(errors)
    async with write_transaction():
        row = await _amendment(amendment_id)
        if row["status"] != "pending":
            raise DraftError(_("The council has already decided on this amendment."))
        if decision == "accepted":
            working = await _ensure_working(row["draft"])
            updated = await DraftSection.update({DraftSection.body: row["text"]}).where(
                (DraftSection.version == working["id"]) & (DraftSection.key == row["section_key"])).returning(
                DraftSection.id)
            if not updated:
                raise DraftError(_("This section is no longer in the version being prepared."))
        await Amendment.update({Amendment.status: decision, Amendment.decision_reason: reason,
                                Amendment.decided_by: actor_id, Amendment.decided_at: clock.now()}).where(
            Amendment.id == amendment_id)
    draft = await draft_info(row["draft"])
    await notify([row["author"]], f"amendment_{decision}", subject=draft.title, actor=council["display_name"],
                 url=f"/drafts/{draft.id}#amendment-{amendment_id}", exclude=actor_id)


# ---------------------------------------------------------------- export

async def export(draft_id: int) -> dict:
    """Every comment and amendment of the draft, with display names only (no emails, no ids of
    accounts): for the council's report."""
    draft = await draft_info(draft_id)
    keys = [r["id"] for r in await SectionKey.select(SectionKey.id).where(SectionKey.draft == draft_id)]
    latest_heading: dict[int, str] = {}
    if keys:
        rows = await DraftSection.select(DraftSection.key, DraftSection.heading,
                                         DraftSection.version.number.as_alias("number")).where(
            DraftSection.key.is_in(keys)).order_by(DraftSection.version.number)
        latest_heading = {r["key"]: r["heading"] for r in rows}
    amendments = await _amendments(draft)
    comments = []
    for c in await threads.comments_for_export(SECTION_KIND, keys):
        comments.append({"on": "section", "section": latest_heading.get(c["target_id"], ""), "amendment_id": None,
                         **c})
    for c in await threads.comments_for_export(AMENDMENT_KIND, [a.id for a in amendments]):
        section = next((latest_heading.get(a.section_key, "") for a in amendments if a.id == c["target_id"]), "")
        comments.append({"on": "amendment", "section": section, "amendment_id": c["target_id"], **c})
    for c in comments:
        c.pop("target_id", None)
    return {
        "draft": {"id": draft.id, "title": draft.title, "versions": [v.number for v in draft.versions],
                  "comment_opens": draft.comment_opens.isoformat() if draft.comment_opens else None,
                  "comment_closes": draft.comment_closes.isoformat() if draft.comment_closes else None},
        "comments": comments,
        "amendments": [{
            "id": a.id, "section": latest_heading.get(a.section_key, ""), "author": a.author_name,
            "status": a.status, "text": a.text, "reason": a.reason, "decision_reason": a.decision_reason,
            "decided_by": a.decided_by_name, "supporters": a.support_count, "base_version": a.base_version,
            "applied_version": a.applied_version, "hidden": a.hidden,
        } for a in amendments],
    }


# ---------------------------------------------------------------- following

async def _published(draft_id: int) -> bool:
    return await DraftVersion.exists().where(
        (DraftVersion.draft == draft_id) & DraftVersion.published_at.is_not_null())


_FOLLOWING = Prepared(lambda draft_id, account_id: DraftFollow.exists().where(
    (DraftFollow.draft == draft_id) & (DraftFollow.account == account_id)))  # on every draft page (issue 21)


async def is_following(draft_id: int, account_id: int | None) -> bool:
    if account_id is None:
        return False
    return await _FOLLOWING(draft_id, account_id)


async def follow(draft_id: int, account_id: int) -> None:
    """Only a published draft can be followed (sees_unpublished: the rest is council staff's)."""
    if not await _published(draft_id):
        raise NotFound(draft_id)
    if await is_following(draft_id, account_id):
        return
    try:
        await DraftFollow.insert(DraftFollow(draft=draft_id, account=account_id))
    except Exception as exc:  # a double click from two tabs: the unique index already has it
        if not is_unique_violation(exc):
            raise


async def unfollow(draft_id: int, account_id: int) -> None:
    await DraftFollow.delete().where((DraftFollow.draft == draft_id) & (DraftFollow.account == account_id))


async def follower_ids(draft_id: int) -> list[int]:
    """Followers of a draft, none while it has no published version (nothing to tell them about)."""
    if not await _published(draft_id):
        return []
    return [r["account"] for r in await DraftFollow.select(DraftFollow.account).where(DraftFollow.draft == draft_id)]


async def _section_followers(key: int) -> list[int]:
    rows = await SectionKey.select(SectionKey.draft).where(SectionKey.id == key)
    return await follower_ids(rows[0]["draft"]) if rows else []


async def _amendment_followers(amendment_id: int) -> list[int]:
    rows = await Amendment.select(Amendment.draft).where(Amendment.id == amendment_id)
    return await follower_ids(rows[0]["draft"]) if rows else []


async def followed_drafts(account_id: int) -> list[Followed]:
    """Followed drafts for /account/following (declared in proposals/domain.py); only published ones
    are ever listed."""
    rows = await DraftFollow.select(
        DraftFollow.draft.id.as_alias("id"), DraftFollow.draft.title.as_alias("title"),
    ).where(DraftFollow.account == account_id).order_by(DraftFollow.id, ascending=False)
    published = {r["draft"] for r in await DraftVersion.select(DraftVersion.draft).where(
        DraftVersion.draft.is_in([r["id"] for r in rows]) & DraftVersion.published_at.is_not_null())} if rows else set()
    return [Followed(_("Draft procedure"), r["title"], f"/drafts/{r['id']}") for r in rows if r["id"] in published]


# ---------------------------------------------------------------- kinds for threads and moderation

async def describe_sections(keys: list[int]) -> dict[int, TargetInfo]:
    if not keys:
        return {}
    rows = await DraftSection.select(
        DraftSection.key, DraftSection.heading, DraftSection.version.number.as_alias("number"),
        DraftSection.version.draft.id.as_alias("draft_id"),
    ).where(DraftSection.key.is_in(keys) & DraftSection.version.published_at.is_not_null()).order_by(
        DraftSection.version.number)
    latest = {r["key"]: r for r in rows}
    drafts = await _draft_infos(sorted({r["draft_id"] for r in latest.values()}))
    return {k: _section_target(drafts[r["draft_id"]], k, r["heading"]) for k, r in latest.items()}


async def _describe_amendment_targets(ids: list[int]) -> dict[int, TargetInfo]:
    if not ids:
        return {}
    rows = await Amendment.select(Amendment.id, Amendment.draft).where(Amendment.id.is_in(ids))
    drafts = await _draft_infos(sorted({r["draft"] for r in rows}))
    return {r["id"]: _amendment_target(drafts[r["draft"]]) for r in rows}


async def _describe_amendment_content(ids: list[int]) -> dict[int, ContentInfo]:
    if not ids:
        return {}
    rows = await Amendment.select(Amendment.id, Amendment.draft, Amendment.author, Amendment.text,
                                  Amendment.draft.title.as_alias("title")).where(Amendment.id.is_in(ids))
    return {r["id"]: ContentInfo(r["author"], f"/drafts/{r['draft']}#amendment-{r['id']}",
                                 _("Amendment to “%(title)s”", title=r["title"]), r["text"][:300]) for r in rows}


# Declared in proposals/domain.py.
KINDS = [
    threads_registry.kind(SECTION_KIND, describe_sections, stances=True, followers=_section_followers),
    threads_registry.kind(AMENDMENT_KIND, _describe_amendment_targets, stances=False, followers=_amendment_followers),
    moderation_registry.kind(AMENDMENT_KIND, _describe_amendment_content, label=N_("amendment")),
]
