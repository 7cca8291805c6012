"""The OpenAPI 3 schema at /api/schema/ is valid, names every endpoint, and speaks Persian
where it describes fields; the documentation page is served with its files from the site."""

from __future__ import annotations

import json
import re

from openapi_spec_validator import validate

PERSIAN = re.compile(r"[\u0600-\u06ff]")
ENDPOINTS = {
    "/api/v1/commitments/": {"get"},
    "/api/v1/progress-entries/": {"get", "post"},
    "/api/v1/businesses/": {"get", "post"},
    "/api/v1/continuity-checks/": {"post"},
}


def _schema(client) -> dict:
    answer = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    return json.loads(answer.content)


def test_schema_is_valid_openapi_3_with_every_endpoint(client, db):
    schema = _schema(client)

    validate(schema)  # raises on anything that is not OpenAPI 3
    assert schema["openapi"].startswith("3.")
    found = {
        path: {m for m in ops if m in {"get", "post", "put", "patch", "delete"}}
        for path, ops in schema["paths"].items()
    }
    assert found == ENDPOINTS
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_schema_describes_fields_in_persian(client, db):
    schema = _schema(client)
    entry = schema["components"]["schemas"]["ProgressEntryInRequest"]["properties"]
    for name in ("commitment", "period_end", "jobs_created", "county", "sector", "credit_paid", "note"):
        assert PERSIAN.search(entry[name]["description"]), name
    post = schema["paths"]["/api/v1/progress-entries/"]["post"]
    assert PERSIAN.search(post["summary"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    assert {"201", "400", "401", "403", "404", "413", "422", "429"} <= set(post["responses"])


def test_docs_page_is_served_by_the_site(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    # Swagger UI's files from this site (drf-spectacular-sidecar), no CDN, no inline script or style.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "<style" not in html and re.search(r"<script>\s*\S", html) is None
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_every_operation_response_parameter_and_field_is_described_in_persian(client, db):
    """The documentation page (/api/docs/) is Swagger UI: its buttons are its own (English;
    it has no translations), everything it shows from the schema is Persian."""
    schema = _schema(client)
    missing = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            for key in ("summary", "description"):
                if not PERSIAN.search(op.get(key, "")):
                    missing.append(f"{where} {key}")
            missing += [f"{where} tag {tag}" for tag in op.get("tags", []) if not PERSIAN.search(tag)]
            missing += [
                f"{where} parameter {p['name']}"
                for p in op.get("parameters", [])
                if not PERSIAN.search(p.get("description", ""))
            ]
            missing += [
                f"{where} response {code}"
                for code, answer in op["responses"].items()
                if not PERSIAN.search(answer.get("description", ""))
            ]
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if not PERSIAN.search(spec.get("description", "")):
                missing.append(f"{name}.{field}")
    assert not missing, missing
