from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from server.migration_helpers import add_index, add_unique_index

ID = "2026-11-30T16:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indicators: one value per period, place and breakdown; surveys: one response per person"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="indicators", description=DESCRIPTION)
    # COALESCE: NULL (the whole city) is not equal to NULL in a unique index on either engine.
    add_unique_index(manager, "indicator_value_unique", "indicator_value",
                     ["indicator", "period", "COALESCE(neighborhood, 0)", "breakdown"])
    add_unique_index(manager, "series_break_unique", "series_break", ["indicator", "period"])
    add_unique_index(manager, "survey_participation_unique", "survey_participation", ["survey", "account"])
    add_index(manager, "survey_question_survey", "survey_question", ["survey", "position"])
    add_index(manager, "survey_tally_survey", "survey_tally", ["survey", "question"])
    add_index(manager, "survey_group_survey", "survey_group", ["survey", "question"])
    add_index(manager, "sealed_response_survey", "sealed_response", ["survey"])
    add_index(manager, "text_answer_survey", "text_answer", ["survey", "question", "status"])
    return manager
