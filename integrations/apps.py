from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Standards and interoperability: exports, imports and webhook subscribers."""

    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the receivers that turn domain events into webhook deliveries.
        from integrations import signals  # noqa: F401
