"""The worker heartbeat row and the indexes behind the dashboard and the admin lists.

The indexes are created with SQL rather than ``AddIndex`` because they serve read paths of the
dashboard only (``annotations/dashboard.py``) and are not declared on the models; that keeps
``makemigrations`` from proposing to drop them. Each one is named after what it answers:

- items by kind and status: an index-only scan of (kind, status, dismissed);
- median time to verdict: the partial index on reviewed items holds both timestamps;
- reviews per reviewer over 7 / 30 days: a range on created_at;
- disagreement: current reviews by item with their verdict;
- extraction latency and the oldest queued job: done jobs by finish time, jobs by status and age;
- admin search on item text (PostgreSQL only): a trigram index, as for article titles.
"""

from django.db import migrations, models

BOTH = [
    (
        "CREATE INDEX IF NOT EXISTS item_kind_status_dismissed_idx ON annotations_item (kind, status, dismissed)",
        "DROP INDEX IF EXISTS item_kind_status_dismissed_idx",
    ),
    (
        "CREATE INDEX IF NOT EXISTS item_verdict_time_idx ON annotations_item (status_changed_at, created_at) "
        "WHERE status IN ('correct', 'disputed')",
        "DROP INDEX IF EXISTS item_verdict_time_idx",
    ),
    (
        "CREATE INDEX IF NOT EXISTS review_created_reviewer_idx ON annotations_review (created_at, reviewer_id)",
        "DROP INDEX IF EXISTS review_created_reviewer_idx",
    ),
    (
        "CREATE INDEX IF NOT EXISTS review_current_item_verdict_idx ON annotations_review (item_id, verdict) "
        "WHERE is_current",
        "DROP INDEX IF EXISTS review_current_item_verdict_idx",
    ),
    (
        "CREATE INDEX IF NOT EXISTS job_done_finished_idx ON annotations_extractionjob (finished_at, created_at) "
        "WHERE status = 'done'",
        "DROP INDEX IF EXISTS job_done_finished_idx",
    ),
    (
        "CREATE INDEX IF NOT EXISTS job_status_created_idx ON annotations_extractionjob (status, created_at)",
        "DROP INDEX IF EXISTS job_status_created_idx",
    ),
]
POSTGRESQL_ONLY = [
    (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        None,
    ),
    (
        'CREATE INDEX IF NOT EXISTS item_text_trgm_idx ON annotations_item USING gin (UPPER("text") gin_trgm_ops)',
        "DROP INDEX IF EXISTS item_text_trgm_idx",
    ),
]


def _run(forward: bool):
    def apply(apps, schema_editor):
        statements = list(BOTH)
        if schema_editor.connection.vendor == "postgresql":
            statements += POSTGRESQL_ONLY
        if not forward:
            statements.reverse()
        for create, drop in statements:
            statement = create if forward else drop
            if statement:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("annotations", "0005_title_trigram_index")]
    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hostname", models.CharField(max_length=255, unique=True)),
                ("seen_at", models.DateTimeField()),
            ],
            options={"ordering": ["-seen_at"]},
        ),
        migrations.RunPython(_run(True), _run(False)),
    ]
