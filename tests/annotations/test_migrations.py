"""Migrations that move data: what was stored before is there after, both ways."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("annotations", "0012_desk_events")]
AFTER = [("annotations", "0013_factcheck_vectors")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_vectors_move_to_their_own_table_and_back():
    try:
        apps = _migrate(BEFORE)
        FactCheck = apps.get_model("annotations", "FactCheck")
        embedded = FactCheck.objects.create(
            source="imported", claim_text="Exports doubled", review_url="https://checks.example/1",
            embedding=b"\x01" * 16, embedding_version="enc-1",
        )
        bare = FactCheck.objects.create(source="imported", claim_text="Tariffs fell", review_url="https://checks.example/2")

        apps = _migrate(AFTER)
        vectors = apps.get_model("annotations", "FactCheckVector").objects
        assert [(v.factcheck_id, v.version, bytes(v.data)) for v in vectors.all()] == [
            (embedded.pk, "enc-1", b"\x01" * 16)
        ]

        apps = _migrate(BEFORE)
        back = dict(apps.get_model("annotations", "FactCheck").objects.values_list("pk", "embedding_version"))
        assert back == {embedded.pk: "enc-1", bare.pk: ""}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    # The search still follows the table both ways (on SQLite a rebuilt table loses its triggers).
    from annotations.models import FactCheck as Current
    from annotations.selectors.factchecks import factcheck_candidates

    later = Current.objects.create(source="imported", claim_text="Zebra numbers doubled", review_url="https://c.example/3")
    assert [row.id for row in factcheck_candidates(text="zebra numbers")] == [later.pk]
    Current.objects.filter(pk=embedded.pk).update(claim_text="Imports of zebras halved")
    assert [row.id for row in factcheck_candidates(text="imports halved")] == [embedded.pk]
