"""W3C Web Annotation (JSON-LD) export and import of an article's items and reviews.

Export: an ``AnnotationCollection`` with one ``Annotation`` per live item of the current text
(motivation ``highlighting``, a ``tagging`` body naming the kind, a ``describing`` body with a
quote's speaker) and one per current review (motivation ``assessing``: the verdict as an
``assessing`` body, the rationale as a ``commenting`` body, each piece of evidence as a
``linking`` body). Every target carries a ``TextQuoteSelector`` (exact, prefix, suffix) and a
``TextPositionSelector`` (start, end in code points of the article's ``text``).

Import: the same shapes, anchored again to the article's *current* text (the position when
it still holds the exact words, else the quote and its context via ``annotations.rules.anchoring``),
created through the domain's services (``item_add``, ``review_submit``) so every change is
versioned and recorded. Nothing is dropped silently: each annotation is reported as created,
existing, reviewed, unanchored or failed, with its index and reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from annotations.models import Article, Item, Review
from annotations.rules.anchoring import reanchor
from annotations.rules.spans import span_context, span_problem
from annotations.selectors import live_item_at
from annotations.services.items import item_add, item_write_at_current_version
from annotations.services.review import review_submit
from factcheck.errors import Conflict, InvalidInput, Locked, NotFound, ServiceError, StaleVersion

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
KINDS = tuple(Item.Kind.values)
VERDICTS = tuple(Item.Status.values)
# Annotations one import request may hold (the README and the endpoint's OpenAPI description say
# so): each is anchored in the whole text, fuzzily when its words changed, inside the request.
IMPORT_MAX_ANNOTATIONS = 1000


# --- Export ----------------------------------------------------------------------------------


def _selectors(item: Item, body: str) -> list[dict[str, Any]]:
    """Both selectors of an item of the revision whose text is ``body``; the context is read from the
    text itself, so it is exactly what surrounds the span now."""
    prefix, suffix = span_context(body, item.start, item.end, width=Item.CONTEXT_CHARS)
    return [
        {"type": "TextQuoteSelector", "exact": item.text, "prefix": prefix, "suffix": suffix},
        {"type": "TextPositionSelector", "start": item.start, "end": item.end},
    ]


def _item_annotation(item: Item, *, body: str, source: str, item_url: str) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": item.kind}]
    if item.kind == Item.Kind.QUOTE and item.speaker:
        bodies.append({"type": "TextualBody", "purpose": "describing", "value": item.speaker})
    creator = (
        {"type": "Person", "nickname": item.created_by.get_username()}
        if item.created_by_id
        else {"type": "Software", "name": f"extractor {item.extractor_version}".strip()}
    )
    return {
        "id": item_url,
        "type": "Annotation",
        "motivation": "highlighting",
        "created": item.created_at.isoformat(),
        "modified": item.updated_at.isoformat(),
        "creator": creator,
        "body": bodies,
        "target": {"source": source, "selector": _selectors(item, body)},
    }


def _review_annotation(review: Review, item: Item, *, body: str, source: str, item_url: str) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "assessing", "value": review.verdict},
        {"type": "TextualBody", "purpose": "tagging", "value": item.kind},
    ]
    if review.rationale:
        bodies.append(
            {"type": "TextualBody", "purpose": "commenting", "value": review.rationale, "format": "text/plain"}
        )
    bodies += [
        {"id": entry["url"], "type": "Text", "purpose": "linking"} for entry in review.evidence if entry.get("url")
    ]
    return {
        "id": f"{item_url}#review-{review.pk}",
        "type": "Annotation",
        "motivation": "assessing",
        "created": review.created_at.isoformat(),
        "creator": {"type": "Person", "nickname": review.reviewer.get_username()},
        "body": bodies,
        "target": {"source": source, "selector": _selectors(item, body)},
    }


def annotation_collection(
    *,
    article: Article,
    items: Iterable[Item],
    reviews_of: Callable[[Item], list[Review]],
    collection_url: str,
    source: str,
    item_url: Callable[[Item], str],
) -> dict[str, Any]:
    """The article's items (on its current text) and the reviews ``reviews_of`` allows, as one
    AnnotationCollection."""
    body = article.current_revision.body if article.current_revision else ""
    annotations: list[dict[str, Any]] = []
    for item in items:
        url = item_url(item)
        annotations.append(_item_annotation(item, body=body, source=source, item_url=url))
        annotations += [
            _review_annotation(review, item, body=body, source=source, item_url=url) for review in reviews_of(item)
        ]
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_url,
        "type": "AnnotationCollection",
        "label": article.title or f"Article {article.pk}",
        "total": len(annotations),
        "first": {"id": f"{collection_url}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": annotations},
    }


# --- Import ----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What happened to each annotation of an import, by its index in the posted list."""

    created: list[dict[str, Any]] = field(default_factory=list)
    existing: list[dict[str, Any]] = field(default_factory=list)
    reviewed: list[dict[str, Any]] = field(default_factory=list)
    unanchored: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "existing": self.existing,
            "reviewed": self.reviewed,
            "unanchored": self.unanchored,
            "failed": self.failed,
        }


class TooManyAnnotations(ServiceError):
    """More annotations in one request than ``IMPORT_MAX_ANNOTATIONS``."""

    status_code = 413
    code = "too_large"


def annotations_from_document(document: Any) -> list[Any]:
    """The annotations of a posted document: a collection, a page, a list, or one annotation.

    At most ``IMPORT_MAX_ANNOTATIONS`` of them; more is refused whole (``TooManyAnnotations``).
    """
    annotations = _annotations_in(document)
    if len(annotations) > IMPORT_MAX_ANNOTATIONS:
        raise TooManyAnnotations(
            f"{len(annotations)} annotations in one request; the limit is {IMPORT_MAX_ANNOTATIONS}. "
            "Send them in several requests."
        )
    return annotations


def _annotations_in(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise InvalidInput("Send a Web Annotation, an AnnotationPage, an AnnotationCollection or a list of them.")
    kind = document.get("type")
    if kind == "AnnotationCollection":
        first = document.get("first")
        if isinstance(first, dict):
            return _as_list(first.get("items"))
        raise InvalidInput(
            "An AnnotationCollection must embed its first page ('first': {'items': [...]}).",
            fields={"first": ["Embed the page with its items."]},
        )
    if kind == "AnnotationPage":
        return _as_list(document.get("items"))
    if kind == "Annotation":
        return [document]
    raise InvalidInput(
        "'type' must be Annotation, AnnotationPage or AnnotationCollection.", fields={"type": [f"Got {kind!r}."]}
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class ParsedAnnotation:
    index: int
    id: str
    kind: str
    is_review: bool
    quote: dict[str, Any] | None
    position: tuple[int, int] | None
    verdict: str = ""
    rationale: str = ""
    evidence: tuple[str, ...] = ()
    speaker: str = ""


def _parse(index: int, annotation: Any) -> ParsedAnnotation:
    if not isinstance(annotation, dict) or annotation.get("type") != "Annotation":
        raise InvalidInput("Not an object of type 'Annotation'.")
    bodies = [body for body in _as_list(annotation.get("body")) if isinstance(body, dict)]

    def values(purpose: str) -> list[str]:
        return [str(b.get("value", "")) for b in bodies if b.get("purpose") == purpose and "value" in b]

    kind = next((value for value in values("tagging") if value in KINDS), Item.Kind.CLAIM)
    motivations = _as_list(annotation.get("motivation"))
    verdicts = values("assessing")
    is_review = "assessing" in motivations or bool(verdicts)
    if is_review and (not verdicts or verdicts[0] not in VERDICTS):
        raise InvalidInput(f"An assessing annotation needs an 'assessing' body with one of: {', '.join(VERDICTS)}.")
    quote = None
    position = None
    for target in _as_list(annotation.get("target")):
        if not isinstance(target, dict):
            continue
        for selector in _as_list(target.get("selector")):
            if not isinstance(selector, dict):
                continue
            if selector.get("type") == "TextQuoteSelector" and isinstance(selector.get("exact"), str):
                quote = quote or selector
            elif selector.get("type") == "TextPositionSelector":
                start, end = selector.get("start"), selector.get("end")
                if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
                    position = position or (start, end)
    if quote is None and position is None:
        raise InvalidInput("The target has no TextQuoteSelector or TextPositionSelector.")
    return ParsedAnnotation(
        index=index,
        id=str(annotation.get("id", "")),
        kind=kind,
        is_review=is_review,
        quote=quote,
        position=position,
        verdict=verdicts[0] if verdicts else "",
        rationale="\n\n".join(values("commenting")),
        evidence=tuple(str(b["id"]) for b in bodies if b.get("purpose") == "linking" and b.get("id")),
        speaker=next(iter(values("describing")), "") if kind == Item.Kind.QUOTE else "",
    )


def anchor_in(text: str, *, quote: dict[str, Any] | None, position: tuple[int, int] | None) -> tuple[int, int, bool]:
    """Where the annotation's words stand in ``text``: ``(start, end, exact)``.

    The position wins while it still holds the exact words (or when there is no quote to check
    it against); otherwise the quote is searched with its context, exactly first, then by the
    same context and fuzzy matching that carries items across revisions. Raises ``LookupError``.
    """
    exact = quote.get("exact", "") if quote else None
    if position is not None:
        start, end = position
        if span_problem(text, start, end, text=exact, allow_blank=True) is None:
            return start, end, True
    if not exact:
        raise LookupError("The position is outside the article's text and there is no quote to search for.")
    prefix = str(quote.get("prefix") or "")[-Item.CONTEXT_CHARS :]
    suffix = str(quote.get("suffix") or "")[: Item.CONTEXT_CHARS]
    # The annotated text is not at hand, only the quote in its context; among several equal hits
    # the one nearest the posted position wins. The position is a client's number: it is clamped
    # to the text and never used to size anything (padding to it cost 2 GB at start=10**9).
    anchor = reanchor(
        old_text=prefix + exact + suffix,
        new_text=text,
        start=len(prefix),
        end=len(prefix) + len(exact),
        prefix=prefix,
        suffix=suffix,
        near=min(position[0], len(text)) if position else None,
    )
    if anchor is None:
        raise LookupError(f"{exact[:80]!r} is not in the article's current text, not even approximately.")
    return anchor.start, anchor.end, anchor.exact


def annotations_import(*, article_id: int, user: AbstractBaseUser, annotations: list[Any]) -> ImportReport:
    """Import Web Annotations onto the article's current text as items and reviews by ``user``.

    Items come first, so a review in the same import can refer to an item it creates; a review
    of a span with no item creates the item. Each write is its own transaction (one bad
    annotation does not undo the others). Reviews are submitted as ``user`` with the item's
    current version; one identical to ``user``'s current review of the item is not repeated,
    so importing the same file twice changes nothing the second time.
    """
    article = Article.objects.select_related("current_revision").filter(pk=article_id).first()
    if article is None:
        raise NotFound(f"No article with id {article_id}.")
    if article.is_published:
        raise Locked("The article is published: reopen it before importing annotations.")
    if article.current_revision is None:
        raise Conflict("The article has no text yet (its page is still being fetched).")
    text = article.current_revision.body
    report = ImportReport()
    parsed: list[ParsedAnnotation] = []
    for index, annotation in enumerate(annotations):
        try:
            parsed.append(_parse(index, annotation))
        except InvalidInput as exc:
            ident = annotation.get("id", "") if isinstance(annotation, dict) else ""
            report.failed.append({"index": index, "id": ident, "reason": exc.message})
    # Items before reviews; within each, the order of the document.
    for annotation in sorted(parsed, key=lambda a: (a.is_review, a.index)):
        try:
            start, end, exact = anchor_in(text, quote=annotation.quote, position=annotation.position)
        except LookupError as exc:
            report.unanchored.append({"index": annotation.index, "id": annotation.id, "reason": str(exc)})
            continue
        try:
            item = _import_item(annotation, article, user, start, end, exact, report)
            if annotation.is_review:
                _import_review(annotation, item, user, report)
        except ServiceError as exc:
            report.failed.append({"index": annotation.index, "id": annotation.id, "reason": exc.message})
    return report


def _import_item(
    annotation: ParsedAnnotation, article: Article, user: AbstractBaseUser, start: int, end: int, exact: bool,
    report: ImportReport,
) -> Item:
    revision_id = article.current_revision_id
    entry = {"index": annotation.index, "id": annotation.id, "kind": annotation.kind, "start": start, "end": end}
    item = live_item_at(revision_id=revision_id, kind=annotation.kind, start=start, end=end)
    if item is None:
        try:
            item = item_add(
                article_id=article.pk, kind=annotation.kind, user=user, start=start, end=end, speaker=annotation.speaker
            )
        except Conflict:
            # Someone added the same span a moment ago: that item is the one.
            item = live_item_at(revision_id=revision_id, kind=annotation.kind, start=start, end=end)
            if item is None:
                raise
        else:
            report.created.append({**entry, "item": item.pk, "match": "exact" if exact else "approximate"})
            return item
    if not annotation.is_review:
        report.existing.append({**entry, "item": item.pk})
    return item


def _import_review(annotation: ParsedAnnotation, item: Item, user: AbstractBaseUser, report: ImportReport) -> None:
    evidence = [{"url": url} for url in annotation.evidence if url.startswith(("http://", "https://"))]
    entry = {"index": annotation.index, "id": annotation.id, "item": item.pk, "verdict": annotation.verdict}
    current = Review.objects.filter(item_id=item.pk, reviewer=user, is_current=True).first()
    if current and (current.verdict, current.rationale) == (annotation.verdict, annotation.rationale):
        report.reviewed.append({**entry, "review": current.pk, "unchanged": True})
        return
    try:
        review, _item = item_write_at_current_version(
            item_id=item.pk,
            write=lambda now: review_submit(
                item_id=now.pk, kind=now.kind, reviewer=user, verdict=annotation.verdict,
                rationale=annotation.rationale, evidence=evidence, expected_version=now.version,
            ),
        )
    except StaleVersion:
        report.failed.append({**entry, "reason": "The item kept changing during the import; import it again."})
        return
    report.reviewed.append({**entry, "review": review.pk, "unchanged": False})
