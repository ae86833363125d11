"""A reader of the meeting page follows it as it is written (static/js/live/follow.js), on the ASGI server.

The writer is a Yjs client over the section's socket, from this test (meetings/lib/yprotocol.py speaks for it), so the
page is tried without the room's own page. The page runs under the site's real Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect
from pycrdt import Doc, Text
from websockets.sync.client import connect

from meetings.lib import yprotocol

from .browsing import sign_in

DRAFT = "/runtime/2018-06-26/"
DISCUSSION = "section-discussion"
# Counts what the page is told and what the policy refused, from before the page's own scripts run.
WATCH = """
document.addEventListener("live:presence", () => document.documentElement.setAttribute("data-told", "presence"));
window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) => window.__refused.push(event.violatedDirective));
"""


class Writer:
    """A note-taker's Yjs client on one section's socket: takes the room's text, then types."""

    def __init__(self, socket):
        self.socket = socket
        self.doc = Doc()
        self.text = self.doc.get("body", type=Text)
        self.socket.send(yprotocol.encode_sync(yprotocol.SYNC_STEP1, self.doc.get_state()))
        while True:  # the room's step 2 answers ours
            message = yprotocol.decode(self.socket.recv(timeout=5))
            if (message.type, message.subtype) == (yprotocol.SYNC, yprotocol.SYNC_STEP2):
                self.doc.apply_update(message.payload)
                break

    def type(self, words: str) -> None:
        before = self.doc.get_state()
        self.text += words
        self.socket.send(yprotocol.encode_sync(yprotocol.SYNC_UPDATE, self.doc.get_update(before)))


@contextmanager
def writing(base_url: str, username: str, anchor: str) -> Iterator[Writer]:
    """A Writer signed in with a session of its own, on the draft's section."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = base_url.replace("http", "ws", 1) + f"/ws/live{DRAFT}{anchor}/"
    with connect(url, additional_headers={"Cookie": cookie, "Origin": base_url}) as socket:
        yield Writer(socket)


@pytest.fixture
def reader(live_context):
    context = live_context(bypass_csp=False, viewport={"width": 1000, "height": 700})
    context.add_init_script(WATCH)
    page = context.new_page()
    sign_in(page, "cli-lead")
    page.goto(DRAFT)
    # The meeting's socket is open: it said who is there (the policy allows no eval, so no wait_for_function).
    expect(page.locator("html[data-told]")).to_have_count(1)
    return page


def test_a_reader_sees_new_text_without_reloading_and_keeps_their_place(reader, asgi_demo):
    reading = reader.locator("#cli")  # a team's section, below the Discussion
    reader.evaluate("(top) => window.scrollTo(0, top)", reading.evaluate("(el) => el.offsetTop + 40"))
    reader.evaluate("window.__sameDocument = true")
    before = reading.evaluate("(el) => el.getBoundingClientRect().top")
    scrolled = reader.evaluate("window.scrollY")

    body = reader.locator(f'[data-live-body="{DISCUSSION}"]')
    with writing(asgi_demo.url, "chair", DISCUSSION) as writer:
        for line in range(1, 21):
            writer.type(f"Decision {line}: taken together.\n\n")
        expect(body).to_contain_text("Decision 20: taken together.", timeout=3000)

    assert body.locator("p").count() == 20
    expect(reader.locator(f"#{DISCUSSION} .live-updated time")).to_have_text("updated just now")
    assert reader.evaluate("window.__sameDocument") is True  # not reloaded
    # Text grew above the reader: the page moved with it, and what they read stayed where it was on screen.
    assert reader.evaluate("window.scrollY") > scrolled + 200
    assert abs(reading.evaluate("(el) => el.getBoundingClientRect().top") - before) <= 2
    assert reader.evaluate("window.__refused") == []


def test_the_section_s_readers_are_told_once_not_at_every_keystroke(reader, asgi_demo):
    body = reader.locator(f'[data-live-body="{DISCUSSION}"]')
    with writing(asgi_demo.url, "chair", DISCUSSION) as writer:
        writer.type("First words.")
        expect(body).to_contain_text("First words.")
        writer.type(" More words.")
        expect(body).to_contain_text("More words.")
    status = reader.locator("[data-live-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("“Discussion” updated")
    assert reader.locator(f"#{DISCUSSION} .live-updated").count() == 1
