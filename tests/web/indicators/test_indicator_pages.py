"""Indicator and survey pages over HTTP: council defines and imports, errors come back with the
row and column, the page states a setback plainly, downloads, answering a survey once."""

from __future__ import annotations

import datetime as dt

import httpx
from factories.indicators import make_indicator, make_survey, question
from support import make_neighborhood, post_form, signed_in_as, text_of

from indicators import service
from indicators.surveys import service as surveys


async def test_council_creates_an_indicator_and_imports_values(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    refused = await post_form(client, "/council/indicators/", {"slug": "Bad Slug!", "name_en": "Response time",
                                                               "unit": "days"})
    assert refused.status_code == 400
    assert "lowercase letters" in refused.text and 'value="Response time"' in refused.text
    made = await post_form(client, "/council/indicators/", {
        "slug": "response-times", "name_en": "Median days to first response", "name_es": "Mediana de días",
        "unit": "days", "lower_is_better": "on", "target": "2", "target_date": "2025-12-31", "by_neighborhood": "on"})
    assert made.status_code == 303 and made.headers["location"] == "/council/indicators/response-times"
    wrong = b"Year,Units,Value\n2025-01,days,3\n2025-13,hours,x\n"
    bad = await post_form(client, "/council/indicators/response-times/import",
                          files={"file": ("v.csv", wrong, "text/csv")})
    assert bad.status_code == 400
    page = text_of(bad.text)
    assert "Row 3, column Year" in page and "Row 3, column Units" in page and "Row 3, column Value" in page
    good = "Year,Units,Value\n" + "".join(f"2025-{m:02d},days,{v}\n" for m, v in [(1, 3), (6, 4), (12, 5)])
    good += "2024-12,days,3\n"
    done = await post_form(client, "/council/indicators/response-times/import",
                             files={"file": ("v.csv", good.encode(), "text/csv")})
    assert done.status_code == 303
    public = await client.get("/indicators/response-times")
    text = text_of(public.text)
    assert "rose from 3 days in Dec 2024 to 5 days in Dec 2025" in text
    assert "Setback:" in text and "was missed" in text
    assert 'role="img"' in public.text
    csv = await client.get("/indicators/response-times/data.csv")
    assert csv.text.startswith("Year,Units,GeoCode,OBS_STATUS,Value\n2024-12,days,,,3\n")
    assert (await client.get("/indicators/response-times/data.json")).json()["indicator"]["slug"] == "response-times"
    spanish = await client.get("/indicators/response-times", headers={"Accept-Language": "es"})
    assert "Mediana de días" in spanish.text
    assert (await client.get("/indicators/nothing-here")).status_code == 404


async def test_residents_cannot_manage_indicators(client: httpx.AsyncClient) -> None:
    await make_indicator("lights")
    await signed_in_as(client, "resident")
    assert (await client.get("/council/indicators/lights")).status_code == 403
    assert (await post_form(client, "/council/indicators/lights/breaks", {"period": "2025"})).status_code == 403


async def test_a_series_break_form_keeps_what_was_typed(client: httpx.AsyncClient) -> None:
    await make_indicator("calls")
    await signed_in_as(client, "council")
    refused = await post_form(client, "/council/indicators/calls/breaks", {"period": "March", "note_en": "New"})
    assert refused.status_code == 400 and 'value="March"' in refused.text
    assert (await post_form(client, "/council/indicators/calls/breaks",
                            {"period": "2025-03", "note_en": "New counting"})).status_code == 303
    assert (await service.get_indicator("calls")).breaks[0].period == "2025-03"


async def test_a_resident_answers_once_and_sees_results_after_close(client: httpx.AsyncClient) -> None:
    hood = await make_neighborhood("Riverside")
    survey_id = await make_survey(question("likert", required=True), question("text"), neighborhood_id=hood)
    survey = await surveys.get_survey(survey_id)
    assert survey is not None
    likert, text = (q.id for q in survey.questions)
    anonymous = await client.get(f"/surveys/{survey_id}")
    assert "Sign in to answer" in anonymous.text
    await signed_in_as(client, neighborhood_id=hood)
    refused = await post_form(client, f"/surveys/{survey_id}", {f"q{text}": "Kept text"})
    assert refused.status_code == 400 and "Kept text" in refused.text
    sent = await post_form(client, f"/surveys/{survey_id}", {f"q{likert}": "4", f"q{text}": "Kept text"})
    assert sent.status_code == 303
    after = await client.get(f"/surveys/{survey_id}")
    assert "You have answered this survey" in after.text
    again = await post_form(client, f"/surveys/{survey_id}", {f"q{likert}": "2"})
    assert again.status_code == 303
    assert await surveys.response_count(survey_id) == 1
    await surveys.count(survey_id, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=9))
    # Counted with 1 response: no result is shown, not even the count of the one person.
    closed = text_of((await client.get(f"/surveys/{survey_id}")).text)
    assert "Fewer than 5 people answered, so no results are shown." in closed
    assert "Kept text" not in closed


async def test_council_writes_publishes_and_types_in_paper(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    now = dt.datetime.now(dt.UTC)
    made = await post_form(client, "/council/surveys/", {
        "title_en": "Feeling safe", "title_es": "Sentirse seguro",
        "opens_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")})
    assert made.status_code == 303
    url = made.headers["location"]
    bad = await post_form(client, f"{url}/questions", {"kind": "single", "text_en": "Do you feel safe?",
                                                      "options_en": "Yes"})
    assert bad.status_code == 400 and "Do you feel safe?" in bad.text
    added = await post_form(client, f"{url}/questions", {"kind": "single", "text_en": "Do you feel safe?",
                                                         "options_en": "Yes\nNo", "options_es": "Sí\nNo"})
    assert added.status_code == 303
    assert (await post_form(client, f"{url}/publish")).status_code == 303
    survey_id = int(url.rsplit("/", 1)[1])
    survey = await surveys.get_survey(survey_id)
    assert survey is not None and survey.state == "open"
    q = survey.questions[0].id
    assert (await post_form(client, f"{url}/paper", {f"q{q}": "1", "paper_language": "es"})).status_code == 303
    assert await surveys.response_count(survey_id) == 1
    spanish = await client.get(f"/surveys/{survey_id}", headers={"Accept-Language": "es"})
    assert "Sentirse seguro" in spanish.text


async def test_free_text_answers_are_inert_when_moderated_and_published(client: httpx.AsyncClient) -> None:
    from support import make_account
    from web.security.inert import active_content, shows_verbatim
    from web.security.xss_fields import PAYLOADS

    survey_id = await make_survey(question("text"))
    survey = await surveys.get_survey(survey_id)
    assert survey is not None
    for payload in PAYLOADS:
        person = await make_account()
        await surveys.respond(survey_id, person.id, {str(survey.questions[0].id): payload}, "en")
    await surveys.count(survey_id, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=9))
    await signed_in_as(client, "council")
    manage = await client.get(f"/council/surveys/{survey_id}")
    assert not active_content(manage.text)
    assert all(shows_verbatim(manage.text, p) for p in PAYLOADS)
    for answer in await surveys.text_answers(survey_id):
        assert (await post_form(client, f"/council/surveys/{survey_id}/texts/{answer.id}",
                                {"decision": "publish"})).status_code == 303
    public = await client.get(f"/surveys/{survey_id}")
    assert not active_content(public.text)
    assert all(shows_verbatim(public.text, p) for p in PAYLOADS)


async def test_the_api_and_the_dashboard_show_indicators_and_setbacks(client: httpx.AsyncClient) -> None:
    slug = await make_indicator("lit-streets", unit="percent", lower_is_better=False, target=90,
                                target_date=dt.date(2025, 6, 30))
    await service.import_csv(slug, "Year,Units,Value\n2024-06,percent,70\n2025-06,percent,65\n")
    listing = (await client.get("/api/v1/indicators")).json()
    mine = next(i for i in listing if i["slug"] == slug)
    assert (mine["latest_value"], mine["worsening"], mine["target_status"]) == (65, True, "missed")
    detail = (await client.get(f"/api/v1/indicators/{slug}")).json()
    assert [v["value"] for v in detail["values"]] == [70, 65]
    assert (await client.get("/api/v1/indicators/none-such")).status_code == 404
    dashboard = text_of((await client.get("/dashboard")).text)
    assert "Safety and trust" in dashboard and "Setback:" in dashboard and "was missed" in dashboard
    # The section is kept per rows read (issue 21): a new value shows at once.
    await service.import_csv(slug, "Year,Units,Value\n2026-06,percent,95\n")
    dashboard = text_of((await client.get("/dashboard")).text)
    assert "rose from 65% in Jun 2025 to 95% in Jun 2026" in dashboard, dashboard


async def test_editing_a_definition_keeps_what_was_typed(client: httpx.AsyncClient) -> None:
    await make_indicator("edit-me")
    await signed_in_as(client, "council")
    refused = await post_form(client, "/council/indicators/edit-me", {"name_en": "Calls answered", "unit": "days",
                                                                    "target": "two"})
    assert refused.status_code == 400 and 'value="Calls answered"' in refused.text and 'value="two"' in refused.text
    saved = await post_form(client, "/council/indicators/edit-me", {"name_en": "Calls answered", "unit": "percent",
                                                                  "target": "95.5"})
    assert saved.status_code == 303
    detail = await service.get_indicator("edit-me")
    assert (detail.indicator.name, detail.indicator.unit, detail.indicator.target) == ("Calls answered", "percent",
                                                                                       95.5)


async def test_council_chooses_verified_residents_and_residents_read_how_to_get_verified(
        client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    form = await client.get("/council/surveys/")
    assert '<select id="voters" name="voters">' in form.text and 'value="verified"' in form.text
    now = dt.datetime.now(dt.UTC)
    fields = {"title_en": "Trust in the safety board", "voters": "verified",
              "opens_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
              "closes_at": (now - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")}
    refused = await post_form(client, "/council/surveys/", fields)  # closes before it opens
    assert refused.status_code == 400 and '<option value="verified" selected>' in refused.text
    fields["closes_at"] = (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    made = await post_form(client, "/council/surveys/", fields)
    assert made.status_code == 303
    survey_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert (await surveys.get_survey(survey_id, drafts=True)).voters == "verified"  # type: ignore[union-attr]
    await post_form(client, f"/council/surveys/{survey_id}/questions", {"kind": "single", "text_en": "Do you trust it?",
                                                                       "options_en": "Yes\nNo"})
    assert (await post_form(client, f"/council/surveys/{survey_id}/publish")).status_code == 303
    await signed_in_as(client, "resident")
    page = await client.get(f"/surveys/{survey_id}", headers={"Accept-Language": "es"})
    assert 'href="/verification"' in page.text
    assert "residentes verificados" in text_of(page.text)


async def test_refused_manage_forms_keep_what_was_typed_in_the_users_language(client: httpx.AsyncClient) -> None:
    await signed_in_as(client, "council")
    client.cookies.set("lang", "es")
    published = await make_survey(question("single"))
    locked = await post_form(client, f"/council/surveys/{published}/questions", {
        "kind": "single", "text_en": "Do you walk at night?", "options_en": "Yes\nNo"})
    # (a stale form: a published survey's page has no question form left to show the message next to)
    assert locked.status_code == 400
    assert len((await surveys.get_survey(published)).questions) == 1  # type: ignore[union-attr]
    open_survey = await make_survey(question("single"))
    survey = await surveys.get_survey(open_survey)
    assert survey is not None
    q = survey.questions[0].id
    missing = await post_form(client, f"/council/surveys/{open_survey}/paper", {f"q{q}": "1", "paper_age_band": "x"})
    assert missing.status_code == 400 and await surveys.response_count(open_survey) == 0
    assert 'value="1" checked' in missing.text
    assert 'id="paper_language-error">Elige una opción.</p>' in missing.text


async def test_survey_results_csv_hides_what_the_page_hides(client: httpx.AsyncClient) -> None:
    import csv
    import io

    from support import make_account

    riverside, hillcrest = await make_neighborhood("Riverside"), await make_neighborhood("Hillcrest")
    survey_id = await make_survey(question("single", options=["Yes", "No", "Unsure"]), question("text"))
    survey = await surveys.get_survey(survey_id)
    assert survey is not None
    single, text = (q.id for q in survey.questions)
    # Yes 10, No 2, Unsure 3 of 15: No and Unsure are small, so both are hidden (2 + 3 >= 5).
    # Riverside: Yes 7, No 2; Hillcrest: Yes 3, Unsure 3.
    answers = [(riverside, 0)] * 7 + [(riverside, 1)] * 2 + [(hillcrest, 0)] * 3 + [(hillcrest, 2)] * 3
    for hood, choice in answers:
        person = await make_account(neighborhood_id=hood)
        await surveys.respond(survey_id, person.id, {str(single): [choice], str(text): "Lamps"}, "en")
    assert (await client.get(f"/surveys/{survey_id}/results.csv")).status_code == 404  # not counted yet
    await surveys.count(survey_id, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=9))
    page = await client.get(f"/surveys/{survey_id}")
    assert f'href="/surveys/{survey_id}/results.csv"' in page.text
    response = await client.get(f"/surveys/{survey_id}/results.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["question_id"] for r in rows} == {str(single)}  # free text has no figures
    total = [(r["answer"], r["people"], r["note"], r["percent"]) for r in rows if r["breakdown"] == "total"]
    assert total == [("", "15", "", ""), ("Yes", "10", "", "67"), ("No", "", "fewer_than_5", ""),
                     ("Unsure", "", "fewer_than_5", "")]
    # Every breakdown figure is the page's: hidden ones empty, with a note; no number the page hides.
    results = await surveys.results(survey_id)
    assert results is not None
    hidden = 0
    for dim, groups in results.questions[0].breakdowns.items():
        mine = [r for r in rows if r["breakdown"] == dim]
        expected = [(g.answered, *g.cells) for g in groups]
        got = [tuple(None if r["people"] == "" else int(r["people"]) for r in mine[i:i + 4])
               for i in range(0, len(mine), 4)]
        assert got == expected
        assert all(r["note"] == ("not_shown" if r["people"] == "" else "") for r in mine)
        hidden += sum(r["people"] == "" for r in mine)
    assert hidden  # Hillcrest's 3 "Unsure" at least
    hood_rows = {(r["group"], r["answer"]): r["people"] for r in rows if r["breakdown"] == "neighborhood"}
    assert hood_rows[("Hillcrest", "Unsure")] == "" and hood_rows[("Riverside", "No")] == ""

    # Fewer than 5 respondents: the page shows no results and the file no rows.
    few = await make_survey(question("single"))
    for _ in range(3):
        person = await make_account()
        await surveys.respond(few, person.id, {str((await surveys.get_survey(few)).questions[0].id): [0]}, "en")  # type: ignore[union-attr]
    await surveys.count(few, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=9))
    assert "results.csv" not in (await client.get(f"/surveys/{few}")).text
    assert (await client.get(f"/surveys/{few}/results.csv")).text == ",".join(
        ["question_id", "question", "breakdown", "group", "answer", "people", "note", "percent", "percent_low",
         "percent_high", "mean"]) + "\n"
