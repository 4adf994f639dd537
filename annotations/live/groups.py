"""Channel-layer groups of the live desk, and the one way sync code sends to them.

Group names are ASCII, under 100 characters (the layers' rule): an article's readers,
the sockets opened under one login session, and those opened with one API token. Session keys
and tokens are secrets, so their groups are named by a digest, never by the value.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# Message types (the consumer's handler names, dots for underscores).
DOORBELL = "desk.doorbell"  # {"position": P}: the article has events up to P
PRESENCE = "desk.presence"  # {"people": [...]}: who is on the article now
REVOKED = "desk.revoked"  # the session ended or the token was deleted: close the socket


def article_group(article_id: int) -> str:
    return f"article.{int(article_id)}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:40]


def session_group(session_key: str) -> str:
    return f"session.{_digest(session_key)}"


def token_group(token_key: str) -> str:
    return f"token.{_digest(token_key)}"


def send_to_groups(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send each ``(group, message)`` on the channel layer, from sync code, after a commit.

    Never raises: what it rings is a doorbell, and a page that misses one reads the events
    from the database at its next re-check (``DESK_PUSH_RECHECK_SECONDS``) or reconnection.
    A layer that is down (Redis restarting) is logged, not propagated into the write that
    committed.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for group, message in messages:
            await layer.group_send(group, message)

    try:
        async_to_sync(send_all)()
    except Exception:  # the write committed; a missed doorbell is caught up
        logger.warning("live desk: could not ring %d group(s); pages catch up from the database", len(messages),
                       exc_info=True)
