"""Every write endpoint against every role, and anonymous access: who may do what."""

from __future__ import annotations

import pytest

from tests.factories import article_with_revision
from tests.support.desk import BODY, SENTENCE_1, item_on

ALLOWED = "allowed"
# endpoint -> the weakest role allowed (anonymous is always 401, a weaker role 403)
WRITES = [
    ("post", "/api/v1/articles/", lambda a, c: {"text": "A new article about 5 things."}, "editor"),
    ("patch", "/api/v1/articles/{a}/", lambda a, c: {"blind_review": True}, "editor"),
    ("post", "/api/v1/articles/{a}/assign/", lambda a, c: {"assignee": None}, "editor"),
    ("post", "/api/v1/articles/{a}/publish/", lambda a, c: None, "editor"),
    ("post", "/api/v1/claims/", lambda a, c: {"article": a.pk, "start": 0, "end": 12}, "reviewer"),
    ("patch", "/api/v1/claims/{c}/", lambda a, c: {"start": 0, "end": 12}, "editor"),
    ("post", "/api/v1/claims/{c}/reviews/", lambda a, c: {"verdict": "correct"}, "reviewer"),
    ("post", "/api/v1/claims/{c}/resolve/", lambda a, c: {"status": "correct"}, "editor"),
    ("post", "/api/v1/claims/{c}/assign/", lambda a, c: {"assignee": None}, "editor"),
    ("post", "/api/v1/claims/{c}/dismiss/", lambda a, c: {"reason": "Opinion."}, "reviewer"),
    ("post", "/api/v1/claims/{c}/comments/", lambda a, c: {"body": "Source?"}, "reviewer"),
    ("post", "/api/v1/quotes/", lambda a, c: {"article": a.pk, "start": 0, "end": 12}, "reviewer"),
]
READS = [
    "/api/v1/articles/", "/api/v1/articles/{a}/", "/api/v1/articles/{a}/claims/", "/api/v1/claims/",
    "/api/v1/claims/{c}/", "/api/v1/claims/{c}/reviews/", "/api/v1/claims/{c}/comments/",
    "/api/v1/claims/{c}/history/", "/api/v1/quotes/", "/api/v1/stats/agreement/",
]
RANK = {"anonymous_client": 0, "viewer_client": 1, "reviewer_client": 2, "editor_client": 3}
NEEDED = {"viewer": 1, "reviewer": 2, "editor": 3}


@pytest.fixture
def article(db):
    return article_with_revision(body=BODY)


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", list(RANK))
@pytest.mark.parametrize(("method", "path", "payload", "role"), WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
def test_write_endpoints_by_role(request, client_name, method, path, payload, role, article, published_jobs):
    claim = item_on(article, SENTENCE_1)
    client = request.getfixturevalue(client_name)

    response = getattr(client, method)(
        path.format(a=article.pk, c=claim.pk), payload(article, claim), format="json", HTTP_IF_MATCH='"1"'
    )

    if RANK[client_name] == 0:
        assert response.status_code == 401, response.content
    elif RANK[client_name] < NEEDED[role]:
        assert response.status_code == 403, response.content
    else:
        assert response.status_code in (200, 201), response.content


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", list(RANK))
@pytest.mark.parametrize("path", READS)
def test_read_endpoints_by_role(request, client_name, path, article):
    claim = item_on(article, SENTENCE_1)
    response = request.getfixturevalue(client_name).get(path.format(a=article.pk, c=claim.pk))

    assert response.status_code == (401 if RANK[client_name] == 0 else 200), response.content


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["viewer_client", "reviewer_client"])
def test_queue_needs_reviewer(request, client_name, article):
    response = request.getfixturevalue(client_name).get("/api/v1/queue/")

    assert response.status_code == (403 if client_name == "viewer_client" else 200)
