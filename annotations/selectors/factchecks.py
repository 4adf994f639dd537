"""Reads of the fact-check library: candidates by the database's own text search, and matches as
a reader may see them.

Candidate retrieval is raw SQL because each database's search is its own: on PostgreSQL the
stored ``search_vector`` (GIN), plus ``pg_trgm`` similarity on the claim for near-identical
wording; on SQLite the FTS5 tables ranked by ``bm25``. Both are built by migration 0009. The
words of the query are reduced to plain lowercase words, so no character of the claim is ever
read as search syntax.

On PostgreSQL a word that a large share of the library holds would make the search read and
rank most of the table (tens of thousands of rows at 100,000 fact-checks). So the query keeps
its rarest words, by the counts of ``FactCheckTerm``, until the rows they can match reach
``QUERY_ROW_BUDGET``; when even the rarest word is past it, a candidate must hold the two rarest
words. Candidates are scored by the summed inverse document frequency of the kept words they
hold (the share of the query's distinctive words a fact-check shares), which reads no positions.
The reranker in the worker scores the set again by itself; this only chooses the set.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from annotations.models import ClaimMatch, FactCheck, FactCheckVector, Item, MatchJob
from annotations.selectors.reviews import Reader, status_shown_condition

# How many candidates the database hands the reranker, and how many words of a query it searches.
CANDIDATES = 50
MAX_QUERY_WORDS = 40
# PostgreSQL: how many fact-checks the kept words of one query may match, by the kept counts.
QUERY_ROW_BUDGET = 2000
# How many of the words past the budget may be asked for in pairs (at most 15 pairs of 6).
PAIRED_TERMS = 6
# A word held by more than this share of the library is never asked for, alone or in a pair.
PAIR_MAX_SHARE = 0.1
# Below this pg_trgm similarity a claim is not "the same wording".
TRIGRAM_THRESHOLD = 0.35

# Words that occur in nearly every claim: searching for them costs time and ranks nothing.
_STOPWORDS = frozenset(
    "a an and are as at be been but by for from had has have he her his i in is it its of on or our she "
    "that the their them there they this to was we were what when which who will with you your not no "
    "said says say".split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class CandidateRow:
    """A row the database found for a query: its id, text to compare, stored embedding and lexical
    score (``None`` when the row was found by another measure than the words, e.g. trigrams)."""

    id: int
    text: str
    lexical: float | None
    embedding: bytes | None = None
    embedding_version: str = ""


def search_words(text: str) -> list[str]:
    """The distinct searchable words of ``text``, lowercase, in order, at most ``MAX_QUERY_WORDS``."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in _STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def factcheck_match_text(*, claim_text: str, title: str) -> str:
    """The text of a fact-check that is embedded and compared: its claim, then its title when it has a
    different one (the engine's ``workers.matching.fact_text``, which stored embeddings must agree with)."""
    claim, title = claim_text.strip(), title.strip()
    return f"{claim} {title}".strip() if title and title != claim else claim


def factcheck_candidates(
    *, text: str, exclude_article_id: int | None = None, item_id: int | None = None, limit: int = CANDIDATES
) -> list[CandidateRow]:
    """The fact-checks whose words best match ``text``, best first (at most ``limit``).

    Skips the desk's checks of ``exclude_article_id`` (an article does not match itself) and the
    pairs a reviewer rejected for ``item_id``.
    """
    words = search_words(text)
    if not words:
        return []
    params: list = []
    where = []
    if exclude_article_id is not None:
        where.append("(f.article_id IS NULL OR f.article_id <> %s)")
        params.append(exclude_article_id)
    if item_id is not None:
        where.append(
            "NOT EXISTS (SELECT 1 FROM annotations_claimmatch m WHERE m.item_id = %s AND m.factcheck_id = f.id "
            "AND m.feedback = 'rejected')"
        )
        params.append(item_id)
    extra = "".join(f" AND {condition}" for condition in where)
    # The stored vector, from its own table; the search itself never reads that table.
    columns = "f.id, f.claim_text, f.title, v.data, v.version"
    vectors = "LEFT JOIN annotations_factcheckvector v ON v.factcheck_id = f.id"
    if connection.vendor == "postgresql":
        terms, library = _weighted_terms(words)
        match, score, score_params = _pg_match_and_score(terms, library) if terms else ("", "", [])
        rows = []
        if match:
            sql = (
                f"SELECT {columns}, best.lexical FROM ("  # noqa: S608 - fixed fragments only
                f"SELECT f.id, {score} AS lexical FROM annotations_factcheck f "
                f"WHERE f.search_vector @@ %s::tsquery{extra} ORDER BY lexical DESC, f.id LIMIT %s"
                f") best JOIN annotations_factcheck f ON f.id = best.id {vectors} ORDER BY best.lexical DESC, best.id"
            )
            rows = _fetch(sql, [*score_params, match, *params, limit])
        # The trigram search reads the posting list of every trigram of the claim: one word held
        # by most of the library makes it read most of the index (a second for 100,000 rows).
        too_common = any(term.documents > common_count(library) for term in terms)
        if len(rows) < limit and not too_common:
            trigram = (
                f"SELECT {columns}, similarity(f.claim_text, %s) AS lexical "  # noqa: S608 - fixed fragments only
                f"FROM annotations_factcheck f {vectors} WHERE f.claim_text %% %s{extra} "
                "ORDER BY lexical DESC, f.id LIMIT %s"
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_limit(%s)", [TRIGRAM_THRESHOLD])
            seen = {row[0] for row in rows}
            # A similarity is not on the word score's scale: these rows carry no lexical score,
            # so the reranker scores the whole set's words itself (BM25 within the set).
            rows += [(*row[:5], None) for row in _fetch(trigram, [text, text, *params, limit]) if row[0] not in seen]
        return _as_candidates(rows[:limit])
    if connection.vendor == "sqlite":
        sql = (
            f"SELECT {columns}, -bm25(annotations_factcheck_fts) AS lexical "  # noqa: S608 - fixed fragments only
            "FROM annotations_factcheck_fts JOIN annotations_factcheck f ON f.id = annotations_factcheck_fts.rowid "
            f"{vectors} WHERE annotations_factcheck_fts MATCH %s{extra} ORDER BY lexical DESC, f.id LIMIT %s"
        )
        return _as_candidates(_fetch(sql, [_fts5_query(words), *params, limit]))
    raise NotImplementedError(f"No fact-check search on {connection.vendor}: use PostgreSQL or SQLite.")


@dataclass(frozen=True)
class Term:
    """A search word of a query on PostgreSQL: its lexeme, how many fact-checks hold it, its weight."""

    lexeme: str
    documents: int
    weight: float


def _weighted_terms(words: list[str]) -> tuple[list[Term], float]:
    """The lexemes of ``words`` (PostgreSQL's ``english`` configuration, as the stored vectors),
    rarest first, with their kept counts and inverse document frequencies."""
    sql = (
        "SELECT v.lexeme, COALESCE(t.documents, 0), "
        "(SELECT GREATEST(c.reltuples, 0) FROM pg_class c WHERE c.oid = 'annotations_factcheck'::regclass) "
        "FROM unnest(to_tsvector('english', %s)) v LEFT JOIN annotations_factcheckterm t ON t.lexeme = v.lexeme"
    )
    rows = _fetch(sql, [" ".join(words)])
    if not rows:
        return [], 0.0
    # The planner's row estimate is enough for a weight; never below the largest count seen.
    library = max([float(rows[0][2] or 0)] + [float(row[1]) for row in rows] + [1.0])
    terms = [
        Term(lexeme, documents, math.log(1.0 + (library - documents + 0.5) / (documents + 0.5)))
        for lexeme, documents, _ in rows
    ]
    return sorted(terms, key=lambda term: (term.documents, term.lexeme)), library


@dataclass(frozen=True)
class SearchPlan:
    """What a PostgreSQL candidate search asks for: rows holding any of ``singles``, or both words
    of any of ``pairs``; a row scores the weights of every word of ``scored`` it holds."""

    singles: list[Term]
    pairs: list[tuple[Term, Term]]

    @property
    def scored(self) -> list[Term]:
        terms = list(self.singles)
        for pair in self.pairs:
            terms += [term for term in pair if term not in terms]
        return terms


def common_count(library: float, *, budget: int | None = None) -> float:
    """How many fact-checks must hold a word for it to be too common to search for: a share of a
    large library, never under the budget (in a small library every word is searched for)."""
    return max(PAIR_MAX_SHARE * library, QUERY_ROW_BUDGET if budget is None else budget)


def search_plan(terms: list[Term], *, library: float, budget: int | None = None) -> SearchPlan:
    """Choose the words a search asks for, from ``terms`` (rarest first), so the rows it can
    match stay near ``budget``.

    The rarest words are asked for alone while their counts fit the budget. Commoner words (the
    next ``PAIRED_TERMS``) are asked for two at a time: a fact-check holding two of a claim's
    common words is a likelier match than one holding one, and far fewer rows hold both. Pairs
    are added, fewest expected rows first (counts taken as independent), while the budget lasts;
    when nothing fits at all, the pair expected to match fewest rows is asked for anyway. A word
    held by more than ``PAIR_MAX_SHARE`` of a large library is never asked for: a claim made
    only of such words has no word candidates (the trigram search may still find its wording).
    """
    budget = QUERY_ROW_BUDGET if budget is None else budget
    singles, rows = [], 0
    for term in terms:
        if rows + term.documents > budget:
            break
        singles.append(term)
        rows += term.documents
    # A word most of the library holds tells no row apart, and reading its long posting list for
    # every pair would cost more than the pairs save.
    common = common_count(library, budget=budget)
    rest = [term for term in terms[len(singles) :] if term.documents <= common][:PAIRED_TERMS]
    candidates = sorted(
        ((first.documents * second.documents / max(library, 1.0), first, second)
         for position, first in enumerate(rest) for second in rest[position + 1 :]),
        key=lambda pair: pair[0],
    )
    pairs = []
    for expected, first, second in candidates:
        if rows + expected > budget and (singles or pairs):
            break
        pairs.append((first, second))
        rows += expected
    if not singles and not pairs and terms and terms[0].documents <= common:
        singles = terms[:1]  # one word past the budget but not common: the search still answers
    return SearchPlan(singles=singles, pairs=pairs)


def _tsquery_lexeme(lexeme: str) -> str:
    # A quoted lexeme is taken as it is (no stemming again, no operator read inside it).
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _pg_match_and_score(terms: list[Term], library: float) -> tuple[str, str, list]:
    """The tsquery that chooses the rows, and the SQL score (with its parameters): the summed
    weights of the asked-for words a row holds."""
    plan = search_plan(terms, library=library)
    quoted = {term.lexeme: _tsquery_lexeme(term.lexeme) for term in plan.scored}
    match = " | ".join(
        [quoted[term.lexeme] for term in plan.singles]
        + [f"({quoted[first.lexeme]} & {quoted[second.lexeme]})" for first, second in plan.pairs]
    )
    # float8, not numeric (what a bare literal becomes): the sum is computed for every row the
    # search matches, and numeric arithmetic made it twice as costly.
    score = " + ".join(["(CASE WHEN f.search_vector @@ %s::tsquery THEN %s::float8 ELSE 0 END)"] * len(plan.scored))
    params: list = []
    for term in plan.scored:
        params += [quoted[term.lexeme], term.weight]
    return match, f"({score})", params


def open_claim_candidates(*, text: str, exclude_article_id: int | None, limit: int = CANDIDATES) -> list[CandidateRow]:
    """The open claims (unverified, live, on current text, on unpublished articles) whose words
    best match ``text`` (a new fact-check), best first: bounded, whatever the number of claims."""
    words = search_words(text)
    if not words:
        return []
    params: list = []
    extra = ""
    if exclude_article_id is not None:
        extra = " AND r.article_id <> %s"
        params.append(exclude_article_id)
    open_items = (
        "i.kind = 'claim' AND i.status = 'unverified' AND i.dismissed = %s AND i.orphaned = %s "
        "AND a.published_at IS NULL"
    )
    joins = (
        "JOIN annotations_articlerevision r ON r.id = i.revision_id "
        "JOIN annotations_article a ON a.id = r.article_id"
    )
    if connection.vendor == "postgresql":
        sql = (
            "SELECT i.id, i.text, '', NULL, '', ts_rank_cd(to_tsvector('english', i.text), q) AS lexical "  # noqa: S608
            f"FROM annotations_item i {joins}, to_tsquery('english', %s) q "
            f"WHERE to_tsvector('english'::regconfig, i.text) @@ q AND {open_items}{extra} "
            "ORDER BY lexical DESC, i.id LIMIT %s"
        )
        return _as_candidates(_fetch(sql, [" | ".join(words), False, False, *params, limit]))
    if connection.vendor == "sqlite":
        sql = (
            "SELECT i.id, i.text, '', NULL, '', -bm25(annotations_item_fts) AS lexical "  # noqa: S608
            f"FROM annotations_item_fts JOIN annotations_item i ON i.id = annotations_item_fts.rowid {joins} "
            f"WHERE annotations_item_fts MATCH %s AND {open_items}{extra} ORDER BY lexical DESC, i.id LIMIT %s"
        )
        return _as_candidates(_fetch(sql, [_fts5_query(words), False, False, *params, limit]))
    raise NotImplementedError(f"No claim search on {connection.vendor}: use PostgreSQL or SQLite.")


def _fts5_query(words: list[str]) -> str:
    # Each word quoted: FTS5 reads it as a string, never as an operator or a column name.
    return " OR ".join('"' + word.replace('"', "") + '"' for word in words)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_candidates(rows: list[tuple]) -> list[CandidateRow]:
    return [
        CandidateRow(
            id=row[0],
            text=factcheck_match_text(claim_text=row[1], title=row[2] or ""),
            embedding=bytes(row[3]) if row[3] is not None else None,
            embedding_version=row[4] or "",
            lexical=float(row[5]) if row[5] is not None else None,
        )
        for row in rows
    ]


def matches_visible_to(*, item: Item, reader: Reader) -> QuerySet[ClaimMatch]:
    """The item's matches ``reader`` may see, best first: never a rejected one, and a desk check's
    verdict only where the reader may see that item's status (blind mode, ``rules.visibility``)."""
    matches = (
        ClaimMatch.objects.filter(item=item)
        .exclude(feedback=ClaimMatch.Feedback.REJECTED)
        .select_related("factcheck", "factcheck__article", "feedback_by")
        .order_by("-score", "id")
    )
    condition = status_shown_condition(
        reader, article="factcheck__item__revision__article", item="factcheck__item_id"
    )
    if condition is not None:
        matches = matches.filter(Q(factcheck__item__isnull=True) | condition)
    return matches


def items_with_match(items: QuerySet[Item], *, has_match: bool, reader: Reader) -> QuerySet[Item]:
    """``items`` that have (or have not) a match ``reader`` may see (the ``has_match`` filter)."""
    visible = ClaimMatch.objects.filter(item=OuterRef("pk")).exclude(feedback=ClaimMatch.Feedback.REJECTED)
    condition = status_shown_condition(
        reader, article="factcheck__item__revision__article", item="factcheck__item_id"
    )
    if condition is not None:
        visible = visible.filter(Q(factcheck__item__isnull=True) | condition)
    return items.filter(Exists(visible)) if has_match else items.exclude(Exists(visible))


def latest_match_job(*, revision_id: int) -> MatchJob | None:
    """The latest matching run of the revision (its status and error are shown with the matches)."""
    return MatchJob.objects.filter(revision_id=revision_id).order_by("-id").first()


def factchecks_to_embed(*, version: str, batch: int) -> QuerySet[FactCheck]:
    """Fact-checks without an embedding of encoder ``version``, oldest first, ``batch`` at most."""
    current = FactCheckVector.objects.filter(factcheck=OuterRef("pk"), version=version)
    return (
        FactCheck.objects.filter(~Exists(current)).only("id", "claim_text", "title").order_by("id")[:batch]
    )


__all__ = [
    "CANDIDATES",
    "CandidateRow",
    "common_count",
    "factcheck_candidates",
    "factcheck_match_text",
    "factchecks_to_embed",
    "items_with_match",
    "latest_match_job",
    "matches_visible_to",
    "open_claim_candidates",
    "search_plan",
    "search_words",
]
