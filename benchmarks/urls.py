"""The service's URLs plus ``/bench/bare/``: the framework's ceiling under the same server."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def bare(request: HttpRequest) -> JsonResponse:
    """A plain Django view with a fixed JSON body: no auth, no database, no serializer."""
    return JsonResponse({"status": "ok", "items": [1, 2, 3]})


urlpatterns = [path("bench/bare/", bare), path("", include("factcheck.urls"))]
