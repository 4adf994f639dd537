"""Fact-check vectors move to a table of their own (``FactCheckVector``): storing them no longer
rewrites the fact-check rows the candidate search reads. Vectors already stored are kept."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000
_search = importlib.import_module("annotations.migrations.0009_factcheck_search")


def sqlite_search_rebuilt(apps, schema_editor):
    """SQLite: the fact-checks' FTS5 table and its triggers made again, and the index rebuilt.

    Adding or removing a column may make SQLite's schema editor copy the table into a new one and
    drop the old, and the triggers that keep the search index in step go with the old table. The
    rows keep their ids, so the rebuilt index is the same index.
    """
    if schema_editor.connection.vendor != "sqlite":
        return
    statements = _search._fts5_undo("annotations_factcheck")
    statements += _search._fts5("annotations_factcheck", ["claim_text", "title"])
    for statement in statements:
        schema_editor.execute(statement)


def move_vectors_out(apps, schema_editor):
    FactCheck = apps.get_model("annotations", "FactCheck")
    FactCheckVector = apps.get_model("annotations", "FactCheckVector")
    stored = FactCheck.objects.exclude(embedding=None).exclude(embedding_version="").order_by("pk")
    last = 0
    while batch := list(stored.filter(pk__gt=last).values_list("pk", "embedding_version", "embedding")[:BATCH]):
        FactCheckVector.objects.bulk_create(
            [FactCheckVector(factcheck_id=pk, version=version, data=bytes(data)) for pk, version, data in batch]
        )
        last = batch[-1][0]


def move_vectors_back(apps, schema_editor):
    FactCheck = apps.get_model("annotations", "FactCheck")
    FactCheckVector = apps.get_model("annotations", "FactCheckVector")
    last = 0
    while batch := list(FactCheckVector.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        FactCheck.objects.bulk_update(
            [FactCheck(pk=vector.factcheck_id, embedding=vector.data, embedding_version=vector.version)
             for vector in batch],
            ["embedding", "embedding_version"],
        )
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0012_desk_events'),
    ]

    operations = [
        migrations.CreateModel(
            name='FactCheckVector',
            fields=[
                ('factcheck', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='vector', serialize=False, to='annotations.factcheck')),
                ('version', models.CharField(max_length=120)),
                ('data', models.BinaryField()),
            ],
        ),
        migrations.RunPython(move_vectors_out, move_vectors_back),
        # Undone after the columns come back (operations are undone last first).
        migrations.RunPython(migrations.RunPython.noop, sqlite_search_rebuilt),
        migrations.RemoveIndex(
            model_name='factcheck',
            name='factcheck_embedding_idx',
        ),
        migrations.RemoveField(
            model_name='factcheck',
            name='embedding',
        ),
        migrations.RemoveField(
            model_name='factcheck',
            name='embedding_version',
        ),
        migrations.RunPython(sqlite_search_rebuilt, migrations.RunPython.noop),
    ]
