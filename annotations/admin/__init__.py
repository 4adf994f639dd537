"""Django admin: articles, extraction jobs, claims and quotes, with columns and filters a desk uses.

Every list joins what it shows in its queryset (``list_select_related``), so a page costs a
fixed number of queries whatever its length, and counts at most ``COUNT_CAP`` rows (the
same capped paginator as the API) so a million-item table lists as fast as a small one.
Actions call services, so a bulk change is versioned and recorded in the history like any
other. The dashboard (``/admin/dashboard/``, ``annotations.dashboard``) is linked from the index.

One module per part of the desk: ``articles`` (articles and their revisions), ``jobs`` (the
extraction queue and the workers' heartbeats), ``items`` (claims and quotes), ``history``
(reviews and the audit trail, read-only), ``factchecks`` (the fact-check library, its matches and
matching runs); ``actions`` holds what the bulk actions share.
Django's autodiscovery imports this package; importing the modules registers their admins.
"""

from django.contrib import admin

from annotations.admin import articles, factchecks, history, items, jobs

__all__ = ["articles", "factchecks", "history", "items", "jobs"]

# The admin's home page links the dashboard above the model lists.
admin.site.index_template = "admin/annotations/index.html"
