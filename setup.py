"""Build step for installed copies: `pip install .` (or a wheel) gets the compiled translation catalogs
and the templates and static files, which a checkout reads from the repository root."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithSite(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads everything from the checkout
        target = Path(self.build_lib) / "server"
        _compile_catalogs(ROOT / "server" / "locale", target / "locale")
        for folder in ("templates", "static"):
            destination = target / "site" / folder
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(ROOT / folder, destination)


def _compile_catalogs(source: Path, target: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parent.parent.name
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog)


setup(cmdclass={"build_py": BuildPyWithSite})
