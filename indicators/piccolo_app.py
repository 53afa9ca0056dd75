from pathlib import Path

from piccolo.conf.apps import AppConfig

from indicators.surveys.tables import (
    SealedResponse,
    Survey,
    SurveyGroup,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTally,
    TextAnswer,
)
from indicators.tables import Indicator, IndicatorValue, SeriesBreak

APP_CONFIG = AppConfig(
    app_name="indicators",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Indicator, IndicatorValue, SeriesBreak, Survey, SurveyQuestion, SurveyParticipation,
                   SealedResponse, SurveyResponse, TextAnswer, SurveyTally, SurveyGroup],
    migration_dependencies=["server.piccolo_app"],
    commands=[],
)
