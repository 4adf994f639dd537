"""Candidate retrieval for matching, in each database's own full-text search.

PostgreSQL: a stored ``tsvector`` of the fact-check's claim and title with a GIN index (word
search, ranked by ``ts_rank_cd``), a GIN trigram index on the claim (``pg_trgm``: near-identical
wording, misspellings), and a GIN index on the claims' text so a new fact-check finds the open
claims it matches. The generated column is not in Django's model state: Django never writes it.

SQLite (the embedded defaults): FTS5 tables over the same columns, external-content so the text
is stored once, kept in step with their tables by triggers.

Any other database gets neither; ``annotations.selectors.factchecks`` says so when asked.
"""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE annotations_factcheck ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english'::regconfig, claim_text || ' ' || title)) STORED",
    "CREATE INDEX factcheck_search_idx ON annotations_factcheck USING gin (search_vector)",
    "CREATE INDEX factcheck_claim_trgm_idx ON annotations_factcheck USING gin (claim_text gin_trgm_ops)",
    "CREATE INDEX item_claim_search_idx ON annotations_item USING gin (to_tsvector('english'::regconfig, text)) "
    "WHERE kind = 'claim'",
]
POSTGRES_UNDO = [
    "DROP INDEX IF EXISTS item_claim_search_idx",
    "DROP INDEX IF EXISTS factcheck_claim_trgm_idx",
    "DROP INDEX IF EXISTS factcheck_search_idx",
    "ALTER TABLE annotations_factcheck DROP COLUMN IF EXISTS search_vector",
]


def _fts5(table: str, columns: list[str]) -> list[str]:
    """An external-content FTS5 table over ``table``'s ``columns`` and the triggers that keep it."""
    fts = f"{table}_fts"
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _fts5_undo(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [f"DROP TRIGGER IF EXISTS {fts}_{suffix}" for suffix in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {fts}"]


SQLITE = _fts5("annotations_factcheck", ["claim_text", "title"]) + _fts5("annotations_item", ["text"])
SQLITE_UNDO = _fts5_undo("annotations_factcheck") + _fts5_undo("annotations_item")


def run(postgres: list[str], sqlite: list[str]):
    def apply(apps, schema_editor):
        statements = {"postgresql": postgres, "sqlite": sqlite}.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("annotations", "0008_factcheck_library")]
    operations = [migrations.RunPython(run(POSTGRES, SQLITE), run(POSTGRES_UNDO, SQLITE_UNDO))]
