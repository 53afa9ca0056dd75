import httpx
from factories.assemblies import held_meeting, make_body, make_commitment, make_meeting
from support import signed_in_as


async def test_pages(client: httpx.AsyncClient) -> None:
    body = await make_body("Board A")
    m = await make_meeting("Meet A", body_id=body)
    h = await held_meeting()
    c = await make_commitment(source=("meeting", h))
    for path in ["/meetings", "/meetings?when=past", f"/meetings/{m}", f"/meetings/{h}", "/meetings/calendar.ics",
                 f"/meetings/{m}/calendar.ics", f"/meetings/{m}/ocd.json", "/boards", f"/boards/{body}",
                 "/commitments", f"/commitments/{c}", "/"]:
        r = await client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[-3000:])
    await signed_in_as(client, "council")
    for path in [f"/meetings/{m}/manage", "/meetings/new", f"/meetings/new?board={body}", "/council/boards",
                 f"/council/boards/{body}", "/council/commitments/new", f"/council/commitments/{c}",
                 f"/council/commitments/new?source_kind=meeting&source_id={h}"]:
        r = await client.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[-3000:])
