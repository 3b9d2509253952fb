"""Contract checks of the API documentation files; no server needed.

- Sources/CompeteAPI/Resources/openapi.json is a valid OpenAPI 3.1 document whose references
  resolve, whose operations are complete (ids, tags, success and error responses), whose
  problem responses use the shared Problem schema, and whose examples match their schemas.
- Its set of `METHOD path` pairs is exactly the routes the server registers (the Swift tests
  compare the same document against the app's routes from the other side).
- "Mini Compete.postman_collection.json" is a Postman v2.1 collection whose every request uses
  {{baseUrl}}, asserts a status, and calls an operation (and status) the document describes.

Each check is a plain function that raises AssertionError, so it can be tried on altered data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_PATH = ROOT / "Sources" / "CompeteAPI" / "Resources" / "openapi.json"
POSTMAN_PATH = ROOT / "Mini Compete.postman_collection.json"

POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
KNOWN_TAGS = {"Auth", "Competitions", "Registration", "Me", "Webhooks", "Operations"}
PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_MEDIA = "application/problem+json"
# Error statuses whose body is not a problem: the health check reports itself in its own shape.
NON_PROBLEM_ERRORS = {("get", "/api/health", "503"): "#/components/schemas/Health"}
# Every stable error `code` the server emits (Sources/CompeteAPI/Problem.swift).
KNOWN_CODES = {
    "validation_failed", "email_taken", "invalid_credentials", "rate_limited", "unauthorized", "forbidden",
    "not_found", "already_registered", "competition_full", "registration_closed", "registration_not_open", "not_registered",
    "capacity_below_registered", "idempotency_key_invalid", "idempotency_key_reused",
    "idempotency_request_in_progress", "payload_too_large", "internal_error", "temporarily_unavailable",
    "questions_locked", "registration_not_pending",
}

# The routes the app registers (API.md, docs/api.md, Sources/CompeteAPI/*Controller.swift).
EXPECTED_OPERATIONS = {
    "POST /api/auth/signup",
    "POST /api/auth/login",
    "GET /api/auth/me",
    "POST /api/auth/logout",
    "GET /api/competitions",
    "POST /api/competitions",
    "GET /api/competitions/mine",
    "GET /api/competitions/{id}",
    "PATCH /api/competitions/{id}",
    "GET /api/competitions/{id}/registrations",
    "GET /api/competitions/{id}/calendar.ics",
    "POST /api/competitions/{id}/register",
    "DELETE /api/competitions/{id}/register",
    "PATCH /api/competitions/{id}/register",
    "POST /api/competitions/{id}/registrations/{registrationId}/approve",
    "POST /api/competitions/{id}/registrations/{registrationId}/decline",
    "GET /api/users/me/registrations",
    "GET /api/users/me/mailbox",
    "GET /api/users/me/preferences",
    "PATCH /api/users/me/preferences",
    "POST /api/mail/unsubscribe",
    "POST /api/webhooks",
    "GET /api/webhooks",
    "GET /api/webhooks/{id}",
    "DELETE /api/webhooks/{id}",
    "GET /api/webhooks/{id}/deliveries",
    "POST /api/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    "GET /api/health",
    "GET /api/openapi.json",
    "GET /api/docs",
    "GET /metrics",
}

REQUIRED_POSTMAN_VARIABLES = {"baseUrl", "organizerToken", "participantToken", "competitionId", "registrationId", "idempotencyKey"}
STATUS_ASSERTION = re.compile(r"pm\.response\.to\.have\.status\((\d{3})\)|pm\.expect\(pm\.response\.code\)\.to\.(?:eql|equal)\((\d{3})\)")


# ---- loading and walking ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(POSTMAN_PATH.read_text(encoding="utf-8"))


def operations(spec: dict):
    """Yields (method, path, path item, operation) for every operation."""
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, item, operation


def resolve_pointer(spec: dict, ref: str):
    assert ref.startswith("#/"), f"only local references are used, got {ref!r}"
    node = spec
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and token in node, f"unresolvable $ref {ref!r} (at {token!r})"
        node = node[token]
    return node


def deref(spec: dict, node):
    """Follows a chain of $ref until a concrete object."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref not in seen, f"$ref cycle at {ref}"
        seen.add(ref)
        node = resolve_pointer(spec, ref)
    return node


def walk(node, where="#"):
    """Yields (location, dict) for every object in a JSON tree."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def operation_parameters(spec: dict, item: dict, operation: dict) -> list[dict]:
    return [deref(spec, p) for p in item.get("parameters", []) + operation.get("parameters", [])]


def postman_requests(collection: dict):
    """Yields (name, item) for every request item, folders included, in run order."""
    def visit(items, prefix=""):
        for entry in items:
            if "item" in entry:
                yield from visit(entry["item"], prefix + entry.get("name", "") + " / ")
            else:
                yield prefix + entry.get("name", "?"), entry
    yield from visit(collection.get("item", []))


def postman_operation(item: dict) -> str:
    """`METHOD /path` with {{variables}} in path segments mapped to {id} ({registrationId} for a
    variable naming a registration, {deliveryId} for {{deliveryId}}); the query is dropped."""
    request = item["request"]
    url = request["url"]
    segments = url["path"] if isinstance(url, dict) else url.split("?")[0].split("/")[1:]

    def parameter(segment):
        if not re.fullmatch(r"\{\{\w+\}\}", segment):
            return segment
        if segment == "{{deliveryId}}":
            return "{deliveryId}"
        return "{registrationId}" if segment.lower().endswith("registrationid}}") else "{id}"

    mapped = [parameter(s) for s in segments]
    return f"{request['method'].upper()} /" + "/".join(mapped)


# ---- checks on the OpenAPI document -------------------------------------------------------------

def check_openapi_valid(spec: dict) -> None:
    assert spec.get("openapi") == "3.1.0", f"openapi must be 3.1.0, got {spec.get('openapi')!r}"
    try:
        validate(spec, cls=OpenAPIV31SpecValidator)
    except Exception as error:  # the validator's own error types vary between releases
        raise AssertionError(f"not a valid OpenAPI 3.1 document: {error}") from error


def check_refs_resolve(spec: dict) -> None:
    count = 0
    for where, node in walk(spec):
        ref = node.get("$ref")
        if isinstance(ref, str):
            count += 1
            try:
                resolve_pointer(spec, ref)
            except AssertionError as error:
                raise AssertionError(f"{where}: {error}") from None
    assert count > 0, "expected the document to use $ref"


def check_operations_complete(spec: dict) -> None:
    ids = {}
    schemes = set(spec.get("components", {}).get("securitySchemes", {}))
    for method, path, _, operation in operations(spec):
        name = f"{method.upper()} {path}"
        operation_id = operation.get("operationId")
        assert operation_id, f"{name} has no operationId"
        assert operation_id not in ids, f"operationId {operation_id!r} used by {ids.get(operation_id)} and {name}"
        ids[operation_id] = name
        assert operation.get("summary"), f"{name} has no summary"
        tags = operation.get("tags") or []
        assert tags and set(tags) <= KNOWN_TAGS, f"{name} tags {tags} not within {sorted(KNOWN_TAGS)}"
        statuses = set(operation.get("responses", {}))
        assert any(s.startswith("2") and len(s) == 3 for s in statuses), f"{name} documents no 2xx response"
        for requirement in operation.get("security", []):
            assert set(requirement) <= schemes, f"{name} uses undefined security scheme {requirement}"


def check_problem_responses(spec: dict) -> None:
    for method, path, _, operation in operations(spec):
        for status, raw in operation.get("responses", {}).items():
            name = f"{method.upper()} {path} {status}"
            response = deref(spec, raw)
            content = response.get("content", {})
            if not status.isdigit() or int(status) < 400:
                assert PROBLEM_MEDIA not in content, f"{name}: success responses are not problems"
                continue
            expected = NON_PROBLEM_ERRORS.get((method, path, status))
            if expected:
                assert content.get("application/json", {}).get("schema", {}).get("$ref") == expected, f"{name} should use {expected}"
                continue
            assert list(content) == [PROBLEM_MEDIA], f"{name}: error responses are {PROBLEM_MEDIA} only, got {list(content)}"
            media = content[PROBLEM_MEDIA]
            assert media.get("schema", {}).get("$ref") == PROBLEM_REF, f"{name} does not reference {PROBLEM_REF}"
            codes = response.get("x-problem-codes") or []
            assert codes, f"{name} lists no problem codes (x-problem-codes)"
            assert set(codes) <= KNOWN_CODES, f"{name}: unknown codes {set(codes) - KNOWN_CODES}"
            for code in codes:
                assert f"`{code}`" in response.get("description", ""), f"{name}: description does not mention `{code}`"
            illustrated = set()
            for example_name, example in media.get("examples", {}).items():
                value = deref(spec, example).get("value", {})
                assert value.get("code") in codes, f"{name}: example {example_name} has code {value.get('code')!r} not in {codes}"
                assert value.get("status") == int(status), f"{name}: example {example_name} has status {value.get('status')}"
                assert value.get("type") == f"https://mini-compete.dev/problems/{value.get('code')}", f"{name}: example {example_name} type"
                illustrated.add(value["code"])
            assert illustrated == set(codes), f"{name}: codes without an example: {set(codes) - illustrated}"


def check_status_coverage(spec: dict) -> None:
    """The statuses a fuzzer can provoke with arbitrary input are all documented."""
    for method, path, item, operation in operations(spec):
        name = f"{method.upper()} {path}"
        statuses = set(operation.get("responses", {}))
        params = operation_parameters(spec, item, operation)

        def codes(status):
            return set(deref(spec, operation["responses"][status]).get("x-problem-codes", [])) if status in statuses else set()

        if any("bearerAuth" in requirement for requirement in operation.get("security", [])):
            assert "401" in statuses and "unauthorized" in codes("401"), f"{name} is authenticated but lacks 401 unauthorized"
        if "requestBody" in operation:
            assert {"400", "413"} <= statuses, f"{name} takes a body but lacks 400/413"
            assert "payload_too_large" in codes("413"), f"{name}: 413 is payload_too_large"
        if any(p["in"] == "path" for p in params):
            assert "404" in statuses and "not_found" in codes("404"), f"{name} has a path id but lacks 404 not_found"
        if any(p["in"] == "query" for p in params if p["name"] != "format"):
            assert "validation_failed" in codes("400"), f"{name} has validated query parameters but lacks 400 validation_failed"
        if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in params):
            assert "idempotency_key_invalid" in codes("400"), f"{name}: 400 idempotency_key_invalid"
            assert "idempotency_request_in_progress" in codes("409"), f"{name}: 409 idempotency_request_in_progress"
            assert "Retry-After" in deref(spec, operation["responses"]["409"]).get("headers", {}), f"{name}: 409 carries Retry-After"
            assert "idempotency_key_reused" in codes("422"), f"{name}: 422 idempotency_key_reused"
            success = [s for s in statuses if s.startswith("2")]
            for status in success:
                headers = deref(spec, operation["responses"][status]).get("headers", {})
                assert "Idempotent-Replayed" in headers, f"{name} {status} lacks the Idempotent-Replayed header"
    login = spec["paths"]["/api/auth/login"]["post"]["responses"]
    assert "rate_limited" in deref(spec, login.get("429", {})).get("x-problem-codes", []), "login lacks 429 rate_limited"
    assert "Retry-After" in deref(spec, login["429"]).get("headers", {}), "login 429 lacks Retry-After"
    health = spec["paths"]["/api/health"]["get"]["responses"]
    assert {"200", "503"} <= set(health), "health documents 200 and 503"


def check_id_parameters(spec: dict) -> None:
    """A non-UUID id is answered 404, so the schema must not claim format: uuid."""
    seen = 0
    for method, path, item, operation in operations(spec):
        for param in operation_parameters(spec, item, operation):
            if param["in"] == "path":
                seen += 1
                assert param["name"] in ("id", "registrationId", "deliveryId") and f"{{{param['name']}}}" in path, f"{method.upper()} {path}: path parameter {param['name']}"
                schema = deref(spec, param["schema"])
                assert schema.get("type") == "string" and "format" not in schema, f"{method.upper()} {path}: id must be a plain string"
        for name in re.findall(r"\{(\w+)\}", path):
            assert any(p["in"] == "path" and p["name"] == name for p in operation_parameters(spec, item, operation)), \
                f"{method.upper()} {path}: {{{name}}} is not declared"
    assert seen, "expected path parameters"


def check_examples_match_schemas(spec: dict) -> None:
    """Every example (schema-level, media type, parameter, header, named) validates against its schema."""
    registry = Registry().with_resource("urn:openapi", Resource(contents=spec, specification=DRAFT202012))

    def check(schema, value, where):
        errors = sorted(Draft202012Validator(_rebase(schema), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(value), key=str)
        assert not errors, f"{where}: example does not match its schema: {errors[0].message} at {list(errors[0].absolute_path)}"

    count = 0
    for where, node in walk(spec.get("components", {}).get("schemas", {}), "#/components/schemas"):
        if isinstance(node.get("examples"), list):
            for index, value in enumerate(node["examples"]):
                check(node, value, f"{where}/examples/{index}")
                count += 1
    components = spec.get("components", {})
    for base, tree in [("#/paths", spec.get("paths", {})), ("#/components/responses", components.get("responses", {})),
                       ("#/components/headers", components.get("headers", {})), ("#/components/parameters", components.get("parameters", {}))]:
        for where, node in walk(tree, base):
            if "schema" not in node:
                continue
            if "example" in node:
                check(node["schema"], node["example"], where)
                count += 1
            if isinstance(node.get("examples"), dict):
                for key, example in node["examples"].items():
                    check(node["schema"], deref(spec, example)["value"], f"{where}/examples/{key}")
                    count += 1
    assert count > 20, f"expected many examples, checked only {count}"


def _rebase(schema):
    """Points the local $refs of a schema at the registered document."""
    if isinstance(schema, dict):
        return {k: ("urn:openapi" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def check_response_objects_closed(spec: dict) -> None:
    """Response objects say exactly what the server emits: closed, with accurate `required`."""
    schemas = spec["components"]["schemas"]
    optional = {("Registration", "position"), ("MyRegistration", "position"), ("Problem", "errors"), ("Problem", "opensAt"),
                ("MyRegistration", "declineReason"), ("Registrant", "declineReason"), ("Decision", "position"),
                ("Decision", "declineReason"), ("Question", "options"), ("Question", "maxLength"), ("Question", "min"),
                ("Question", "max"), ("Question", "allowedDomains"),
                ("QueueCheck", "outbox"), ("QueueCheck", "waiting"), ("QueueCheck", "active"),
                ("QueueCheck", "completed"), ("QueueCheck", "dead")}
    request_bodies = {"SignupRequest", "LoginRequest", "CompetitionCreate", "CompetitionPatch", "MailPreferencesPatch", "WebhookCreate",
                      "QuestionInput", "RegisterRequest", "AnswersChange", "DeclineRequest"}
    for name, schema in schemas.items():
        for where, node in walk(schema, name):
            if node.get("type") != "object" or "properties" not in node:
                continue
            if name in request_bodies:
                assert node.get("additionalProperties") is not False, f"{where}: the server ignores unknown request fields"
                continue
            assert node.get("additionalProperties") is False, f"{where}: response objects are closed"
            for prop in node["properties"]:
                expected_required = (name, prop) not in optional or where != name
                assert (prop in node.get("required", [])) == expected_required, \
                    f"{where}.{prop} should {'' if expected_required else 'not '}be required"


def check_operation_list(spec: dict) -> None:
    documented = {f"{method.upper()} {path}" for method, path, _, _ in operations(spec)}
    missing, extra = EXPECTED_OPERATIONS - documented, documented - EXPECTED_OPERATIONS
    assert not missing and not extra, f"missing {sorted(missing)}, undocumented by the app {sorted(extra)}"


# ---- checks on the Postman collection ----------------------------------------------------------

def check_postman_structure(collection: dict) -> None:
    assert collection.get("info", {}).get("schema") == POSTMAN_SCHEMA, "not a Postman v2.1 collection"
    assert collection["info"].get("name"), "collection has no name"
    variables = {v.get("key"): v.get("value") for v in collection.get("variable", [])}
    assert REQUIRED_POSTMAN_VARIABLES <= set(variables), f"missing variables {REQUIRED_POSTMAN_VARIABLES - set(variables)}"
    assert variables["baseUrl"] == "http://localhost:3001", "baseUrl defaults to the local API"
    assert len(list(postman_requests(collection))) >= 17, "expected the full journey of requests"


def check_postman_urls(collection: dict) -> None:
    for name, item in postman_requests(collection):
        url = item["request"]["url"]
        assert isinstance(url, dict), f"{name}: URL must be an object with raw, host and path"
        raw = url.get("raw", "")
        assert raw.startswith("{{baseUrl}}/"), f"{name}: URL {raw!r} does not start with {{{{baseUrl}}}}"
        assert url.get("host") == ["{{baseUrl}}"], f"{name}: host must be [{{{{baseUrl}}}}]"
        path = raw[len("{{baseUrl}}"):].split("?")[0]
        assert path == "/" + "/".join(url.get("path", [])), f"{name}: raw {raw!r} and path {url.get('path')} disagree"
        query = raw.split("?", 1)[1] if "?" in raw else ""
        listed = "&".join(f"{q['key']}={q.get('value', '')}" for q in url.get("query", []) if not q.get("disabled"))
        assert query == listed, f"{name}: raw query {query!r} and query list {listed!r} disagree"


def postman_test_statuses(item: dict) -> list[int]:
    exec_lines = []
    for event in item.get("event", []):
        if event.get("listen") == "test":
            script = event.get("script", {}).get("exec", [])
            exec_lines.extend(script if isinstance(script, list) else [script])
    text = "\n".join(exec_lines)
    return [int(a or b) for a, b in STATUS_ASSERTION.findall(text)] if "pm.test(" in text else []


def check_postman_tests(collection: dict) -> None:
    for name, item in postman_requests(collection):
        assert postman_test_statuses(item), f"{name}: no test script asserting the response status"


def check_postman_matches_openapi(collection: dict, spec: dict) -> None:
    documented = {f"{method.upper()} {path}": operation for method, path, _, operation in operations(spec)}
    for name, item in postman_requests(collection):
        operation = postman_operation(item)
        assert operation in documented, f"{name}: {operation} is not in the OpenAPI document"
        responses = documented[operation]["responses"]
        for status in postman_test_statuses(item):
            assert str(status) in responses, f"{name}: asserts {status}, which {operation} does not document"


# ---- the tests ---------------------------------------------------------------------------------

def test_openapi_is_valid_openapi_3_1(spec):
    check_openapi_valid(spec)


def test_every_ref_resolves(spec):
    check_refs_resolve(spec)


def test_operations_have_ids_tags_summaries_and_a_success(spec):
    check_operations_complete(spec)


def test_problem_responses_reference_the_problem_schema(spec):
    check_problem_responses(spec)


def test_statuses_a_fuzzer_can_provoke_are_documented(spec):
    check_status_coverage(spec)


def test_path_ids_are_plain_strings(spec):
    check_id_parameters(spec)


def test_examples_match_their_schemas(spec):
    check_examples_match_schemas(spec)


def test_response_objects_are_closed_and_required_is_accurate(spec):
    check_response_objects_closed(spec)


def test_documented_operations_are_exactly_the_app_routes(spec):
    check_operation_list(spec)


def test_postman_collection_is_v2_1_with_variables(collection):
    check_postman_structure(collection)


def test_postman_urls_use_base_url(collection):
    check_postman_urls(collection)


def test_postman_requests_assert_a_status(collection):
    check_postman_tests(collection)


def test_postman_requests_are_documented_operations(collection, spec):
    check_postman_matches_openapi(collection, spec)

