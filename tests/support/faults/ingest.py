"""Ingest a batch of articles through the service, into whatever DATABASE_URL / CELERY_BROKER_URL say.

    python -m tests.support.faults.ingest --count 200 --tag kill [--poison crash,hang]

Run by the fault tests as a subprocess pointed at their private PostgreSQL and Redis, so the
articles go through ``article_ingest`` exactly as the API's POST does: article, revision and
job in one transaction, the broker message published after commit. Prints one JSON line with
how many were created and how many publications failed (those jobs wait for the sweep).
"""

from __future__ import annotations

import argparse
import json
import os

# Each poison marker makes the test-only worker app (poison_app.py) misbehave on that article.
POISON_MARKERS = {
    "crash": "POISON-CRASH-MARKER",  # the pool process dies (SIGKILL) mid-extraction
    "hang": "POISON-HANG-MARKER",  # sleeps until the soft time limit interrupts it
    "hang-hard": "POISON-HANG-HARD-MARKER",  # ignores the soft limit; the hard limit kills it
    "raise": "POISON-RAISE-MARKER",  # the engine raises (a deterministic bug)
}

_SENTENCES = [
    "Unemployment fell to {a}.{b} percent in {month}, the lowest level since {year}, the statistics office said.",
    "The council approved a budget of {a} million euros for {b} new schools on {month} {b}.",
    "“We will not accept cuts of {a} percent,” the union leader Maria Example said on {month} {b}.",
    "Exports rose by {a} percent to {b} billion euros, according to the ministry of trade.",
    "Officials reported {a},{b}00 new cases in the region during {month} {year}.",
    "“Prices have climbed {a} percent in a single week,” said Tom Driver, head of the motorists' club.",
]
_MONTHS = ["January", "March", "June", "September", "November"]


def article_text(number: int, tag: str, poison: str | None = None) -> str:
    """A distinct article of about ten sentences (claims and quotes), optionally carrying a poison marker."""
    sentences = [f"Report {tag} number {number}\n"]
    for index in range(10):
        template = _SENTENCES[(number + index) % len(_SENTENCES)]
        sentences.append(
            template.format(a=(number * 7 + index) % 90 + 2, b=(number + index) % 9 + 1,
                            month=_MONTHS[(number + index) % len(_MONTHS)], year=1990 + (number + index) % 34)
        )
    if poison:
        sentences.insert(3, f"The file was marked {POISON_MARKERS[poison]} by the desk on {number} June.")
    return " ".join(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--tag", required=True, help="makes every text distinct from other batches")
    parser.add_argument("--poison", default="", help="comma-separated poison kinds, one article each")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User

    from annotations.models import ExtractionJob
    from annotations.services.ingest import article_ingest

    editor, _ = User.objects.get_or_create(username="reliability-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    poisons = [kind for kind in args.poison.split(",") if kind]
    # Poison articles are spread through the batch, so healthy ones queue behind and after them.
    poison_at = {round((index + 1) * args.count / (len(poisons) + 1)): kind for index, kind in enumerate(poisons)}
    created = 0
    for number in range(args.count):
        result = article_ingest(added_by=editor, text=article_text(number, args.tag, poison_at.get(number)))
        created += result.created
    unpublished = ExtractionJob.objects.filter(status="queued", enqueued_at__isnull=True).count()
    print(json.dumps({"created": created, "unpublished": unpublished}))


if __name__ == "__main__":
    main()
