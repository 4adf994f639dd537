from django.apps import AppConfig


class WorkersConfig(AppConfig):
    """Celery tasks and the extraction engine (whose core, ``workers.extraction``, is Django-free)."""

    name = "workers"
