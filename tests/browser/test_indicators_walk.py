"""Issue 19's walk: a resident answers a survey on a phone in Spanish, then reads an indicator page
that states its setback plainly; with JavaScript on and off, at 360 px without sideways scrolling."""

from __future__ import annotations

import pytest
from browser import steps
from browser.helpers import NARROW, horizontal_overflow, sign_in_ui, widest_elements
from browser.steps import Walk

pytestmark = [pytest.mark.browser, pytest.mark.walk]


@pytest.fixture(params=["js", "nojs"])
def walk(request: pytest.FixtureRequest, shots) -> Walk:
    javascript = request.param == "js"
    page = request.getfixturevalue("page" if javascript else "page_nojs")
    page.set_viewport_size(NARROW)
    return Walk(page, shots, javascript=javascript)


def fits_the_phone(walk: Walk, where: str) -> None:
    overflow = horizontal_overflow(walk.page)
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px: {widest_elements(walk.page)}"


def answer_the_open_survey_in_spanish(walk: Walk) -> None:
    page = walk.page
    page.goto("/surveys")
    page.get_by_role("link", name="Consulta sobre el alumbrado").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Consulta sobre el alumbrado").count() == 1
    fits_the_phone(walk, "the survey form")
    walk.done("survey form in Spanish")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Sí", exact=True).check()
    page.get_by_label("¿Algo más que quiera decir al ayuntamiento?").fill("La farola de mi calle parpadea.")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.wait_for_load_state()
    assert page.get_by_text("¡Gracias! Sus respuestas se han registrado sin su nombre.").count() == 1
    assert page.get_by_text("Ha respondido a esta encuesta.", exact=False).count() == 1
    fits_the_phone(walk, "the survey after answering")
    walk.done("survey answered")


def read_an_indicator_with_its_setback(walk: Walk) -> None:
    page = walk.page
    page.goto("/indicators")
    page.get_by_role("link", name="Mediana de días hasta la primera respuesta a avisos no urgentes").click()
    page.wait_for_load_state()
    summary = page.locator(".indicator-summary").first.text_content() or ""
    assert "Retroceso:" in summary and "No se alcanzó el objetivo" in summary, summary
    assert page.locator("svg[role=img]").count() >= 2  # the line over time and the bars per neighborhood
    # Every chart's numbers are a table too (inside a details element, opened without JavaScript).
    page.locator("details.chart-data summary").first.click()
    assert page.locator("details.chart-data table").first.is_visible()
    fits_the_phone(walk, "the indicator page")
    walk.done("indicator with its setback")


def test_a_resident_answers_a_survey_on_a_phone_in_spanish_and_reads_a_setback(walk: Walk) -> None:
    # A different demo resident for each run: one response per person, and the server lives on.
    sign_in_ui(walk.page, "resident" if walk.javascript else "neighbor")
    steps.change_language(walk, "es")
    try:
        answer_the_open_survey_in_spanish(walk)
        read_an_indicator_with_its_setback(walk)
    finally:
        # The choice is saved on the shared demo account: give it back in English, as other walks
        # (the assemblies walk signs in as the same resident) expect to find it.
        steps.change_language(walk, "en")
