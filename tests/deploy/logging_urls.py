"""A view that logs and then fails, for the request-id tests (tests/deploy/test_observability.py)."""

import logging

from django.urls import path


def log_then_fail(request):
    logging.getLogger("meetings").info("working on it")
    raise RuntimeError("boom")


urlpatterns = [path("fail/", log_then_fail)]
