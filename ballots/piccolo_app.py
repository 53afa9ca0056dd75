from pathlib import Path

from piccolo.conf.apps import AppConfig

from ballots.tables import (
    AccessCode,
    Ballot,
    BallotCandidate,
    BallotChange,
    BoothCheckIn,
    CastBallot,
    CodeBatch,
    PaperSheet,
    Participation,
    SealedBallot,
    TurnoutCount,
)

APP_CONFIG = AppConfig(
    app_name="ballots",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[Ballot, BallotCandidate, BallotChange, AccessCode, Participation, CastBallot, PaperSheet,
                   SealedBallot, TurnoutCount, CodeBatch, BoothCheckIn],
    migration_dependencies=["server.piccolo_app", "proposals.piccolo_app"],
    commands=[],
)
