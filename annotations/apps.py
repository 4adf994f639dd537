from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    """The domain: articles, revisions, extraction jobs, claims and quotes."""

    name = "annotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The read cache's receivers; imported here because they need the models loaded.
        from annotations.readcache import invalidation

        invalidation.connect()
