from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    """The domain: articles, revisions, extraction jobs, claims and quotes."""

    name = "annotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The read cache's and the live desk's receivers; imported here as they need the models loaded.
        from annotations.live import signals as live_signals
        from annotations.readcache import invalidation

        invalidation.connect()
        live_signals.connect()
