"""Writes and builders of the integrations app, one module per standard or channel."""
