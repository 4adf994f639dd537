"""ASGI entry point: HTTP (the whole site, as under WSGI) and the live desk's WebSockets.

    uvicorn factcheck.asgi:application            # what `make run` serves, HTTP and sockets
    gunicorn factcheck.wsgi                        # HTTP alone; sockets then on another ASGI process

Sockets get Channels' session and auth middleware (the login cookie) and are answered by
``annotations.live``; the token route and the origin rule are the consumer's (``annotations.live.auth``),
so a refusal reaches the page as a close code instead of a bare 403.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# Django first: the routes below import models.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from annotations.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
