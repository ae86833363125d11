"""/healthz: the load balancer's probe answers 200 with every check (or "degraded" with only the cache failing),
or 503 naming the one that failed."""

import json
import socket

import pytest
from django.db import OperationalError

from pmc_minutes import health

pytestmark = pytest.mark.django_db


def probe(client, **extra):
    response = client.get("/healthz", **extra)
    return response, json.loads(response.content)


def test_a_healthy_instance_answers_200_with_each_check(client):
    response, body = probe(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "storage": True,
        "task_queue": True,
    }
    assert body["checks"]["task_queue"]["status"] == "immediate: tasks run in the request"
    assert body["checks"]["storage"]["backend"] == "FileSystemStorage"


def test_the_probe_is_never_cached(client):
    response, _ = probe(client)
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_a_failing_database_gives_503_and_names_it(client, monkeypatch):
    def broken():
        raise OperationalError("could not connect to server db.internal:5432")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response, body = probe(client)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    database = body["checks"]["database"]
    assert database == {"ok": False, "error": "OperationalError", "ms": database["ms"]}
    assert "db.internal" not in response.content.decode()  # the public answer names no host
    assert body["checks"]["cache"]["ok"] is True


def test_a_cache_that_loses_what_it_stored_degrades_the_instance_but_keeps_it_serving(client, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    response, body = probe(client)
    assert response.status_code == 200  # pages still serve: the balancer keeps the instance
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["detail"] == "the cache did not return what was just stored"


def test_a_redis_that_is_down_degrades_the_instance(client, settings):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {"BACKEND": "meetings.lib.redis_cache.TolerantRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    response, body = probe(client)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError", "ms": body["checks"]["cache"]["ms"]}
    assert body["checks"]["database"]["ok"] is True


def test_a_failing_cache_with_another_failure_is_unavailable(client, monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    monkeypatch.setitem(health.CHECKS, "database", lambda: 1 / 0)
    response, body = probe(client)
    assert response.status_code == 503
    assert body["status"] == "unavailable"


def test_an_unwritable_media_folder_fails_the_probe(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "file-not-folder")
    (tmp_path / "file-not-folder").write_text("not a folder")
    response, body = probe(client)
    assert response.status_code == 503
    assert body["checks"]["storage"]["ok"] is False


def queue_lagging():
    return {"ok": False, "status": "oldest task waiting 900 s", "lag_seconds": 900}


def queue_fine():
    return {"ok": True, "lag_seconds": 2.5}


def test_the_task_queue_hook_reports_its_lag(client, settings):
    settings.PMC_HEALTH_TASK_QUEUE = "tests.deploy.test_healthz.queue_fine"
    response, body = probe(client)
    assert response.status_code == 200
    assert body["checks"]["task_queue"]["lag_seconds"] == 2.5

    settings.PMC_HEALTH_TASK_QUEUE = "tests.deploy.test_healthz.queue_lagging"
    response, body = probe(client)
    assert response.status_code == 503
    assert body["checks"]["task_queue"]["detail"] == "oldest task waiting 900 s"


def test_probes_by_address_over_http_are_answered_not_redirected(client, settings):
    # Production: HTTPS redirect on and only the site's name allowed; balancers probe the address over HTTP.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["minutes.example.org"]
    response, body = probe(client, HTTP_HOST="10.0.0.7:8080")
    assert response.status_code == 200 and body["status"] == "ok"
    assert client.get("/", HTTP_HOST="minutes.example.org").status_code == 301  # the rest still redirects


def test_the_probe_is_not_throttled(client):
    statuses = {client.get("/healthz").status_code for _ in range(50)}
    assert statuses == {200}
