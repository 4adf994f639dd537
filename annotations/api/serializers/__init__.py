"""API output shapes by resource, and the input shapes more than one endpoint takes.

An input serializer that only one action reads sits beside that action in ``views/``.
"""
