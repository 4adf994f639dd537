"""API views by resource: parse, call a selector or a service, serialise. They decide nothing."""
