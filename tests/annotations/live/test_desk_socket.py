"""The article socket (``/ws/articles/<id>/``) through Channels' test communicator.

Each test runs its socket talk as one coroutine (``run``) in which writes go through the real
API client off the event loop, as a request in another process would; their transactions
commit for real (``transaction=True``) so the sequencer rings the socket after commit, as in
production. The channel layer is whatever the settings give (in memory here, Redis where
CHANNEL_LAYER_URL is set), emptied for each test.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from annotations.live import groups
from annotations.models import DeskEvent, HistoryEvent
from annotations.services.desk_events import desk_event_record
from factcheck.asgi import application
from tests.conftest import _client_for
from tests.factories import UserFactory, article_with_revision
from tests.support.desk import BODY, SENTENCE_1, SENTENCE_2, item_on, item_version, review_post

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10  # seconds a test waits for a message before it fails (a loaded 2-core machine is slow)


def run(scenario) -> None:
    async_to_sync(scenario)()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def token_of(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


async def open_socket(
    article_id, *, token=None, session=None, origin="http://localhost:8000", host="localhost:8000", client=None
):
    headers = [(b"host", host.encode())]
    if token:
        headers.append((b"authorization", f"Token {token}".encode()))
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    socket = WebsocketCommunicator(application, f"/ws/articles/{article_id}/", headers=headers)
    if client:
        socket.scope["client"] = (client, 50_000)  # the peer's address, as an ASGI server gives it
    connected, _ = await socket.connect()
    assert connected, "the socket should be accepted (refusals are told by a close code after it)"
    return socket


async def next_of(socket, kind: str, timeout: float = WAIT) -> dict:
    """The next message of type ``kind``, skipping the others (presence comes and goes)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"no {kind!r} message within {timeout} s"
        message = json.loads(await socket.receive_from(timeout=left))
        if message["type"] == kind:
            return message


async def close_message(socket, timeout: float = WAIT) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"the socket was not closed within {timeout} s"
        output = await socket.receive_output(timeout=left)
        if output["type"] == "websocket.close":
            return output


async def close_code(socket, timeout: float = WAIT) -> int:
    return (await close_message(socket, timeout)).get("code")


async def follow(socket, after: int = 0) -> None:
    await socket.send_json_to({"type": "follow", "after": after})


def off_loop(function, *args, **kwargs):
    return database_sync_to_async(function)(*args, **kwargs)


async def events_until(socket, wanted: set[str], timeout: float = WAIT) -> list[dict]:
    """Pushed events until every type in ``wanted`` has come (they may come in several batches)."""
    seen: list[dict] = []
    while not wanted <= {event["type"] for event in seen}:
        seen.extend((await next_of(socket, "events", timeout))["events"])
    return seen


async def no_event(socket, within: float = 0.5) -> None:
    """Nothing but presence arrives for ``within`` seconds (``receive_nothing``: a timed-out
    receive would cancel the application)."""
    while not await socket.receive_nothing(timeout=within):
        message = json.loads(await socket.receive_from())
        assert message["type"] != "events" or not message["events"], f"an event was pushed: {message}"


@pytest.fixture(autouse=True)
def empty_layer_and_presence(settings):
    """A channel layer and a presence store of this test's own, in memory: the layer's queues
    belong to one event loop, and each test runs in a new one.

    In memory even where CHANNEL_LAYER_URL names Redis: when a test's loop closes, a
    channels_redis receive still pending is cancelled, and now and then (one run in four here)
    that cancellation never finishes and the run hangs in asyncio's shutdown. The Redis layer is
    exercised end to end instead, in real servers: the browser tests and the Redis-restart fault
    test (tests/system/reliability/test_push_faults.py)."""
    from channels.layers import channel_layers

    from annotations.live import presence

    settings.CHANNEL_LAYER_URL = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    presence.presence_forget_all()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def article():
    return article_with_revision(body=BODY, title="Jobs")


@pytest.fixture
def claim(article):
    return item_on(article, SENTENCE_1)


# --- Who may open a socket ---------------------------------------------------------------


def test_a_token_socket_is_told_every_event_after_its_position_then_each_new_one(article, claim, editor, reviewer):
    editor_api, reviewer_api = _client_for(editor), _client_for(reviewer)
    token = token_of(editor)

    async def scenario():
        earlier = await off_loop(desk_event_record, article_id=article.pk, kind=HistoryEvent.Action.SETTINGS)
        socket = await open_socket(article.pk, token=token, origin=None)  # a token needs no origin
        await follow(socket, after=0)
        caught_up = await next_of(socket, "events")
        assert [(e["type"], e["position"]) for e in caught_up["events"]] == [("settings", 1)]
        assert caught_up["next"] == 1 and earlier.pk

        response = await off_loop(review_post, reviewer_api, claim, "correct", rationale="Matches the office's figure.")
        assert response.status_code == 201, response.content
        pushed = await events_until(socket, {"review"})
        review = next(event for event in pushed if event["type"] == "review")
        assert review["item"] == claim.pk and review["item_kind"] == "claim" and review["actor"] == "reviewer"
        assert [event["position"] for event in pushed] == sorted(event["position"] for event in pushed)
        assert min(event["position"] for event in pushed) > 1

        comment = await off_loop(
            editor_api.post, f"/api/v1/claims/{claim.pk}/comments/", {"body": "Source?"}, format="json"
        )
        assert comment.status_code == 201, comment.content
        assert (await events_until(socket, {"comment"}))[-1]["payload"]
        await socket.disconnect()

    run(scenario)


@pytest.mark.attack(
    "Desk socket",
    "open /ws/articles/N/ with no session and no token",
    "accepted then closed 4401, nothing sent",
)
def test_without_a_login_the_socket_is_closed_4401(article):
    async def scenario():
        socket = await open_socket(article.pk)
        assert await close_code(socket) == 4401

    run(scenario)


@pytest.mark.attack("Desk socket", "a made-up token in Authorization", "closed 4401")
def test_a_wrong_token_is_closed_4401(article):
    async def scenario():
        socket = await open_socket(article.pk, token="0" * 40, origin=None)
        assert await close_code(socket) == 4401

    run(scenario)


@pytest.mark.attack(
    "Desk socket",
    "guess tokens from one address, by socket and API in turn",
    "closed 4429 past the API's failed-authentication rate, a valid token too; the API refuses 429",
)
def test_failed_socket_tokens_count_with_the_apis_and_close_4429_past_the_rate(article, reviewer, settings):
    from rest_framework.test import APIClient

    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "auth_failure": "3/minute"}
    token = token_of(reviewer)
    guesser, other = "203.0.113.41", "198.51.100.41"
    api = APIClient(REMOTE_ADDR=guesser)
    api.credentials(HTTP_AUTHORIZATION="Token " + "1" * 40)

    async def scenario():
        for guess in ("2" * 40, "3" * 40):
            socket = await open_socket(article.pk, token=guess, origin=None, client=guesser)
            assert await close_code(socket) == 4401
        assert (await off_loop(api.get, "/api/v1/articles/")).status_code == 401  # the third failure
        # Past the rate: refused before any look-up, the right token included, as on the API.
        socket = await open_socket(article.pk, token=token, origin=None, client=guesser)
        closed = await close_message(socket)
        assert closed["code"] == 4429
        assert closed["reason"].startswith("Too many failed authentications from this address; try again in")
        assert (await off_loop(api.get, "/api/v1/articles/")).status_code == 429
        socket = await open_socket(article.pk, token=token, origin=None, client=other)  # another address
        assert (await next_of(socket, "presence"))["people"] == [{"user": "reviewer", "item": None, "typing": False}]
        await socket.disconnect()

    run(scenario)


@pytest.mark.attack("Desk socket", "a valid token of an account with no desk role", "closed 4403")
def test_an_account_without_a_desk_role_is_closed_4403(article):
    token = token_of(UserFactory(username="nobody"))

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        assert await close_code(socket) == 4403

    run(scenario)


def test_an_unknown_article_is_closed_4404(reviewer):
    token = token_of(reviewer)

    async def scenario():
        socket = await open_socket(999_999, token=token, origin=None)
        assert await close_code(socket) == 4404

    run(scenario)


@pytest.mark.parametrize(
    "origin", [None, "http://evil.example", "null", "file://", "http://localhost:9999", "http://localhost"]
)
@pytest.mark.attack(
    "Desk socket",
    "cross-site WebSocket hijacking: the user's cookie from another Origin (another site or port, none, null)",
    "closed 4403 before anything is read or sent",
)
def test_a_session_socket_from_another_origin_or_none_is_closed_4403(article, reviewer, origin):
    session = session_cookie(reviewer)

    async def scenario():
        socket = await open_socket(article.pk, session=session, origin=origin)
        assert await close_code(socket) == 4403

    run(scenario)


@pytest.mark.attack("Desk socket", "keep a socket open after logging out", "closed 4401 at logout")
def test_a_session_socket_from_the_sites_origin_follows_and_is_closed_4401_at_logout(article, claim, reviewer):
    client = Client()
    client.force_login(reviewer)
    session = client.cookies["sessionid"].value

    async def scenario():
        socket = await open_socket(article.pk, session=session, origin="http://localhost:8000")
        await follow(socket)
        await next_of(socket, "presence")
        await off_loop(client.logout)  # user_logged_out: its sockets are told at once
        assert await close_code(socket) == 4401

    run(scenario)


def test_a_session_socket_from_a_trusted_origin_on_another_port_is_accepted(article, reviewer, settings):
    """docker-compose: pages from gunicorn on 8000, sockets on the push service's 8001."""
    settings.CSRF_TRUSTED_ORIGINS = ["http://localhost:8000"]
    session = session_cookie(reviewer)

    async def scenario():
        socket = await open_socket(article.pk, session=session, origin="http://localhost:8000", host="localhost:8001")
        await follow(socket)
        assert (await next_of(socket, "presence"))["people"] == [{"user": "reviewer", "item": None, "typing": False}]
        await socket.disconnect()
        refused = await open_socket(article.pk, session=session, origin="http://localhost:8002", host="localhost:8001")
        assert await close_code(refused) == 4403

    run(scenario)


@pytest.mark.attack("Desk socket", "keep a socket open with a revoked token", "closed 4401 when the token is deleted")
def test_deleting_a_token_closes_its_sockets_4401(article, reviewer):
    token = token_of(reviewer)

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        await follow(socket)
        await next_of(socket, "presence")
        from rest_framework.authtoken.models import Token

        await off_loop(lambda: Token.objects.filter(key=token).delete())
        assert await close_code(socket) == 4401

    run(scenario)


def test_a_password_change_closes_the_sessions_sockets_4401(article, reviewer):
    """As Django ends the sessions made before a password change, their sockets close."""
    session = session_cookie(reviewer)

    async def scenario():
        socket = await open_socket(article.pk, session=session)
        await follow(socket)
        await next_of(socket, "presence")

        def change_password():
            reviewer.set_password("a new one, long enough")
            reviewer.save()

        await off_loop(change_password)
        assert await close_code(socket) == 4401

    run(scenario)


@pytest.mark.attack("Desk socket", "keep a socket open after losing the desk role", "closed 4403 at the next re-check")
def test_a_role_removed_is_closed_4403_at_the_next_recheck(article, reviewer, settings):
    settings.DESK_PUSH_RECHECK_SECONDS = 0.2
    token = token_of(reviewer)

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        await follow(socket)
        await off_loop(lambda: reviewer.groups.clear())
        assert await close_code(socket) == 4403

    run(scenario)


@pytest.mark.attack("Desk socket", "open more sockets than DESK_PUSH_SOCKETS_PER_USER", "the extra ones closed 4429")
def test_a_user_over_the_socket_limit_is_closed_4429_and_a_closed_one_frees_its_place(article, reviewer, settings):
    settings.DESK_PUSH_SOCKETS_PER_USER = 2
    token = token_of(reviewer)

    async def scenario():
        first = await open_socket(article.pk, token=token, origin=None)
        second = await open_socket(article.pk, token=token, origin=None)
        await next_of(second, "presence")
        third = await open_socket(article.pk, token=token, origin=None)
        assert await close_code(third) == 4429
        await first.disconnect()
        fourth = await open_socket(article.pk, token=token, origin=None)
        await follow(fourth)
        assert (await next_of(fourth, "presence"))["people"]
        await second.disconnect()
        await fourth.disconnect()

    run(scenario)


# --- What each reader is told ------------------------------------------------------------


def test_every_kind_of_change_on_the_article_is_pushed(article, claim, editor, reviewer, published_jobs):
    editor_api, reviewer_api = _client_for(editor), _client_for(reviewer)
    token = token_of(editor)
    other = item_on(article, SENTENCE_2)

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        await follow(socket)

        async def expect(kinds: set[str], request) -> None:
            response = await off_loop(request)
            assert response.status_code in (200, 201, 202), response.content
            await events_until(socket, kinds)

        await expect({"review"}, lambda: review_post(reviewer_api, claim, "disputed"))
        await expect({"assign"}, lambda: editor_api.post(
            f"/api/v1/claims/{other.pk}/assign/", {"assignee": "reviewer"}, format="json",
            HTTP_IF_MATCH=f'"{item_version(other)}"'))
        await expect({"dismiss"}, lambda: reviewer_api.post(
            f"/api/v1/claims/{other.pk}/dismiss/", {"reason": "An opinion."}, format="json",
            HTTP_IF_MATCH=f'"{item_version(other)}"'))
        await expect({"comment"}, lambda: reviewer_api.post(
            f"/api/v1/claims/{claim.pk}/comments/", {"body": "Which month?"}, format="json"))
        await expect({"settings"}, lambda: editor_api.patch(
            f"/api/v1/articles/{article.pk}/", {"blind_review": True}, format="json"))
        await expect({"revise"}, lambda: editor_api.patch(
            f"/api/v1/articles/{article.pk}/", {"text": BODY + " Turnout was 61 percent."}, format="json"))
        await expect({"publish"}, lambda: editor_api.post(f"/api/v1/articles/{article.pk}/publish/"))
        await expect({"reopen"}, lambda: editor_api.post(f"/api/v1/articles/{article.pk}/reopen/"))
        # Extraction progress comes from the workers through the same log.
        await off_loop(desk_event_record, article_id=article.pk, kind=DeskEvent.JOB,
                       payload={"job": 1, "status": "running", "error": ""})
        assert (await events_until(socket, {"job"}))[-1]["payload"]["status"] == "running"
        await socket.disconnect()

    run(scenario)


@pytest.mark.attack(
    "Desk socket",
    "a blind-mode reviewer listens for others' verdicts before giving their own",
    "no review or status event of others is pushed to them",
)
def test_blind_mode_keeps_others_verdicts_from_a_reviewer_until_their_own(claim, reviewer, editor):
    claim.revision.article.blind_review = True
    claim.revision.article.save(update_fields=["blind_review"])
    article = claim.revision.article
    alice = UserFactory(username="alice", role="reviewer")
    alice_api, reviewer_api = _client_for(alice), _client_for(reviewer)
    reviewer_token, editor_token = token_of(reviewer), token_of(editor)

    async def scenario():
        blind = await open_socket(article.pk, token=reviewer_token, origin=None)
        sighted = await open_socket(article.pk, token=editor_token, origin=None)
        await follow(blind)
        await follow(sighted)

        assert (await off_loop(review_post, alice_api, claim, "disputed")).status_code == 201
        editor_saw = await events_until(sighted, {"review"})
        assert {event["actor"] for event in editor_saw if event["type"] == "review"} == {"alice"}
        # Not told that alice reviewed, nor the status her verdict set: only that the log moved on
        # (its next position, so the page reads its progress counts again).
        moved_on = await next_of(blind, "events")
        assert moved_on["events"] == [] and moved_on["next"] == max(event["position"] for event in editor_saw)
        await no_event(blind)

        # A change anyone may see still reaches the blind reader, and only it.
        await off_loop(lambda: alice_api.post(f"/api/v1/claims/{claim.pk}/comments/", {"body": "See p. 3"},
                                              format="json"))
        assert [event["type"] for event in await events_until(blind, {"comment"})] == ["comment"]

        # Their own verdict is theirs to see, and the item's status from then on.
        assert (await off_loop(review_post, reviewer_api, claim, "correct")).status_code == 201
        own = await events_until(blind, {"review"})
        assert {event["actor"] for event in own if event["type"] == "review"} == {"reviewer"}
        await blind.disconnect()
        await sighted.disconnect()

    run(scenario)


def test_a_socket_that_reconnects_is_given_every_change_it_missed(article, claim, reviewer, editor):
    reviewer_api = _client_for(reviewer)
    token = token_of(editor)

    async def scenario():
        first = await open_socket(article.pk, token=token, origin=None)
        await follow(first)
        assert (await off_loop(review_post, reviewer_api, claim, "correct")).status_code == 201
        held = max(event["position"] for event in await events_until(first, {"review"}))
        await first.disconnect()

        # While the page is away: a comment and a resolution.
        commented = await off_loop(lambda: reviewer_api.post(
            f"/api/v1/claims/{claim.pk}/comments/", {"body": "Checked."}, format="json"))
        resolved = await off_loop(lambda: _client_for(editor).post(
            f"/api/v1/claims/{claim.pk}/resolve/", {"status": "correct", "note": "Agreed."}, format="json",
            HTTP_IF_MATCH=f'"{item_version(claim)}"'))
        assert (commented.status_code, resolved.status_code) == (201, 200), (commented.content, resolved.content)

        again = await open_socket(article.pk, token=token, origin=None)
        await follow(again, after=held)
        missed = await events_until(again, {"comment", "resolve"})
        assert all(event["position"] > held for event in missed)
        await again.disconnect()

    run(scenario)


def test_a_lost_doorbell_is_made_up_by_the_sockets_recheck(article, editor, settings, monkeypatch):
    settings.DESK_PUSH_RECHECK_SECONDS = 0.3
    token = token_of(editor)
    monkeypatch.setattr(groups, "get_channel_layer", lambda: None)  # the sequencer rings nobody

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        await follow(socket)
        await off_loop(desk_event_record, article_id=article.pk, kind=HistoryEvent.Action.SETTINGS)
        assert [event["type"] for event in await events_until(socket, {"settings"})] == ["settings"]
        await socket.disconnect()

    run(scenario)


@pytest.mark.attack(
    "Desk socket",
    "non-JSON, arrays, unknown types, negative or string positions, 5,000-character and binary frames",
    "an error message each, the socket stays open, nothing read",
)
def test_bad_messages_get_an_error_and_the_socket_stays_open(article, editor):
    token = token_of(editor)

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        for bad in ["not json", "[1, 2]", json.dumps({"type": "dance"}), json.dumps({"type": "follow", "after": -1}),
                    json.dumps({"type": "follow", "after": "5"}), json.dumps({"type": "presence", "item": "x"}),
                    "x" * 5000]:
            await socket.send_to(text_data=bad)
            assert (await next_of(socket, "error"))["message"]
        await socket.send_to(bytes_data=b"\x00")
        assert "JSON text" in (await next_of(socket, "error"))["message"]
        await socket.send_json_to({"type": "ping"})
        assert await next_of(socket, "pong") == {"type": "pong"}
        await socket.disconnect()

    run(scenario)


# --- Presence ----------------------------------------------------------------------------


def test_presence_shows_who_is_on_which_item_and_forgets_a_page_that_closed(article, claim, reviewer, editor):
    reviewer_token, editor_token = token_of(reviewer), token_of(editor)

    async def scenario():
        watcher = await open_socket(article.pk, token=editor_token, origin=None)
        await follow(watcher)
        assert (await next_of(watcher, "presence"))["people"] == [{"user": "editor", "item": None, "typing": False}]

        writer = await open_socket(article.pk, token=reviewer_token, origin=None)
        await follow(writer)
        await writer.send_json_to({"type": "presence", "item": claim.pk, "typing": True})
        want = [
            {"user": "editor", "item": None, "typing": False},
            {"user": "reviewer", "item": claim.pk, "typing": True},
        ]
        while (people := (await next_of(watcher, "presence"))["people"]) != want:
            pass  # the arrival, then the selection
        assert people == want

        await writer.disconnect()
        assert (await next_of(watcher, "presence"))["people"] == [{"user": "editor", "item": None, "typing": False}]
        await watcher.disconnect()

    run(scenario)


def test_presence_entries_expire_when_their_page_stops_saying_it_is_there(article, settings):
    from annotations.live import presence

    settings.PRESENCE_TTL_SECONDS = 1
    presence.presence_put(article_id=article.pk, connection="gone", user="alice", item=None, typing=False)
    alice = {"user": "alice", "item": None, "typing": False}
    assert presence.presence_of_articles([article.pk]) == {article.pk: [alice]}

    async def later():
        await asyncio.sleep(1.1)

    run(later)
    assert presence.presence_of_articles([article.pk]) == {}


# --- One read for all the sockets of a process ---------------------------------------------


def test_a_doorbell_makes_one_database_read_for_a_dozen_sockets_on_the_article(
    article, claim, reviewer, monkeypatch, settings
):
    from annotations.live import feed as feed_module

    settings.DESK_PUSH_RECHECK_SECONDS = 60  # no re-check reads in the count

    readers = [UserFactory(username=f"desk{number}", role="reviewer") for number in range(12)]
    tokens = [token_of(user) for user in readers]
    reviewer_api = _client_for(reviewer)
    reads: list[int] = []
    scan = feed_module.article_events_scan
    monkeypatch.setattr(feed_module, "article_events_scan", lambda **kw: reads.append(kw["after"]) or scan(**kw))

    async def scenario():
        sockets = [await open_socket(article.pk, token=token, origin=None) for token in tokens]
        for socket in sockets:
            await follow(socket)
        while len(reads) < len(sockets):  # each follow reads the database once
            await asyncio.sleep(0.05)
        reads.clear()
        assert (await off_loop(review_post, reviewer_api, claim, "correct")).status_code == 201
        for socket in sockets:
            assert [event["type"] for event in await events_until(socket, {"review"})] == ["review"]
        assert len(reads) == 1, f"one read for 12 sockets, got {len(reads)}"
        for socket in sockets:
            await socket.disconnect()

    run(scenario)


def test_the_feed_answers_exactly_as_the_database_would_for_any_reader_and_position(article, editor):
    """Random follows, doorbells and new events: a follow or re-check gets exactly what the
    catch-up selector reads from the database; a doorbell for P gets the log's prefix through P."""
    import random

    from annotations.live.feed import ArticleFeed
    from annotations.models import Article
    from annotations.selectors.events import article_events_after

    rng = random.Random(7)
    feed = ArticleFeed(article.pk)

    def expected(after):
        events, next_position, more = article_events_after(
            article=Article.objects.get(pk=article.pk), user=editor, after=after, limit=200
        )
        return [event.position for event in events], next_position, more

    async def scenario():
        newest = 0
        for _step in range(120):
            if rng.random() < 0.4:
                for _ in range(rng.randint(1, 3)):
                    await off_loop(desk_event_record, article_id=article.pk, kind=HistoryEvent.Action.SETTINGS)
                newest = await off_loop(
                    lambda: DeskEvent.objects.order_by("-position").values_list("position", flat=True).first()
                )
            after = rng.randint(0, newest) if newest else 0
            rung_for = rng.choice([None, newest, max(after, newest - 1)])
            events, next_position, more = await feed.events_after(after=after, user=editor, rung_for=rung_for)
            positions = [event["position"] for event in events]
            database = await off_loop(expected, after)
            if rung_for is None:  # read from the database: exactly its answer
                assert (positions, next_position, more) == database, (after, rung_for)
            else:  # rung for P: the log's prefix through P at least, never a gap
                assert next_position >= min(rung_for, database[1]), (after, rung_for)
                assert positions == [position for position in database[0] if position <= next_position]

    run(scenario)


@pytest.mark.attack(
    "Desk socket",
    "an editor demoted to reviewer keeps a blind article's socket open",
    "checked again at once: from then on told no others' verdicts",
)
def test_a_role_change_is_applied_to_open_sockets_at_once_not_at_the_next_recheck(claim, editor, settings):
    settings.DESK_PUSH_RECHECK_SECONDS = 60
    article = claim.revision.article
    article.blind_review = True
    article.save(update_fields=["blind_review"])
    alice_api = _client_for(UserFactory(username="alice", role="reviewer"))
    token = token_of(editor)

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        await follow(socket)
        await next_of(socket, "presence")  # joined its groups

        def demote():
            from django.contrib.auth.models import Group

            editor.groups.set([Group.objects.get(name="reviewer")])

        await off_loop(demote)
        await asyncio.sleep(0.5)  # the recheck it was rung for
        assert (await off_loop(review_post, alice_api, claim, "disputed")).status_code == 201
        moved_on = await next_of(socket, "events")
        assert moved_on["events"] == [], "a reviewer now: alice's verdict is not theirs to see"
        await socket.disconnect()

    run(scenario)


def test_a_socket_sending_more_than_20_frames_a_second_is_closed_4429(article, editor):
    token = token_of(editor)

    async def scenario():
        socket = await open_socket(article.pk, token=token, origin=None)
        for _ in range(25):
            await socket.send_json_to({"type": "ping"})
        assert await close_code(socket) == 4429

    run(scenario)
