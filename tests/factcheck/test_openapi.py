"""The OpenAPI schema is valid and generates without a warning (ambiguous enum names included)."""

from __future__ import annotations

from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path, db):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    schema = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/articles/{id}/claims/" in schema and "ItemStatusEnum" in schema
