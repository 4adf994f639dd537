"""The desk of the push fault test, in a process of its own pointed at the private servers.

    python -m tests.support.faults.desk setup --articles 2 --readers 10
    python -m tests.support.faults.desk write      # then one JSON line per change on stdin

Run by ``tests/system/reliability/test_push_faults.py`` with the stack's environment
(``DATABASE_URL``, ``CHANNEL_LAYER_URL``, ``CACHE_URL`` on the private servers), so its writes
are what a web or worker process beside the ASGI one makes: ``comment_add`` commits, the
sequencer numbers the event after commit and rings the article's group on the Redis channel
layer, which the ASGI process's sockets listen to.

- ``setup`` makes the readers (one editor each, with an API token), a writer, and the articles
  with two claims each, and prints them as one JSON line.
- ``write`` reads ``{"item": ID, "body": TEXT}`` lines and answers each with one JSON line:
  ``{"ok": true, "comment": ID, "seconds": S}`` once the comment committed, or ``{"ok": false,
  "error": ...}`` with the exception (a write that fails is a finding, never skipped).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback

BODY = (
    "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent in 2024. "
    "The council approved a budget of 40 million euros for 3 new schools."
)
CLAIMS = ["Unemployment fell to 4.1 percent in June.", "Exports rose by 12 percent in 2024."]


def setup(articles: int, readers: int) -> dict:
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from tests.factories import ItemFactory, article_with_revision

    editor_group = Group.objects.get(name="editor")

    def editor(username: str) -> str:
        user, _ = User.objects.get_or_create(username=username)
        user.groups.add(editor_group)
        return Token.objects.get_or_create(user=user)[0].key

    made = []
    for number in range(articles):
        article = article_with_revision(body=BODY, title=f"Push fault {number}", ingest_key=f"sha256:push-{number}")
        revision = article.current_revision
        claims = [
            ItemFactory(revision=revision, start=BODY.index(words), length=len(words)).pk for words in CLAIMS
        ]
        made.append({"id": article.pk, "claims": claims})
    return {
        "articles": made,
        "reader_tokens": [editor(f"push-reader-{number}") for number in range(readers)],
        "writer_token": editor("push-writer"),
    }


def write() -> None:
    from django.contrib.auth.models import User

    from annotations.models import Item
    from annotations.services.items import comment_add

    writer = User.objects.get(username="push-writer")
    for line in sys.stdin:
        if not line.strip():
            continue
        change = json.loads(line)
        started = time.monotonic()
        try:
            comment = comment_add(item_id=change["item"], kind=Item.Kind.CLAIM, author=writer, body=change["body"])
            answer = {"ok": True, "comment": comment.pk}
        except Exception as error:  # noqa: BLE001 - told to the test, which fails on it
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
        answer["seconds"] = round(time.monotonic() - started, 3)
        print(json.dumps(answer), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("setup")
    made.add_argument("--articles", type=int, default=2)
    made.add_argument("--readers", type=int, default=10)
    commands.add_parser("write")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    if args.command == "setup":
        print(json.dumps(setup(args.articles, args.readers)))
    else:
        write()


if __name__ == "__main__":
    main()
