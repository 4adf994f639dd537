"""Every JSON write operation of the OpenAPI schema, sent bodies no generator would write.

Schemathesis (``test_schemathesis.py``) generates bodies from the schema: they are JSON of
about the declared shape. Here each write operation gets what a hostile or careless client
sends instead: malformed JSON, JSON that is not an object, the wrong content type, a body over
the limit, one without a length, one nested too deeply for the parser, and a number in each
string field. None may be a 5xx, each is the API's error shape, and nothing is stored.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator

from annotations.models import ClaimMatch, Comment, FactCheck, Item
from integrations.models import WebhookSubscription
from tests.factories import ItemFactory, article_with_revision

pytestmark = pytest.mark.django_db
BODY = "Unemployment fell to 4.1 percent in June, the statistics office said on Monday."
WRITE_METHODS = ("post", "put", "patch")
LIMIT = 10_000


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_write_operations() -> list[tuple[str, str, dict]]:
    schema = _schema()
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in WRITE_METHODS and "application/json" in (operation.get("requestBody") or {}).get("content", {})
    ]


OPERATIONS = _json_write_operations()


def _string_properties(operation: dict) -> list[str]:
    components = _schema()["components"]["schemas"]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in body_schema:
        body_schema = components[body_schema["$ref"].rsplit("/", 1)[-1]]
    return sorted(
        name for name, spec in body_schema.get("properties", {}).items()
        if spec.get("type") == "string" and not spec.get("readOnly")
    )


@pytest.fixture
def targets(editor):
    """One object of each kind the write paths name, so that ``{id}`` is found and the body is read."""
    cache.clear()
    article = article_with_revision(body=BODY)
    revision = article.current_revision
    claim = ItemFactory(revision=revision, kind=Item.Kind.CLAIM, start=0, length=12)
    quote = ItemFactory(revision=revision, kind=Item.Kind.QUOTE, start=13, length=10)
    comment = Comment.objects.create(item=claim, author=editor, body="Source?")
    webhook = WebhookSubscription.objects.create(url="https://hooks.example.org/in", events=[], created_by=editor)
    check = FactCheck.objects.create(source="imported", claim_text="Unemployment fell.", review_url="https://c.example/1")
    matches = {kind: ClaimMatch.objects.create(item=item, factcheck=check, score=0.9) for kind, item in
               (("claims", claim), ("quotes", quote))}
    return {"articles": article, "claims": claim, "quotes": quote, "comments": comment, "webhooks": webhook,
            "matches": matches}


def _url(path: str, targets: dict) -> str:
    resource = path.split("/")[3]
    url = path.replace("{id}", str(targets[resource].pk))
    if "{match_id}" in url:  # the match of this claim or quote
        url = url.replace("{match_id}", str(targets["matches"][resource].pk))
    assert "{" not in url, f"{path}: give the fixture `targets` an object for each path parameter"
    return url


def _headers(path: str, targets: dict) -> dict:
    resource = path.split("/")[3]
    target = targets[resource]
    return {"HTTP_IF_MATCH": f'"{Item.objects.get(pk=target.pk).version}"'} if isinstance(target, Item) else {}


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("annotations", "integrations")
        for model in apps.get_app_config(app).get_models()
    }


def _nested(depth: int) -> bytes:
    return ('{"text": ' + "[" * depth + "]" * depth + "}").encode()


BAD_BODIES = {
    "malformed JSON": (b'{"text": "unterminated', "application/json", {}, {400}),
    "not an object": (b'["text"]', "application/json", {}, {400}),
    "JSON null": (b"null", "application/json", {}, {400}),
    "NaN": (b'{"text": NaN}', "application/json", {}, {400}),
    "not UTF-8": ('{"text": "caf\xe9"}'.encode("latin-1"), "application/json", {}, {400}),
    "form content type": (b"text=hello", "application/x-www-form-urlencoded", {}, {415}),
    "XML content type": (b"<text>hello</text>", "application/xml", {}, {415}),
    "over the size limit": (b'{"text": "' + b"a" * (LIMIT + 1) + b'"}', "application/json", {}, {413}),
    "chunked, no length": (b'{"text": "x"}', "application/json",
                           {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"}, {411}),
    "nested 4,000 deep": (_nested(4_000), "application/json", {}, {400}),
    "nested 40 deep": (_nested(40), "application/json", {}, {400}),
}


@pytest.mark.attack(
    "API bodies", "malformed, non-object, wrong type, oversized, chunked, deeply nested bodies to every JSON write",
    "4xx in the error shape, nothing stored, no 5xx",
)
@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_every_json_write_refuses_hostile_bodies_without_5xx_and_stores_nothing(
    editor_client, targets, settings, method, path, operation
):
    settings.ARTICLE_MAX_REQUEST_BYTES = LIMIT
    settings.API_THROTTLE_RATES = {}
    url, headers = _url(path, targets), _headers(path, targets)
    before = _rows()
    answers = {}
    for name, (body, content_type, extra, expected) in BAD_BODIES.items():
        if name == "not an object" and path.endswith("/annotations/"):
            expected = {200}  # a list of annotations is what the import takes: each one reported failed
        response = editor_client.generic(method, url, body, content_type=content_type, **headers, **extra)
        answers[name] = response.status_code
        assert response.status_code in expected, f"{name}: {response.status_code} {response.content[:300]!r}"
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message", "fields"}, f"{name}: not the error shape"
    assert _rows() == before, f"a refused body stored something: {answers}"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_every_string_field_of_every_json_write_refuses_a_number(
    editor_client, targets, settings, method, path, operation
):
    settings.API_THROTTLE_RATES = {}
    url, headers = _url(path, targets), _headers(path, targets)
    before = _rows()
    for name in _string_properties(operation):
        body = json.dumps({name: 123})
        response = editor_client.generic(method, url, body, content_type="application/json", **headers)

        assert response.status_code == 400, f"{name}=123: {response.status_code} {response.content[:300]!r}"
        assert name in response.json()["error"]["fields"], response.json()  # "Not a valid string.", or the
        # date's or the username's own refusal for the string fields that are not free text
    assert _rows() == before
