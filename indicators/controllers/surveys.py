"""Survey pages: the list, answering (signed in, once, if the audience includes you), results with
small groups hidden; and the council's pages for writing, publishing, typing in paper responses
and moderating free-text answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from ballots.eligibility import AGE_BANDS
from indicators import texts
from indicators.surveys import audience, results_csv, service
from indicators.surveys.schemas import KINDS, Survey, parse_answers, parse_question, parse_survey
from server import clock, forms, i18n
from server.guards import requires_council, requires_signed_in
from server.i18n import gettext as _
from server.neighborhoods.service import active_neighborhoods

NO_STORE = {"Cache-Control": "no-store"}
LANGUAGE_NAMES = {"en": "English", "es": "Español", "ar": "العربية"}


def refusal_text(reason: str, survey: Survey) -> str:
    if reason == "unconfirmed":
        return _("To answer, first confirm your e-mail address: open the link we sent you, or ask for a new "
                 "one on your account page.")
    if reason == "not_verified":
        return _("This survey is for verified residents. You can match yourself on the eligibility roll from "
                 "your account page, or be verified in person by council staff or a partner organisation.")
    if reason == "wrong_neighborhood":
        return _("This survey is for residents of %(name)s.", name=survey.neighborhood_name)
    return _("This survey is for people of another age group.")


def dimension_labels() -> dict[str, str]:
    return {"neighborhood": _("By neighborhood"), "age": _("By age"), "language": _("By language"),
            "channel": _("Online or on paper")}


async def group_names() -> dict[str, dict[str, str]]:
    return {"neighborhood": await service.group_labels(), "language": LANGUAGE_NAMES,
            "channel": {"online": _("Online"), "paper": _("On paper")}}


class SurveyController(Controller):
    path = "/surveys"
    include_in_schema = False

    @get("/", name="surveys.list")
    async def list_surveys(self) -> Template:
        return Template("surveys/list.html", context={"surveys": await service.list_surveys()})

    async def _page(self, request: Request[Any, Any, Any], survey_id: int, errors: forms.Errors | None = None,
                    typed: dict[str, list[str]] | None = None, status: int = 200) -> Template:
        survey = await service.get_survey(survey_id)
        if survey is None:
            raise NotFoundException()
        viewer = request.user
        standing = await service.standing(survey, viewer.id if viewer else None)
        results = await service.results(survey_id) if survey.counted else None
        return Template("surveys/page.html", status_code=status, headers=NO_STORE, context={
            "survey": survey, "standing": standing, "errors": errors or {}, "typed": typed or {},
            "refusal": refusal_text(standing.reason, survey) if standing.kind == "ineligible" else "",
            "results": results, "dimensions": dimension_labels(), "group_names": await group_names(),
            "responses": await service.response_count(survey_id),
        })

    @get("/{survey_id:int}", name="surveys.page")
    async def page(self, request: Request[Any, Any, Any], survey_id: FromPath[int]) -> Template:
        return await self._page(request, survey_id)

    @get("/{survey_id:int}/results.csv", name="surveys.results_csv", cache=False)
    async def results_download(self, survey_id: FromPath[int]) -> Response[str]:
        """The results page's figures as CSV (small groups hidden just as there); 404 until counted."""
        results = await service.results(survey_id)
        if results is None:
            raise NotFoundException()
        return Response(results_csv.write(results, await group_names(), _("Not given")),
                        media_type="text/csv; charset=utf-8", headers={
                            "Content-Disposition": f'attachment; filename="townsquare-survey-{survey_id}-results.csv"'})

    @post("/{survey_id:int}", name="surveys.respond", guards=[requires_signed_in])
    async def respond(self, request: Request[Any, Any, Any], survey_id: FromPath[int]) -> Template | Redirect:
        survey = await service.get_survey(survey_id)
        if survey is None:
            raise NotFoundException()
        answers, errors, typed = parse_answers(survey.questions, await forms.read_form_lists(request))
        if errors:
            return await self._page(request, survey_id, errors, typed, status=400)
        try:
            await service.respond(survey_id, request.user.id, answers, i18n.get_locale())
        except service.AlreadyAnswered:
            flash(request, _("You have already answered this survey. Thank you!"), "info")
        except (service.NotOpen, service.Ineligible):
            return await self._page(request, survey_id, status=403)
        else:
            flash(request, _("Thank you! Your answers are recorded without your name."), "success")
        return Redirect(f"/surveys/{survey_id}", status_code=HTTP_303_SEE_OTHER)


class CouncilSurveyController(Controller):
    path = "/council/surveys"
    guards = [requires_council]
    include_in_schema = False

    async def _list(self, errors: forms.Errors | None = None, form: dict[str, str] | None = None,
                    status: int = 200) -> Template:
        return Template("surveys/council.html", status_code=status, context={
            "surveys": await service.list_surveys(drafts=True), "errors": errors or {}, "form": form or {},
            "neighborhoods": await active_neighborhoods(), "zone": clock.zone_name(),
            "voter_choices": list(audience.VOTERS.items()),
        })

    @get("/", name="surveys.council")
    async def overview(self) -> Template:
        return await self._list()

    @post("/", name="surveys.create")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        hoods = {h.id for h in await active_neighborhoods()}
        data, errors = parse_survey(form, hoods)
        if data is None:
            return await self._list(errors, form, status=400)
        survey_id = await service.create_survey(data, request.user.id)
        flash(request, _("Survey drafted. Add its questions, then publish it."), "success")
        return Redirect(f"/council/surveys/{survey_id}", status_code=HTTP_303_SEE_OTHER)

    async def _manage(self, survey_id: int, *, errors: forms.Errors | None = None,
                      form: dict[str, str] | None = None, paper_errors: forms.Errors | None = None,
                      paper_typed: dict[str, list[str]] | None = None, paper_form: dict[str, str] | None = None,
                      status: int = 200) -> Template:
        survey = await service.get_survey(survey_id, drafts=True)
        if survey is None:
            raise NotFoundException()
        return Template("surveys/manage.html", status_code=status, headers=NO_STORE, context={
            "survey": survey, "errors": errors or {}, "form": form or {"kind": "single", "scale": "5"},
            "kinds": [(k, _(label)) for k, label in KINDS.items()], "languages": texts.LANGUAGES,
            "paper_errors": paper_errors or {}, "typed": paper_typed or {}, "paper_form": paper_form or {},
            "neighborhoods": await active_neighborhoods(), "bands": [b for b, _low, _high in AGE_BANDS],
            "language_names": LANGUAGE_NAMES, "responses": await service.response_count(survey_id),
            "text_answers": await service.text_answers(survey_id) if survey.counted else [],
            "question_text": {q.id: q.text for q in survey.questions},
        })

    async def _manage_step(self, request: Request[Any, Any, Any], errors: forms.Errors,
                           call: Callable[[], Awaitable[Any]], refusals: dict[type[Exception], tuple[str, str]],
                           again: Callable[[forms.Errors], Awaitable[Template]], done: str,
                           to: str) -> Template | Redirect:
        """One form of the manage page, once parsed: when it is valid, `call` the service, whose
        refusals (`refusals`: exception -> the field the message goes next to, and the message) join
        the parse errors; with errors, `again` shows the page with them and what was typed (status 400),
        otherwise `done` is flashed and the browser goes `to`."""
        if not errors:
            try:
                await call()
            except service.NotFound as exc:
                raise NotFoundException() from exc
            except tuple(refusals) as exc:
                field, message = next(v for kind, v in refusals.items() if isinstance(exc, kind))
                errors = {field: message}
        if errors:
            return await again(errors)
        flash(request, done, "success")
        return Redirect(to, status_code=HTTP_303_SEE_OTHER)

    @get("/{survey_id:int}", name="surveys.manage")
    async def manage(self, survey_id: FromPath[int]) -> Template:
        return await self._manage(survey_id)

    @post("/{survey_id:int}/questions", name="surveys.add_question")
    async def add_question(self, request: Request[Any, Any, Any], survey_id: FromPath[int]) -> Template | Redirect:
        form = await forms.read_form(request)
        data, errors = parse_question(form)
        return await self._manage_step(
            request, errors, lambda: service.add_question(survey_id, data),  # type: ignore[arg-type]
            {service.Locked: ("kind", _("A published survey's questions cannot change."))},
            lambda errors: self._manage(survey_id, errors=errors, form=form, status=400),
            _("Question added."), f"/council/surveys/{survey_id}")

    @post("/{survey_id:int}/publish", name="surveys.publish")
    async def publish(self, request: Request[Any, Any, Any], survey_id: FromPath[int]) -> Template | Redirect:
        survey = await service.get_survey(survey_id, drafts=True)
        if survey is None:
            raise NotFoundException()
        if not survey.questions:
            return await self._manage(survey_id, errors={"kind": _("Add a question before publishing.")},
                                      status=400)
        await service.publish(survey_id)
        flash(request, _("Survey published."), "success")
        return Redirect(f"/council/surveys/{survey_id}", status_code=HTTP_303_SEE_OTHER)

    @post("/{survey_id:int}/paper", name="surveys.paper")
    async def paper(self, request: Request[Any, Any, Any], survey_id: FromPath[int]) -> Template | Redirect:
        survey = await service.get_survey(survey_id, drafts=True)
        if survey is None:
            raise NotFoundException()
        lists = await forms.read_form_lists(request)
        single = {k: (v[-1] if v else "") for k, v in lists.items()}
        answers, errors, typed = parse_answers(survey.questions, lists)
        hoods = {str(h.id) for h in await active_neighborhoods()}
        hood = forms.choice(single, "paper_neighborhood", errors, hoods, required=False)
        band = forms.choice(single, "paper_age_band", errors, [b for b, _low, _high in AGE_BANDS], required=False)
        language = forms.choice(single, "paper_language", errors, texts.LANGUAGES)
        return await self._manage_step(
            request, errors,
            lambda: service.enter_paper(survey_id, answers, int(hood) if hood else None, band, language),
            {service.NotOpen: ("paper_language", _("Paper responses are typed in while the survey is open."))},
            lambda errors: self._manage(survey_id, paper_errors=errors, paper_typed=typed, paper_form=single,
                                        status=400),
            _("Paper response recorded."), f"/council/surveys/{survey_id}#paper")

    @post("/{survey_id:int}/texts/{answer_id:str}", name="surveys.moderate")
    async def moderate(self, request: Request[Any, Any, Any], survey_id: FromPath[int],
                       answer_id: FromPath[str]) -> Redirect:
        form = await forms.read_form(request)
        if not await service.moderate(survey_id, answer_id, form.get("decision") == "publish"):
            raise NotFoundException()
        flash(request, _("Answer published.") if form.get("decision") == "publish" else _("Answer kept private."),
              "success")
        return Redirect(f"/council/surveys/{survey_id}#texts", status_code=HTTP_303_SEE_OTHER)
