"""Renderers of the interoperability endpoints: JSON and JSON-LD that a page may embed as they are.

Sites publish ClaimReview by pasting it into ``<script type="application/ld+json">``; a ``</script>``
in a claim's text or an article's headline would close that element and run what follows. So
``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, as Django's
``json_script`` does: the same JSON to a parser, inert to an HTML one.
"""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer

# In JSON these three can only stand inside strings, where a \u escape means the same character.
_SCRIPT_SAFE = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"))


class ScriptSafeJSONRenderer(JSONRenderer):
    """DRF's JSON with ``<``, ``>`` and ``&`` escaped, safe to embed in a ``<script>`` element."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rendered = super().render(data, accepted_media_type, renderer_context)
        for character, escape in _SCRIPT_SAFE:
            rendered = rendered.replace(character, escape)
        return rendered


class JSONLDRenderer(ScriptSafeJSONRenderer):
    """JSON-LD for clients that ask for it (``Accept: application/ld+json``)."""

    media_type = "application/ld+json"
    format = "jsonld"
