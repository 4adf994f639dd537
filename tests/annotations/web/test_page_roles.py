"""The desk's pages against every role: who may open what (the API's matrix is tests/annotations/api/test_roles.py)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY

# page -> the weakest role that may open it; a weaker desk role gets 403, no role 403, anonymous the login form
PAGES = [
    ("/review/", "viewer"),
    ("/review/articles/{a}/", "viewer"),
    ("/review/articles/{a}/progress/", "viewer"),
    ("/review/queue/", "viewer"),  # a viewer is told it needs the reviewer role to have a queue
    ("/review/ingest/", "editor"),
]
RANK = {"": 0, "viewer": 1, "reviewer": 2, "editor": 3}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", *RANK])
@pytest.mark.parametrize(("path", "needed"), PAGES, ids=[path for path, _ in PAGES])
def test_pages_by_role(client, role, path, needed):
    article = article_with_revision(body=BODY, title="Jobs")
    if role != "anonymous":
        client.force_login(UserFactory(username=f"user-{role or 'none'}", role=role or None))

    response = client.get(path.format(a=article.pk))

    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    elif RANK[role] < RANK[needed]:
        assert response.status_code == 403, response.content
    else:
        assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_the_ingest_link_and_editor_tools_show_for_editors_only(client):
    article = article_with_revision(body=BODY, title="Jobs")
    for role, shown in (("reviewer", False), ("editor", True)):
        client.force_login(UserFactory(username=f"a-{role}", role=role))

        listing = client.get("/review/").content.decode()
        review_page = client.get(f"/review/articles/{article.pk}/").content.decode()

        assert ('id="ingest-link"' in listing) is shown
        assert ('id="desk-tools"' in review_page) is shown and ("editor.js" in review_page) is shown
