"""Fact-check vectors move to a table of their own (``FactCheckVector``): storing them no longer
rewrites the fact-check rows the candidate search reads. Vectors already stored are kept."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


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
    ]
