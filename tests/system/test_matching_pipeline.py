"""End to end with a real worker: a verdict reached on one article is found as an earlier check
of a claim in the next article posted (issue 17), on the configured stack (PostgreSQL + Redis in
CI, where ``FACTCHECK_REQUIRE_REAL_STACK=1``; the embedded defaults on a laptop)."""

from __future__ import annotations

import time
import uuid

import pytest
from django.test import override_settings

from annotations.models import Article, ExtractionJob, FactCheck, MatchJob
from tests.support.desk import second_reviewer
from tests.support.workers import worker_process

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MONDAY = "Unemployment fell to 4.1 percent in June, the lowest level since 2019, the statistics office said."
TUESDAY = (
    "Jobs again\n\nThe minister repeated on Tuesday that unemployment fell to 4.1 percent in June, "
    "the lowest level since 2019."
)


@pytest.fixture
def worker_queue(stack_name):
    """A worker consuming a queue of its own for extraction and matching alike."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    with worker_process(queue=queue, MATCHING_QUEUE=queue), override_settings(
        EXTRACTION_QUEUE=queue, MATCHING_QUEUE=queue
    ):
        yield queue


def _wait(condition, what: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    jobs = list(MatchJob.objects.values_list("id", "status", "last_error"))
    pytest.fail(f"{what} not done after {timeout:.0f} s (is the worker running?); match jobs: {jobs}")


def _post_and_extract(client, text: str) -> int:
    response = client.post("/api/v1/articles/", {"text": text}, format="json")
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]
    job_id = Article.objects.get(pk=article_id).current_job_id
    _wait(lambda: ExtractionJob.objects.filter(pk=job_id, status="done").exists(), "extraction")
    return article_id


def test_a_verdict_on_one_article_is_a_match_for_a_claim_of_the_next(
    editor_client, reviewer_client, worker_queue
):
    monday = _post_and_extract(editor_client, MONDAY)
    earlier = editor_client.get(f"/api/v1/articles/{monday}/claims/").json()["results"][0]
    for client in (reviewer_client, second_reviewer()):
        version = client.get(f"/api/v1/claims/{earlier['id']}/").json()["version"]
        answer = client.post(
            f"/api/v1/claims/{earlier['id']}/reviews/",
            {"verdict": "disputed", "rationale": "The office reported 4.3 percent."},
            format="json", HTTP_IF_MATCH=f'"{version}"',
        )
        assert answer.status_code == 201, answer.content
    check = FactCheck.objects.get(item_id=earlier["id"])
    assert (check.source, check.verdict, check.rationale) == ("desk", "disputed", "The office reported 4.3 percent.")

    tuesday = _post_and_extract(editor_client, TUESDAY)
    revision_id = Article.objects.get(pk=tuesday).current_revision_id
    _wait(lambda: MatchJob.objects.filter(revision_id=revision_id, status__in=["done", "failed"]).exists(), "matching")
    claims = editor_client.get(f"/api/v1/articles/{tuesday}/claims/").json()["results"]
    found = {
        claim["id"]: editor_client.get(f"/api/v1/claims/{claim['id']}/matches/").json() for claim in claims
    }

    assert all(body["matching"]["status"] == "done" for body in found.values()), found
    matched = [body["results"][0] for body in found.values() if body["results"]]
    assert matched, f"no claim of the second article matched the first one's verdict: {found}"
    assert matched[0]["factcheck"]["item"] == earlier["id"]
    assert matched[0]["factcheck"]["verdict"] == "disputed"
    assert matched[0]["factcheck"]["url"] == f"/api/v1/claims/{earlier['id']}/"
    assert 0.5 <= matched[0]["score"] <= 1
    with_match = editor_client.get(f"/api/v1/claims/?article={tuesday}&has_match=true").json()["results"]
    assert [row["id"] for row in with_match] == [row_id for row_id, body in found.items() if body["results"]]
