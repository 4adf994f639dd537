"""API plumbing every app shares: errors, parsers, pagination, permissions, authentication,
strict input serializers and If-Match/ETag preconditions."""
