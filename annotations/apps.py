from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    """The domain: articles, revisions, extraction jobs, claims and quotes."""

    name = "annotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the read cache's receivers (see the module's docstring).
        from annotations import signals  # noqa: F401
