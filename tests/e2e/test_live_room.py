"""The live room (/<committee>/<date>/live/) in Chromium, on the ASGI server: pages and sockets, the demo's draft.

Several people type in one section at once, a writer's socket is severed and restored (Playwright's
route_web_socket: set_offline does not close an open socket), the server is killed and started again, and a
lead's forged frames are sent to sections that are not theirs.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pycrdt import Doc, Text

from meetings.lib import yprotocol
from meetings.models import AgendaItem, BacklogReport
from meetings.queries.minutes import written_sections

from .browsing import DEMO_PASSWORD, assert_accessible, eventually, scroll_overflow, sign_in

DRAFT = date(2018, 6, 26)
ROOM = "/runtime/2018-06-26/live/"


def discussion():
    return AgendaItem.objects.get(meeting__committee__slug="runtime", meeting__date=DRAFT, title="Discussion")


def discussion_anchor() -> str:
    meeting = discussion().meeting
    return next(s.anchor for s in written_sections(meeting) if s.title == "Discussion" and s.field == "body")


def report(team: str) -> BacklogReport:
    return BacklogReport.objects.get(meeting__committee__slug="runtime", meeting__date=DRAFT, team__slug=team)


def editor(page, anchor: str):
    return page.locator(f'[id="{anchor}"] > .live-columns .cm-content')


def status(page, anchor: str):
    return page.locator(f'[id="{anchor}"] > .live-columns [data-live-status]')


def open_room(live_context, username: str, **options):
    context = live_context(**options)
    page = context.new_page()
    sign_in(page, username)
    page.goto(ROOM)
    return context, page


def connected(page, anchor: str) -> None:
    expect(status(page, anchor)).to_have_text("connected")


def type_at_end(page, anchor: str, words: str) -> None:
    editor(page, anchor).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(words)


def name_note_takers(live_context, *usernames: str) -> None:
    _, chair = open_room(live_context, "chair")
    for username in usernames:
        chair.get_by_label(f"@{username}").check()
    chair.get_by_role("button", name="Save the note-takers").click()
    expect(chair.locator(".messages")).to_contain_text("Note-takers:")


@pytest.fixture
def co_lead(asgi_demo):
    """A co-lead of the demo's Diego team, who may sign in with the demo's password."""
    user = get_user_model().objects.create_user("diego-colead", password=DEMO_PASSWORD)
    report("diego").team.co_leads.add(user)
    return user


def test_two_note_takers_type_in_the_discussion_at_once_and_both_texts_are_seen_and_saved(live_context, asgi_demo):
    name_note_takers(live_context, "diego-lead", "cli-lead")
    anchor = discussion_anchor()
    _, ann = open_room(live_context, "diego-lead")
    _, bob = open_room(live_context, "cli-lead")
    for page in (ann, bob):
        connected(page, anchor)
    # Word by word, in turn: each types while the other's words are still arriving.
    editor(ann, anchor).click()
    editor(bob, anchor).click()
    for ann_word, bob_word in zip(["Ann", "notes", "the", "release."], ["Bob", "notes", "the", "flake."], strict=True):
        ann.keyboard.type(ann_word + " ")
        bob.keyboard.type(bob_word + " ")
    for page in (ann, bob):
        for words in ("Ann", "notes", "release.", "Bob", "flake."):
            expect(editor(page, anchor)).to_contain_text(words)
    text = ann.locator(f'[id="{anchor}"] textarea').input_value()
    expect(bob.locator(f'[id="{anchor}"] textarea')).to_have_value(text)  # one text, the same for both
    eventually(lambda: discussion().body, lambda body: body == text)
    # The preview follows the text, rendered by the server.
    expect(ann.locator(f'[id="{anchor}"] [data-live-preview]')).to_contain_text("release.")


def test_a_lead_and_a_co_lead_type_in_their_report_at_once(live_context, asgi_demo, co_lead):
    _, lead = open_room(live_context, "diego-lead")
    _, co = open_room(live_context, "diego-colead")
    for page in (lead, co):
        connected(page, "diego")
    editor(lead, "diego").click()
    lead.keyboard.press("Control+End")
    editor(co, "diego").click()
    co.keyboard.press("Control+End")
    for lead_word, co_word in zip(["Lead:", "shipped", "v2."], ["Co-lead:", "fixed", "CI."], strict=True):
        lead.keyboard.type(" " + lead_word)
        co.keyboard.type(" " + co_word)
    for page in (lead, co):
        for word in ("Lead:", "shipped", "v2.", "Co-lead:", "fixed", "CI."):
            expect(editor(page, "diego")).to_contain_text(word)
    text = co.locator('[id="diego"] textarea').input_value()
    expect(lead.locator('[id="diego"] textarea')).to_have_value(text)
    eventually(lambda: report("diego").body, lambda body: body == text)


class Link:
    """The sockets of one browser context, through this process: severed and restored at will."""

    def __init__(self, context):
        self.online = True
        self.open: list = []
        context.route_web_socket("**/ws/live/**", self.route)

    def route(self, socket) -> None:
        if not self.online:
            socket.close(code=1001, reason="offline")  # y-websocket tries again later: still offline
            return
        server = socket.connect_to_server()
        self.open.append((socket, server))

    def sever(self) -> None:
        self.online = False
        for socket, server in self.open:
            server.close()
            socket.close(code=1001, reason="offline")
        self.open.clear()

    def restore(self) -> None:
        self.online = True


def test_a_writer_who_goes_offline_keeps_typing_and_the_texts_merge_on_return(live_context, asgi_demo):
    context, lead = open_room(live_context, "diego-lead")
    link = Link(context)
    lead.reload()  # its sockets now go through the link
    _, chair = open_room(live_context, "chair")
    connected(lead, "diego")
    connected(chair, "diego")

    link.sever()
    expect(status(lead, "diego")).to_contain_text("offline")
    type_at_end(lead, "diego", "Typed offline.")
    type_at_end(chair, "diego", " The chair, meanwhile.")
    expect(editor(chair, "diego")).not_to_contain_text("Typed offline.")

    link.restore()
    expect(status(lead, "diego")).to_have_text("connected", timeout=15_000)
    for page in (lead, chair):
        expect(editor(page, "diego")).to_contain_text("Typed offline.")
        expect(editor(page, "diego")).to_contain_text("The chair, meanwhile.")
    body = eventually(
        lambda: report("diego").body, lambda body: "Typed offline." in body and "The chair, meanwhile." in body
    )
    assert body.count("Typed offline.") == 1


def test_nothing_typed_is_lost_when_the_server_is_killed_and_started_again(live_context, asgi_demo):
    _, lead = open_room(live_context, "diego-lead")
    connected(lead, "diego")
    type_at_end(lead, "diego", "Before the crash.")
    asgi_demo.restart(graceful=False)  # what was not saved yet is gone from the server
    expect(status(lead, "diego")).to_have_text("connected", timeout=15_000)
    type_at_end(lead, "diego", " After it.")
    eventually(lambda: report("diego").body, lambda body: body == "Before the crash. After it.", within=8)

    _, fresh = open_room(live_context, "chair")  # a newcomer gets the text once, not twice
    connected(fresh, "diego")
    expect(fresh.locator('[id="diego"] textarea')).to_have_value("Before the crash. After it.")


# Sends one y-websocket frame on a socket of the page's own session, then waits for the server's reply or close.
SEND_FRAME = """async ([path, frame]) => await new Promise((resolve) => {
  const socket = new WebSocket(new URL(path, location.href).href.replace(/^http/, "ws"));
  socket.binaryType = "arraybuffer";
  socket.onopen = () => { socket.send(new Uint8Array(frame)); setTimeout(() => { socket.close(); }, 500); };
  socket.onclose = (event) => resolve(event.code);
})"""


def forged_frames(words: str) -> list[list[int]]:
    doc = Doc()
    doc["body"] = text = Text()
    text += words
    update = doc.get_update()
    return [list(yprotocol.encode_sync(kind, update)) for kind in (yprotocol.SYNC_UPDATE, yprotocol.SYNC_STEP2)]


def test_a_lead_s_socket_cannot_change_another_team_s_section_or_the_discussion(live_context, asgi_demo):
    name_note_takers(live_context, "cli-lead")
    anchor = discussion_anchor()
    _, cli = open_room(live_context, "cli-lead")  # writes both: the CLI report, and the Discussion as note-taker
    connected(cli, "cli")
    connected(cli, anchor)
    _, lead = open_room(live_context, "diego-lead")
    assert lead.locator('[id="cli"] [data-live-section]').count() == 0  # read-only in the page

    for section in ("cli", anchor):
        for frame in forged_frames("Forged by Diego's lead."):
            lead.evaluate(SEND_FRAME, [f"/ws/live/runtime/2018-06-26/{section}/", frame])
    type_at_end(cli, "cli", "Real words.")  # the room is alive: what the writer types still arrives
    eventually(lambda: report("cli").body, lambda body: body == "Real words.")
    assert eventually(lambda: discussion().body, lambda body: isinstance(body, str)) == ""
    for section in ("cli", anchor):
        expect(editor(cli, section)).not_to_contain_text("Forged")


def test_the_room_passes_axe_and_fits_a_phone(live_context, asgi_demo):
    _, chair = open_room(live_context, "chair", viewport={"width": 390, "height": 844})
    connected(chair, "diego")
    assert_accessible(chair, "live room (chair)")
    assert scroll_overflow(chair) == 0
    _, lead = open_room(live_context, "diego-lead")
    connected(lead, "diego")
    assert_accessible(lead, "live room (lead)")


def test_the_presence_list_shows_who_is_in_which_section(live_context, asgi_demo):
    _, chair = open_room(live_context, "chair")
    chair.evaluate(
        "() => document.dispatchEvent(new CustomEvent('live:presence', {detail: {people: ["
        "{name: 'Ann', colour: '#ff0000', anchor: 'diego'}, {name: 'Bob', colour: 'red;x', anchor: null}]}}))"
    )
    people = chair.locator("[data-presence-list] li")
    expect(people).to_have_count(2)
    expect(people.nth(0)).to_have_text("Ann in Diego")
    expect(people.nth(0).locator("a")).to_have_attribute("href", "#diego")
    expect(people.nth(1)).to_have_text("Bob")
    assert people.nth(1).locator("circle").get_attribute("fill") == "#6b7280"  # not a colour: the default


def test_the_room_works_under_the_site_s_content_security_policy(live_context, asgi_demo):
    context = live_context(bypass_csp=False)
    context.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));"
    )
    page = context.new_page()
    sign_in(page, "diego-lead")
    page.goto(ROOM)
    connected(page, "diego")
    type_at_end(page, "diego", "Under the policy, *styled*.")
    expect(page.locator('[id="diego"] [data-live-preview] em')).to_have_text("styled")
    # CodeMirror's own styles apply (its <style> elements carry the page's nonce): the text area is laid out.
    assert page.locator('[id="diego"] .cm-editor').evaluate("e => getComputedStyle(e).display") == "flex"
    assert page.evaluate("window.violations") == []


PUBLISHED_ROOM = "/runtime/2018-06-12/live/"
PRIVATE = "Private: the chair's note on Diego, for the committee only."


def test_a_reader_follows_an_amendment_in_the_room_and_never_receives_a_private_note(live_context, asgi_demo):
    BacklogReport.objects.filter(
        meeting__committee__slug="runtime", meeting__date=date(2018, 6, 12), team__slug="diego"
    ).update(private_note=PRIVATE)
    frames: list[str] = []
    reader = live_context().new_page()  # anonymous: published minutes are public, their private notes are not
    reader.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(str(payload))))
    reader.goto(PUBLISHED_ROOM)
    assert reader.locator('[id="diego"] [data-live-section]').count() == 0  # nothing to type in
    _, chair = open_room(live_context, "chair")
    chair.goto(PUBLISHED_ROOM)
    connected(chair, "diego")
    type_at_end(chair, "diego", " Amended while the reader watched.")

    expect(reader.locator('[data-live-body="diego"]')).to_contain_text("Amended while the reader watched.")
    expect(reader.locator('[id="diego"]')).to_contain_text("updated just now")
    assert frames, "the reader's page follows the meeting over its socket"
    assert not any(PRIVATE in frame for frame in frames)
    assert PRIVATE not in reader.content()


def test_the_presence_list_names_the_people_in_the_room_and_their_section(live_context, asgi_demo):
    _, chair = open_room(live_context, "chair")
    _, lead = open_room(live_context, "diego-lead")
    connected(lead, "diego")
    editor(lead, "diego").click()
    people = chair.locator("[data-presence-list] li", has_text="in Diego")
    expect(people).to_have_count(1)
    expect(people.locator("a")).to_have_attribute("href", "#diego")


def test_a_note_taker_whose_socket_cannot_connect_saves_the_discussion_with_the_form(new_context, demo):
    """On the WSGI live server, which has no WebSockets: the editor never mounts, the textarea stays, and the
    form the editor's status points to saves a note-taker's text (through the room's text-only form)."""
    discussion().meeting.note_takers.add(get_user_model().objects.get(username="diego-lead"))
    anchor = discussion_anchor()
    page = new_context().new_page()
    sign_in(page, "diego-lead")
    page.goto(ROOM)
    expect(status(page, anchor)).to_have_attribute("data-live-state", "connecting")  # and so it stays
    page.locator(f'[id="{anchor}"] textarea').fill("Noted without the room.")
    page.locator(f'[id="{anchor}"]').get_by_role("button", name="Save this section").click()
    expect(page.locator(".messages")).to_contain_text("Saved")
    assert discussion().body == "Noted without the room."
