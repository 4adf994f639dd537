"""API plumbing every app shares: errors, parsers, pagination, permissions, authentication."""
