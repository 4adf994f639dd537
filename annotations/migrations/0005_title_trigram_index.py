"""Trigram index for searching article titles (``?search=``) on PostgreSQL.

``icontains`` becomes ``UPPER(title) LIKE UPPER('%words%')``, which no b-tree index serves; a
GIN trigram index on ``UPPER(title)`` does. SQLite (the laptop default) has no such index and
needs none at laptop scale, so this migration does nothing there.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX IF NOT EXISTS article_title_trgm_idx ON annotations_article USING gin (UPPER("title") gin_trgm_ops)',
]
DROP = ["DROP INDEX IF EXISTS article_title_trgm_idx"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("annotations", "0004_queue_index_order")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
