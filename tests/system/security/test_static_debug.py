"""Static files under DEBUG (``make run``): a path that climbs out of a static folder is a 404.

``runserver`` of ``django.contrib.staticfiles`` wraps the site in its ``StaticFilesHandler``,
whose finders raise ``SuspiciousFileOperation`` for ``/static/../x`` outside any middleware: the
development server answered 500. WhiteNoise, which serves the static files in every setting,
answers 404; the handler runserver builds is asked here for exactly those paths.
"""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import get_commands, load_command_class
from django.core.management.commands import runserver
from django.test import RequestFactory, override_settings

# A request sends ``request_started``, whose receiver checks the database connection that
# earlier tests in the same process opened: the tests need database access for that alone.
pytestmark = pytest.mark.django_db

TRAVERSALS = ["/static/../", "/static/../manage.py", "/static/admin/../../x", "/static/..%2f..%2fmanage.py"]


def _runserver_handler(monkeypatch):
    # runserver serves ``WSGI_APPLICATION``, which Python builds once per process, with the
    # settings of the test that first imported it; a fresh one is built under this test's.
    monkeypatch.setattr(runserver, "get_internal_wsgi_application", WSGIHandler)
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("manage.py", "runserver").parse_args([]))
    return command.get_handler(**options)


def _get(handler, path: str) -> str:
    statuses: list[str] = []
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    b"".join(handler(environ, lambda status, headers, *args: statuses.append(status)))
    return statuses[0]


@pytest.mark.attack("Static files (DEBUG)", "/static/../ paths on the development server", "404, not 500")
@pytest.mark.parametrize("path", TRAVERSALS)
@override_settings(DEBUG=True, WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_a_path_climbing_out_of_static_is_404_on_the_development_server(path, monkeypatch):
    handler = _runserver_handler(monkeypatch)

    assert _get(handler, path).startswith("404"), f"{path} must be not found"


@override_settings(DEBUG=True, WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_are_still_served_on_the_development_server(monkeypatch):
    assert _get(_runserver_handler(monkeypatch), "/static/admin/css/base.css").startswith("200")
