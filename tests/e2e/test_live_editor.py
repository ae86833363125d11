"""The live editor's bundle (static/js/live/live-editor.js) in Chromium, against a stand-in room.

The page is the contract written at the top of frontend/src/live-editor.js,
served under the production CSP (plus a style nonce); the socket is answered
in this process by a y-websocket server made of a pycrdt Doc (Playwright's
route_web_socket), so the bundle is tried without the Django consumers, which
are tested on their own.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect
from pycrdt import Doc, Text, YMessageType, create_sync_message, create_update_message, handle_sync_message

from .browsing import ROOT

BUNDLE = ROOT / "static" / "js" / "live" / "live-editor.js"
ORIGIN = "http://live.test"
SOCKET = "ws://live.test/ws/live/runtime/2026-12-07/diego/"
NONCE = "n0nce-for-this-page"
# The site's policy (pmc_minutes/settings.py), with the nonce CodeMirror's <style> elements need.
CSP = (
    "default-src 'self'; script-src 'self'; "
    f"style-src 'self' 'nonce-{NONCE}'; connect-src 'self'; object-src 'none'; base-uri 'none'"
)
OFFLINE = "offline — your text is kept and merges when you reconnect"


@dataclass
class Room:
    """A y-websocket server for one room: answers sync, applies updates, relays them and awareness."""

    doc: Doc = field(default_factory=Doc)
    sockets: list = field(default_factory=list)
    refuse: tuple[int, str] | None = None  # close new sockets with this code and reason
    answer: bool = True  # False: accept sockets but never sync (a room that is slow to answer)

    def __post_init__(self):
        self.text = self.doc.get("body", type=Text)
        self.doc.observe(lambda event: self.broadcast(create_update_message(event.update)))

    def broadcast(self, message: bytes) -> None:
        for socket in list(self.sockets):
            socket.send(message)

    def connect(self, socket) -> None:
        if self.refuse:
            socket.close(code=self.refuse[0], reason=self.refuse[1])
            return
        self.sockets.append(socket)
        socket.on_close(lambda *_: self.sockets.remove(socket) if socket in self.sockets else None)
        socket.on_message(lambda message: self.receive(socket, message))
        if self.answer:
            socket.send(create_sync_message(self.doc))

    def receive(self, socket, message) -> None:
        if isinstance(message, str) or not self.answer:
            return
        if message[0] == YMessageType.SYNC:
            reply = handle_sync_message(message[1:], self.doc)
            if reply is not None:
                socket.send(reply)
        elif message[0] == YMessageType.AWARENESS:
            self.broadcast(message)

    def drop_everyone(self) -> None:
        for socket in list(self.sockets):
            self.sockets.remove(socket)
            socket.close(code=1001, reason="going away")  # as a restarting server does


def section_page(*, user="Ann", color="#ff0000", readonly=False, url=SOCKET, room="diego", text="") -> str:
    attributes = {
        "data-live-url": url,
        "data-live-room": room,
        "data-live-user": user,
        "data-live-color": color,
        "data-csp-nonce": NONCE,
        "data-live-label": "diego-heading",
    }
    rendered = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Live</title>
<script type="module" src="/static/js/live/live-editor.js"></script></head><body>
<h2 id="diego-heading">Diego's report</h2>
<form method="post"><div data-live-section {rendered}{" data-live-readonly" if readonly else ""}>
<textarea name="body" aria-labelledby="diego-heading">{html.escape(text)}</textarea>
<p data-live-status></p></div></form></body></html>"""


@pytest.fixture
def open_section(browser):
    """Open the section page in a new context wired to a room; every context is closed after the test."""
    contexts = []

    def open_(room: Room, **page_options):
        context = browser.new_context()
        contexts.append(context)
        body = section_page(**page_options)

        def serve(route):
            if route.request.url.endswith("/static/js/live/live-editor.js"):
                route.fulfill(body=BUNDLE.read_bytes(), content_type="text/javascript")
            else:
                route.fulfill(body=body, content_type="text/html", headers={"Content-Security-Policy": CSP})

        context.route(f"{ORIGIN}/**", serve)
        context.route_web_socket(re.compile(r".*"), room.connect)
        page = context.new_page()
        page.add_init_script(
            "window.violations = [];"
            "document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));"
            "window.liveInputs = [];"
            "document.addEventListener('live-input', e => window.liveInputs.push(e.detail));"
        )
        page.goto(ORIGIN + "/")
        return page

    yield open_
    for context in contexts:
        context.close()


def editor(page):
    return page.get_by_role("textbox", name="Diego's report").and_(page.locator(".cm-content"))


def status(page):
    return page.locator("[data-live-status]")


def leaving_asks_first(page) -> bool:
    """Whether the page holds back a navigation away (its beforeunload handler cancels the event)."""
    return page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )


def test_two_people_typing_converge_and_each_form_holds_the_current_text(open_section):
    room = Room()
    room.text += "Agreed.\n"
    ann = open_section(room, user="Ann", text="Agreed.\n")
    bob = open_section(room, user="Bob", color="#00aa00", text="Agreed.\n")
    for page in (ann, bob):
        expect(status(page)).to_have_text("connected")
        expect(page.locator("textarea")).to_be_hidden()

    editor(ann).click()
    ann.keyboard.press("Control+End")
    ann.keyboard.type("Ann writes.")
    editor(bob).click()
    bob.keyboard.press("Control+Home")
    bob.keyboard.type("Bob writes. ")

    expected = "Bob writes. Agreed.\nAnn writes."
    for page in (ann, bob):
        expect(page.locator("textarea")).to_have_value(expected)
    assert str(room.text) == expected  # the textarea's text is never inserted again
    assert ann.evaluate("window.liveInputs.at(-1).text") == expected
    assert ann.evaluate("window.violations") == bob.evaluate("window.violations") == []


def test_remote_cursors_are_coloured_by_class_not_by_style_attribute(open_section):
    room = Room()
    room.text += "Text to select"
    ann = open_section(room, user="Ann")
    bob = open_section(room, user="Bob", color="#00aa00")
    expect(status(ann)).to_have_text("connected")
    editor(bob).click()
    bob.keyboard.press("Control+End")
    bob.keyboard.press("Shift+Home")

    caret = ann.locator(".cm-ySelectionCaret")
    expect(caret).to_contain_text("Bob")
    expect(caret).to_have_css("background-color", "rgb(0, 170, 0)")
    expect(ann.locator(".cm-ySelection")).to_have_css("background-color", "rgba(0, 170, 0, 0.2)")
    expect(caret).to_have_class(re.compile(r"\bcm-yColor-00aa00\b"))
    # (CodeMirror sets some styles itself, through the CSSOM, which the CSP allows.)
    assert ann.locator(":is(.cm-ySelectionCaret, .cm-ySelection, .cm-yLineSelection)[style]").count() == 0
    assert ann.evaluate("window.violations") == []


def test_a_reader_sees_the_text_but_cannot_change_it(open_section):
    room = Room()
    room.text += "Published words."
    reader = open_section(room, readonly=True)
    expect(status(reader)).to_have_text("connected")
    expect(editor(reader)).to_have_attribute("aria-readonly", "true")
    editor(reader).click()
    reader.keyboard.type("vandalism")
    reader.wait_for_timeout(300)
    expect(editor(reader)).to_have_text("Published words.")
    assert str(room.text) == "Published words."


def test_edits_made_offline_are_kept_and_reach_the_room_on_reconnect(open_section):
    room = Room()
    room.text += "Start."
    ann = open_section(room)
    expect(status(ann)).to_have_text("connected")
    room.drop_everyone()
    room.answer = False  # the server is away: sockets open, nothing answers
    expect(status(ann)).to_have_text(OFFLINE)
    editor(ann).click()
    ann.keyboard.press("Control+End")
    ann.keyboard.type(" Typed offline.")
    expect(ann.locator("textarea")).to_have_value("Start. Typed offline.")
    assert str(room.text) == "Start."
    assert leaving_asks_first(ann)

    room.answer = True
    room.drop_everyone()  # the next socket is answered
    expect(status(ann)).to_have_text("connected", timeout=15_000)
    ann.wait_for_timeout(300)
    assert str(room.text) == "Start. Typed offline."
    assert not leaving_asks_first(ann)


def test_a_person_the_room_refuses_is_told_and_the_editor_stops_taking_text(open_section):
    room = Room()
    ann = open_section(room)
    expect(status(ann)).to_have_text("connected")
    room.refuse = (4403, "no longer allowed")
    room.drop_everyone()
    expect(status(ann)).to_contain_text("the live room closed", timeout=15_000)
    expect(status(ann)).to_have_attribute("data-live-state", "closed")
    expect(editor(ann)).to_have_attribute("aria-readonly", "true")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ws://elsewhere.example/ws/live/runtime/2026-12-07/diego/", "on another site"),
        ("ws://live.test/ws/live/runtime/2026-12-07/cli/", "not that of this section's room"),
        ("javascript:alert(1)", "not a WebSocket address"),
        ("ws://live.test/ws/live/runtime/2026-12-07/%E0%A4%A/", "not that of this section's room"),
    ],
)
def test_a_live_address_the_site_would_not_give_keeps_the_old_form(open_section, url, why):
    page = open_section(Room(), url=url, text="Old text")
    expect(status(page)).to_contain_text(why)
    expect(page.locator("textarea")).to_be_visible()
    expect(page.locator("textarea")).to_have_value("Old text")
    assert page.locator(".cm-editor").count() == 0


def test_text_typed_before_the_room_answers_is_kept_in_the_old_form(open_section):
    room = Room(answer=False)
    page = open_section(room, text="Draft")
    expect(status(page)).to_have_text("connecting…")
    page.locator("textarea").fill("Draft, and more")
    room.answer = True
    room.drop_everyone()
    expect(status(page)).to_contain_text("you typed here before the live room connected", timeout=15_000)
    expect(page.locator("textarea")).to_have_value("Draft, and more")
    assert page.locator(".cm-editor").count() == 0
