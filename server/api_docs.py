"""The open data API's documentation, rendered on the server from its own OpenAPI schema.

Ready-made documentation sites (Swagger UI, Redoc, Scalar) load their scripts and fonts from other
hosts and start with inline scripts, which the site's Content Security Policy refuses: /api/schema
was a blank page. This page needs no script at all, so it reads the same with JavaScript off."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin, YamlRenderPlugin
from litestar.response import Template

SCHEMA_PATH = "/api/schema"
METHODS = ("get", "post", "put", "patch", "delete")


class Parameter(msgspec.Struct, frozen=True):
    name: str
    where: str
    required: bool
    type: str
    description: str


class Operation(msgspec.Struct, frozen=True):
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    returns: str
    anchor: str


def _type_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "oneOf" in schema or "anyOf" in schema:
        return " | ".join(_type_name(s) for s in schema.get("oneOf") or schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_type_name(schema.get('items', {}))}]"
    return str(schema.get("type", ""))


def operations(schema: dict[str, Any]) -> list[Operation]:
    """Every operation in the schema, in path order: pure, from the schema's dictionary."""
    found: list[Operation] = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            if (op := item.get(method)) is None:
                continue
            ok = op.get("responses", {}).get("200", {})
            body = next(iter(ok.get("content", {}).values()), {}).get("schema", {})
            found.append(Operation(
                method=method.upper(), path=path, summary=op.get("summary", ""),
                description=op.get("description", ""),
                parameters=[Parameter(p["name"], p.get("in", ""), bool(p.get("required")),
                                      _type_name(p.get("schema", {})), p.get("description", ""))
                            for p in op.get("parameters", [])],
                returns=_type_name(body), anchor=op.get("operationId", f"{method}-{path}"),
            ))
    return found


def docs_template(request: Request[Any, Any, Any]) -> Template:
    schema = request.app.openapi_schema.to_schema()
    return Template("api/docs.html", context={
        "operations": operations(schema), "schema_path": SCHEMA_PATH,
        "api_title": schema.get("info", {}).get("title", ""), "api_version": schema.get("info", {}).get("version", ""),
    })


class DocsRenderPlugin(OpenAPIRenderPlugin):
    """The page at /api/schema: the site's own template, so its header, language and styles."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        template = docs_template(request)
        engine = request.app.template_engine
        assert engine is not None
        return engine.get_template(template.template_name).render(
            **template.create_template_context(request)).encode()


RENDER_PLUGINS = [DocsRenderPlugin(), JsonRenderPlugin(), YamlRenderPlugin()]
