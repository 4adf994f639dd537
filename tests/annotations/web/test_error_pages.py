"""Pages outside /api/ answer 404 and 500 with the desk's own page, not Django's bare one."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from factcheck.api.errors import api_server_error


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_page_is_the_desks_404_with_a_way_back(client):
    response = client.get("/review/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "This page is not here" in body and 'href="/review/"' in body
    assert "Fact-check desk" in body


def test_a_server_error_on_a_page_is_the_desks_500_saying_nothing_was_lost():
    response = api_server_error(RequestFactory().get("/review/1/"))

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body and "has been logged" in body


def test_a_server_error_under_the_api_keeps_the_json_shape():
    response = api_server_error(RequestFactory().get("/api/v1/articles/"))

    assert response.status_code == 500 and response["Content-Type"] == "application/json"
