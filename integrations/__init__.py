"""Interoperability: ClaimReview and Web Annotation, bulk import and export, webhooks.

This app reads the domain (``annotations``) and writes to it only through its services; the
domain does not know this app exists (see ``signals`` for the one place it listens).
"""
