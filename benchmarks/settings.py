"""Settings for benchmark servers: the service's own, plus a bare reference view, no throttling."""

from factcheck.settings import *  # noqa: F403 - the benchmark measures the service as configured
from factcheck.settings import REST_FRAMEWORK

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
# Load tests send far more requests per user than any person would.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": [], "DEFAULT_THROTTLE_RATES": {}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# redis-py 8 reads with a 5 s socket timeout by default, as long as channels_redis's blocking
# receive waits (BZPOPMIN, 5 s), so a process whose layer stays quiet for 5 s has its receive
# fail with TimeoutError and the consumer running it dies with its socket
# (django/channels_redis#422). While the service names its hosts as plain URLs (no timeout of
# its own), the benchmark gives them a longer read timeout so it measures the desk, not the crash.
for _layer in CHANNEL_LAYERS.values():  # noqa: F405 - from the service's settings
    _config = _layer.get("CONFIG", {})
    _config["hosts"] = [
        {"address": host, "socket_timeout": 15} if isinstance(host, str) else host for host in _config.get("hosts", [])
    ]
