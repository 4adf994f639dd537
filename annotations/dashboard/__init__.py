"""The desk's dashboard (``/admin/dashboard/``): how much waits, how fast it is reviewed, whether
the extraction queue is being consumed.

- ``figures``: the aggregate reads (items by status, backlog, time to verdict, reviewers,
  disagreement, queue health). Reads only.
- ``snapshot``: the desk-wide figures kept in one ``DashboardSnapshot`` row, recomputed by a
  periodic task (one upsert), and the rule for when the kept row may be shown.
- ``heartbeats``: a worker notes it is consuming the queue; ``figures.queue_health`` reads it.
- ``charts``: presentation only (bar widths for the inline SVG, durations as text).
- ``views``: the admin page, which refreshes a missing or stale snapshot itself.

The rows live in ``annotations.models.monitoring``.
"""
