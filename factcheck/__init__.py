"""The Django project: settings, URLs and the Celery app of the fact-check service."""

from factcheck.celery import app as celery_app

__all__ = ["celery_app"]
