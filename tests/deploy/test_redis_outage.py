"""A Redis outage slows the site down but does not take it down.

A redis-server of the test's own (Debian's `redis-server`; skipped without
it, failed under CI) is the shared cache; the test fills it, kills it, and
reads everything again: pages, Markdown, PDF and API answer 200, sign-in and
its lockout work (django-axes counts in the database), PDF renders stay
bounded by this server's slots, password resets are still limited (per
process), and /healthz says "degraded" with 200.
"""

import json

import pytest
from django.core.cache import caches
from django.test import Client

from meetings import pdf, throttling
from tests.support.api import API, token_for
from tests.support.builders import import_seed, make_committee, make_team, make_user
from tests.support.redis_server import redis_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(settings, tmp_path):
    """The shared cache of the servers, and the process of its Redis (to kill)."""
    with redis_server(tmp_path) as (url, process):
        settings.CACHES = {
            "default": {
                "BACKEND": "meetings.lib.redis_cache.TolerantRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2},
            }
        }
        throttling._local_counts.clear()  # counts kept by this process in an earlier outage
        yield process


def kill(process) -> None:
    process.kill()
    process.wait(timeout=10)


@pytest.fixture
def site(db):
    committee = make_committee("Runtime")
    committee.chairs.add(make_user("chair", email="chair@example.org"))
    make_team(committee, "Elsewhere", leads=[make_user("lead")])
    return import_seed()


def urls(meeting) -> dict[str, str]:
    page = meeting.get_absolute_url()
    return {
        "page": page,
        "md": page.rstrip("/") + ".md",
        "pdf": page.rstrip("/") + ".pdf",
        "index": f"/{meeting.committee.slug}/",
        "api list": f"{API}/committees/{meeting.committee.slug}/meetings",
        "api minutes": f"{API}/committees/{meeting.committee.slug}/meetings/{meeting.date}",
    }


def statuses(client: Client, meeting, **headers) -> dict[str, int]:
    return {name: client.get(url, headers=headers).status_code for name, url in urls(meeting).items()}


def test_every_reading_page_is_served_while_redis_is_down(redis, site):
    reader = Client()
    everything_ok = dict.fromkeys(urls(site), 200)
    assert statuses(reader, site) == everything_ok
    assert caches["default"]._cache.get_client().dbsize() > 0, "the cache was filled"

    kill(redis)

    assert statuses(reader, site) == everything_ok
    assert reader.get(urls(site)["pdf"]).content.startswith(b"%PDF-")


def test_api_reads_with_a_token_are_served_uncounted_while_redis_is_down(redis, site, settings):
    settings.PMC_API_RATE_LIMIT = 2
    secret = token_for(site.committee.chairs.get())
    kill(redis)
    auth = {"Authorization": f"Bearer {secret}"}
    answers = {Client().get(urls(site)["api minutes"], headers=auth).status_code for _ in range(5)}
    assert answers == {200}


def test_sign_in_and_its_lockout_work_while_redis_is_down(redis, site, settings):
    kill(redis)
    chair = Client()
    response = chair.post("/accounts/login/", {"username": "chair", "password": "pw-chair"})
    assert response.status_code == 302
    assert chair.get(f"/{site.committee.slug}/roster/").status_code == 200

    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/accounts/login/", {"username": "lead", "password": "not-the-password"})
    assert attacker.post("/accounts/login/", {"username": "lead", "password": "pw-lead"}).status_code == 429


def test_pdf_renders_stay_bounded_by_this_servers_slots_while_redis_is_down(redis, site, settings):
    settings.PMC_PDF_MAX_CONCURRENT = 1
    kill(redis)
    local = pdf.local_render_slots()
    held = local.acquire()
    assert held is not None
    try:
        response = Client().get(urls(site)["pdf"])
        assert response.status_code == 503  # never unlimited: the one slot of this server is taken
        assert int(response["Retry-After"]) > 0
    finally:
        local.release(held)
    response = Client().get(urls(site)["pdf"])
    assert response.status_code == 200, "the slot was freed: no deadlock"
    again = local.acquire()
    assert again is not None, "the render gave its slot back"
    local.release(again)


def test_password_resets_are_still_limited_while_redis_is_down(redis, site, settings):
    kill(redis)
    visitor = Client()
    answers = [
        visitor.post("/accounts/password_reset/", {"email": "chair@example.org"}).status_code
        for _ in range(settings.PASSWORD_RESET_LIMIT + 1)
    ]
    assert answers == [302] * settings.PASSWORD_RESET_LIMIT + [429]


def test_healthz_says_degraded_but_keeps_the_instance_in_the_balancer(redis, site):
    assert json.loads(Client().get("/healthz").content)["status"] == "ok"
    kill(redis)
    response = Client().get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_api_writes_are_still_limited_per_process_while_redis_is_down(redis, settings):
    settings.PMC_API_RATE_LIMIT = 2
    kill(redis)
    answers = [throttling.api_retry_after(4242, write=True) for _ in range(3)]
    assert answers[:2] == [None, None]
    assert answers[2] > 0  # the Retry-After


def test_a_render_slot_taken_in_redis_before_it_went_down_is_given_back_without_an_error(redis, settings):
    settings.PMC_PDF_MAX_CONCURRENT = 1
    slots = pdf.render_slots()
    shared = slots.acquire()
    assert isinstance(shared, tuple), "a slot in Redis while it is up"
    kill(redis)
    slots.release(shared)  # its lease frees it in Redis
    local = slots.acquire()
    assert isinstance(local, int), "a lock file of this server while Redis is down"
    assert slots.acquire() is None, "still one render at a time"
    slots.release(local)
