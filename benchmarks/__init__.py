"""Benchmarks of the service, each measured side by side with a reference in the same run.

Run them all with ``make bench`` (see BENCHMARKS.md); each module also runs alone.
"""
