"""Ingestion: turn pasted text, a web page or a URL into an article with a queued extraction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from annotations.models import Article, ArticleRevision
from annotations.rules.spans import content_hash
from annotations.services.queue import extraction_job_create
from factcheck.errors import InvalidInput
from workers.extraction import clean_text
from workers.extraction.headline import headline_and_byline
from workers.extraction.html import document_from_html


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool


def normalise_url(url: str) -> str:
    """The form of a URL used to recognise the same page: lower-case scheme and host, no fragment."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def article_ingest(
    *,
    added_by: AbstractBaseUser,
    text: str | None = None,
    html: str | None = None,
    url: str | None = None,
    title: str = "",
    source_url: str = "",
    publisher: str = "",
    byline: str = "",
    published_date: dt.date | None = None,
    language: str = "",
) -> IngestResult:
    """Store a new article with its first revision and queue its extraction.

    Exactly one of ``text`` (pasted text, cleaned of page junk), ``html`` (a web page: the main
    text and metadata are taken from it) or ``url`` (fetched later by a worker) is given.
    Metadata passed explicitly wins over what is found in the page. Content already ingested
    (same cleaned body, or same URL) returns the existing article with ``created=False``.
    The extraction job is written in the same transaction and published after commit.
    """
    given = [name for name, value in (("text", text), ("html", html), ("url", url)) if value is not None]
    if len(given) != 1:
        raise InvalidInput(
            "Send exactly one of 'text', 'html' or 'url'.",
            fields={"non_field_errors": [f"Got {', '.join(given) or 'none of them'}."]},
        )

    body = ""
    if url is not None:
        source_url = source_url or url
        ingest_key = "url:" + content_hash(normalise_url(url))
    else:
        if html is not None:
            page = document_from_html(html, url=source_url or None)
            body = clean_text(page.text)
            field = "html"
            title = title or page.title
            byline = byline or page.byline
            publisher = publisher or page.publisher
            published_date = published_date or page.published_date
            language = language or page.language
        else:
            body = clean_text(text or "")
            field = "text"
            found_title, found_byline = headline_and_byline(body)
            title = title or found_title
            byline = byline or found_byline
        if not body.strip():
            raise InvalidInput(
                f"'{field}' has no article text once page junk is removed.",
                fields={field: ["This field has no article text."]},
                code="empty",
            )
        ingest_key = "sha256:" + content_hash(body)

    existing = Article.objects.filter(ingest_key=ingest_key).first()
    if existing is not None:
        return IngestResult(existing, created=False)

    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title[:500],
                source_url=source_url,
                publisher=publisher[:200],
                byline=byline[:300],
                published_date=published_date,
                language=language[:16],
                ingest_key=ingest_key,
                added_by=added_by,
            )
            revision = None
            if body:
                revision = ArticleRevision.objects.create(
                    article=article, number=1, body=body, content_hash=content_hash(body), created_by=added_by
                )
            extraction_job_create(
                article=article, revision_id=revision.pk if revision else None, source_url=url or ""
            )
            article.current_revision = revision
            article.save(update_fields=["current_revision", "current_job", "updated_at"])
    except IntegrityError:
        # Another request stored the same content a moment ago: answer with that article.
        existing = Article.objects.filter(ingest_key=ingest_key).first()
        if existing is None:
            raise
        return IngestResult(existing, created=False)
    return IngestResult(article, created=True)
