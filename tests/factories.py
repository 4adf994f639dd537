"""Factories for the domain's rows (factory_boy)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from annotations.models import Article, ArticleRevision, ExtractionJob, Item
from annotations.rules.spans import content_hash


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        """``UserFactory(role="editor")`` puts the user in that role's group."""
        if create and extracted:
            # get_or_create: a transactional test's flush also empties the migration-made groups.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    ingest_key = factory.Sequence(lambda n: f"sha256:test-{n}")
    added_by = factory.SubFactory(UserFactory)


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleRevision

    article = factory.SubFactory(ArticleFactory)
    number = 1
    body = "The minister said unemployment fell to 4.1 percent in June."
    content_hash = factory.LazyAttribute(lambda revision: content_hash(revision.body))


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtractionJob

    article = factory.LazyAttribute(lambda job: job.revision.article)
    revision = factory.SubFactory(RevisionFactory)


def article_with_revision(*, body: str, **article_fields) -> Article:
    """An article whose current revision holds ``body`` and whose current job is queued."""
    article = ArticleFactory(**article_fields)
    revision = RevisionFactory(article=article, body=body)
    job = JobFactory(article=article, revision=revision)
    article.current_revision = revision
    article.current_job = job
    article.save()
    return article


class ItemFactory(factory.django.DjangoModelFactory):
    """An item spanning the first ``length`` characters after ``start`` of its revision."""

    class Meta:
        model = Item

    class Params:
        length = 10

    kind = Item.Kind.CLAIM
    revision = factory.SubFactory(RevisionFactory)
    start = 0
    end = factory.LazyAttribute(lambda item: item.start + item.length)
    text = factory.LazyAttribute(lambda item: item.revision.body[item.start : item.end])
    score = 0.5
