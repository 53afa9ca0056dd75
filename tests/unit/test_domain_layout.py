"""The layout's rules, checked on the source: the host names no domain except in the domain list,
dependencies point one way down that list, and no domain registers anything as an import side
effect (everything a domain contributes is in its manifest)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from server.domains import DOMAINS

ROOT = Path(__file__).resolve().parents[2]


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "piccolo_migrations" not in p.parts)


def _imported(path: Path) -> set[str]:
    """Every absolute module an import statement names, at any depth (inside functions too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_host_imports_no_domain() -> None:
    offending = [f"{path.relative_to(ROOT)} imports {module}"
                 for path in _modules("server") for module in sorted(_imported(path)) if _top(module) in DOMAINS]
    assert offending == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_dependencies_point_down_the_domain_list(domain: str) -> None:
    below = set(DOMAINS[DOMAINS.index(domain) + 1:])
    offending = [f"{path.relative_to(ROOT)} imports {module}"
                 for path in _modules(domain) for module in sorted(_imported(path)) if _top(module) in below]
    assert offending == []


def test_the_rule_catches_an_offender(tmp_path: Path) -> None:
    # The checks above read imports the way this one does; a host module importing a domain inside
    # a function is found.
    module = tmp_path / "sneaky.py"
    module.write_text("def f():\n    from ballots import service\n    import delivery.rules\n")
    assert {_top(m) for m in _imported(module)} == {"ballots", "delivery"}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_has_a_manifest_and_registers_nothing_at_import(domain: str) -> None:
    assert (ROOT / domain / "domain.py").is_file()
    calls = []
    for path in _modules(domain):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            # A module-level call to anything named register* is registration by import.
            if isinstance(node, ast.Module):
                for statement in node.body:
                    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                        func = statement.value.func
                        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                        if name.startswith("register"):
                            calls.append(f"{path.relative_to(ROOT)}: {name}")
                    for decorator in getattr(statement, "decorator_list", []):
                        name = ast.unparse(decorator)
                        if "register" in name:
                            calls.append(f"{path.relative_to(ROOT)}: @{name}")
    assert calls == []


def test_the_read_side_reads_through_services_only() -> None:
    # transparency/ puts the domains' answers side by side; reading their tables would mean deciding
    # their rules (what is public, what "on time" means) a second time.
    offending = [f"{path.relative_to(ROOT)} imports {module}"
                 for path in _modules("transparency") for module in sorted(_imported(path))
                 if _top(module) in DOMAINS and module.split(".")[-1] in ("tables", "rules")]
    assert offending == []


# One module each may import the job queue and the object store libraries (issue 22): domains declare
# jobs and tasks in their manifests and reach storage through server/photos.py.
ONLY_IMPORTER = {"pgqueuer": "server/queue.py", "obstore": "server/storage.py"}


def test_queue_and_storage_libraries_stay_behind_one_module_each() -> None:
    offending = [f"{path.relative_to(ROOT)} imports {module}"
                 for package in ["server", *DOMAINS] for path in _modules(package)
                 for module in sorted(_imported(path))
                 if _top(module) in ONLY_IMPORTER and str(path.relative_to(ROOT)) != ONLY_IMPORTER[_top(module)]]
    assert offending == []
