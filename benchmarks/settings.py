"""Settings for benchmark servers: the service's own, plus a bare reference view, no throttling."""

from factcheck.settings import *  # noqa: F403 - the benchmark measures the service as configured
from factcheck.settings import REST_FRAMEWORK

ROOT_URLCONF = "benchmarks.urls"
DEBUG = False
# Load tests send far more requests per user than any person would.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": [], "DEFAULT_THROTTLE_RATES": {}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
