from django.apps import AppConfig


class WorkersConfig(AppConfig):
    """Celery tasks and the extraction engine (whose core, ``workers.extraction``, is Django-free)."""

    name = "workers"

    def ready(self) -> None:
        from celery.signals import worker_init

        from workers.startup import load_claim_models

        worker_init.connect(load_claim_models, weak=False, dispatch_uid="workers.load_claim_models")
