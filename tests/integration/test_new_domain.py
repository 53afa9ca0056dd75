"""Adding a domain is one folder and one line: a domain written here, in a temporary folder, and
added to the domain list gets its routes, header link, demo step and migrations, without any other
file changing."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import httpx
import pytest
from fresh_databases import ENGINES, empty_database

from server import domains
from server.database import engine_from_url, migrate

FILES = {
    "__init__.py": '"""Community gardens: a domain made by a test."""\n',
    "tables.py": """
        from piccolo.columns import Varchar
        from piccolo.table import Table


        class Garden(Table):
            name = Varchar(length=100)
        """,
    "piccolo_app.py": """
        from pathlib import Path

        from piccolo.conf.apps import AppConfig

        from gardens.tables import Garden

        APP_CONFIG = AppConfig(
            app_name="gardens",
            migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
            table_classes=[Garden],
            migration_dependencies=["server.piccolo_app"],
            commands=[],
        )
        """,
    "piccolo_migrations/__init__.py": "",
    "piccolo_migrations/gardens_2026_12_01t00_00_00_000000.py": """
        from piccolo.apps.migrations.auto.migration_manager import MigrationManager
        from piccolo.columns.column_types import Varchar

        ID = "2026-12-01T00:00:00:000000"
        VERSION = "1.38.0"
        DESCRIPTION = "Gardens"


        async def forwards():
            manager = MigrationManager(migration_id=ID, app_name="gardens", description=DESCRIPTION)
            manager.add_table(class_name="Garden", tablename="garden", schema=None, columns=None)
            manager.add_column(table_class_name="Garden", tablename="garden", column_name="name",
                               db_column_name="name", column_class_name="Varchar", column_class=Varchar,
                               params={"length": 100, "default": "", "null": False, "primary_key": False,
                                       "unique": False, "index": False, "index_method": None, "choices": None,
                                       "db_column_name": None, "secret": False},
                               schema=None)
            return manager
        """,
    "controllers.py": """
        from litestar import Controller, get

        from gardens.tables import Garden


        class GardenController(Controller):
            path = "/gardens"

            @get("/")
            async def index(self) -> str:
                rows = await Garden.select(Garden.name).order_by(Garden.name)
                return ", ".join(r["name"] for r in rows) or "no gardens"
        """,
    "domain.py": """
        from server.domains import Domain


        def manifest() -> Domain:
            from gardens.controllers import GardenController
            from gardens.tables import Garden
            from server.navigation import NavItem

            async def plant(ctx) -> None:
                await Garden.insert(Garden(name="Riverside allotments"))

            return Domain(
                name="gardens",
                routes=[GardenController],
                piccolo_apps=["gardens.piccolo_app"],
                demo_steps=[("Community gardens", plant)],
                navigation=[NavItem("/gardens", "Gardens", order=70)],
                stylesheets=["css/site.css?gardens"],
            )
        """,
}


@pytest.fixture
def gardens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The folder, and the one line: the domain list with "gardens" at its end."""
    root = tmp_path / "domains"
    for name, text in FILES.items():
        path = root / "gardens" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setattr(domains, "DOMAINS", [*domains.DOMAINS, "gardens"])
    domains.use(None)
    yield
    domains.use(None)
    for module in [m for m in sys.modules if m == "gardens" or m.startswith("gardens.")]:
        del sys.modules[module]


@pytest.mark.parametrize("kind", ENGINES)
async def test_a_new_domain_gets_routes_navigation_demo_and_migrations(gardens, kind: str, tmp_path: Path) -> None:
    from server.app import create_app
    from server.demo import DemoContext
    from server.settings import load_settings

    async with empty_database(kind, tmp_path) as url:
        engine = engine_from_url(url)
        await migrate(engine)  # every app's migrations, the new domain's included
        from gardens.tables import Garden

        assert await Garden.table_exists()
        steps = dict(domains.registry().demo_steps)
        assert list(steps)[-1] == "Community gardens"
        await steps["Community gardens"](DemoContext())

        settings = load_settings({"TOWNSQUARE_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": url,
                                  "SECRET_KEY": "test-secret-key-that-is-long-enough-for-csrf-0123456789"})
        app = create_app(settings, engine=engine, run_jobs=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            page = await client.get("/gardens")
            assert page.status_code == 200
            assert page.text == "Riverside allotments"
            home = await client.get("/")
            assert home.status_code == 200
            assert 'href="/gardens"' in home.text
            assert "/static/css/site.css?gardens" in home.text  # its stylesheet is linked from every page


async def test_the_domain_list_alone_decides(gardens) -> None:
    # Without its line in the list, the folder is inert: the host knows nothing of it.
    domains.DOMAINS.remove("gardens")
    domains.use(None)
    registry = domains.registry()
    assert "gardens.piccolo_app" not in registry.piccolo_apps
    assert all(item.href != "/gardens" for item in registry.navigation)
    assert "gardens" not in sys.modules
