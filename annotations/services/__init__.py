"""Writes of the domain, one module per area. Views, tasks and admin call these; they decide."""
