"""The live room's document (services/live.py): pycrdt Docs play the browsers, the database plays the restart."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from pycrdt import Doc, Map, Text

from meetings.lib.rendering import MAX_MARKDOWN_CHARS
from meetings.models import BacklogReport, LiveState, LiveUpdate, Revision, RevisionSource, SearchDocument
from meetings.services import live
from meetings.services.editing import save_item, save_report
from meetings.services.live import RoomError, flush_rooms, merge_text, open_room
from tests.support.builders import make_user
from tests.support.live import drop_rooms


@pytest.fixture(autouse=True)
def no_room_outlives_its_test():
    """Rooms are per process: a test's rooms (and their section ids) must not meet the next test's."""
    yield
    drop_rooms()


@pytest.fixture
def report(draft, people) -> BacklogReport:
    report = draft.reports.get(team=people["team_x"])
    assert save_report(report, body="Shipped cells.\n", by=people["lead_x"], expected_version=1)
    return report


def run(scenario):
    """Run an async scenario where the ORM (through sync_to_async) sees the test's own transaction."""
    return async_to_sync(scenario)()


def body_of(doc: Doc) -> Text:
    return doc.get("body", type=Text)


async def join(room, doc: Doc, *, by) -> None:
    """A y-websocket handshake both ways: the client takes what it lacks, then sends what the room lacks."""
    doc.apply_update(room.answer_step1(doc.get_state()))
    missing = doc.get_update(room.sync_step1())
    await room.apply(missing, by=by)


async def type_into(room, doc: Doc, index: int, text: str, *, by) -> None:
    """Type at a (UTF-8 byte) position and send the update, as y-codemirror does."""
    before = doc.get_state()
    body_of(doc).insert(index, text)
    await room.apply(doc.get_update(before), by=by)


def stored(report) -> BacklogReport:
    return BacklogReport.objects.get(pk=report.pk)


def test_two_clients_typing_at_once_converge_and_the_saved_body_is_their_text(report, people):
    alice, bob = Doc(), Doc()

    async def scenario():
        room_a = await open_room(report)
        room_b = await open_room(report)
        await join(room_a, alice, by=people["lead_x"])
        await join(room_b, bob, by=people["chair"])
        # Both type from the same state, before seeing each other's change.
        await type_into(room_a, alice, 0, "Diego: ", by=people["lead_x"])
        await type_into(room_b, bob, len("Shipped cells."), " Next: routing.", by=people["chair"])
        await join(room_a, alice, by=people["lead_x"])
        await join(room_b, bob, by=people["chair"])
        assert str(body_of(alice)) == str(body_of(bob)) == room_a.text
        await room_a.leave()
        await room_b.leave()

    run(scenario)

    assert str(body_of(alice)) == "Diego: Shipped cells. Next: routing.\n"
    assert stored(report).body == str(body_of(alice))
    assert live._rooms == {}  # the last one out closed the room


def test_typed_updates_survive_a_killed_process_and_an_old_client_merges_back_without_duplication(report, people):
    old_client = Doc()

    async def before_the_crash():
        room = await open_room(report)
        await join(room, old_client, by=people["lead_x"])
        await type_into(room, old_client, 0, "Diego: ", by=people["lead_x"])
        await sync_to_async(room.write_log)()  # the batch of the last 200 ms reached the database

    run(before_the_crash)
    drop_rooms()  # killed before any save
    assert stored(report).body == "Shipped cells.\n"
    # Offline, the old client keeps typing.
    body_of(old_client).insert(len(str(body_of(old_client)).encode()), "More.\n")

    async def after_the_restart():
        room = await open_room(report)
        assert room.text == "Diego: Shipped cells.\n"
        await join(room, old_client, by=people["lead_x"])  # its offline edit arrives in its SyncStep2
        assert room.text == str(body_of(old_client)) == "Diego: Shipped cells.\nMore.\n"
        await room.leave()

    run(after_the_restart)
    assert stored(report).body == "Diego: Shipped cells.\nMore.\n"


def test_a_room_opened_again_after_a_save_gives_the_same_text_and_an_old_client_does_not_duplicate_it(report, people):
    old_client = Doc()

    async def first_session():
        room = await open_room(report)
        await join(room, old_client, by=people["lead_x"])
        await type_into(room, old_client, 0, "Diego: ", by=people["lead_x"])
        await room.leave()

    run(first_session)
    lineage = LiveState.objects.get(report=report).lineage
    assert not LiveUpdate.objects.filter(report=report).exists()  # squashed into the state on the save

    async def second_session():
        room = await open_room(report)
        await join(room, old_client, by=people["lead_x"])
        assert room.lineage == str(lineage)
        assert room.text == str(body_of(old_client)) == "Diego: Shipped cells.\n"
        await room.leave()

    run(second_session)
    assert stored(report).body == "Diego: Shipped cells.\n"


def test_a_form_save_while_the_room_is_open_reaches_the_document_as_a_diff(report, people):
    client = Doc()
    seen = []

    async def typing():
        room = await open_room(report)
        room.observe(seen.append)
        await join(room, client, by=people["lead_x"])
        await type_into(room, client, 0, "Diego: ", by=people["lead_x"])  # not saved yet
        return room

    room = run(typing)
    # Meanwhile the chair saves the form, read from the stored body.
    form_copy = stored(report)
    assert save_report(form_copy, body="Shipped cells.\nAgreed.\n", by=people["chair"], expected_version=2)

    flush_rooms()

    assert room.text == "Diego: Shipped cells.\nAgreed.\n"  # both, once: a merge, not a re-seed
    assert stored(report).body == room.text
    for update in seen:
        client.apply_update(update)
    assert str(body_of(client)) == room.text


def test_merge_text_with_the_room_open_is_sent_to_its_clients(report, people):
    client = Doc()
    seen = []

    async def joined():
        room = await open_room(report)
        room.observe(seen.append)
        await join(room, client, by=people["lead_x"])
        return room

    room = run(joined)
    form_copy = stored(report)

    assert merge_text(form_copy, "Shipped cells.\nAgreed.\n", by=people["chair"], expected_version=form_copy.version)

    for update in seen:
        client.apply_update(update)
    assert str(body_of(client)) == room.text == stored(report).body == "Shipped cells.\nAgreed.\n"
    assert Revision.objects.filter(report=report).latest("pk").author == people["chair"]


def test_merge_text_from_a_form_read_before_the_room_saved_is_a_conflict(report, people):
    client = Doc()
    form_copy = stored(report)

    async def typing():
        room = await open_room(report)
        await join(room, client, by=people["lead_x"])
        await type_into(room, client, 0, "Diego: ", by=people["lead_x"])
        return room

    room = run(typing)

    assert merge_text(form_copy, "Overwritten.\n", by=people["chair"], expected_version=form_copy.version) is False

    assert room.text == stored(report).body == "Diego: Shipped cells.\n"
    assert form_copy.body == "Diego: Shipped cells.\n"  # reloaded, for the conflict page


def test_merge_text_with_no_room_saves_and_the_next_room_takes_it_as_a_diff(report, people):
    old_client = Doc()

    async def session():
        room = await open_room(report)
        await join(room, old_client, by=people["lead_x"])
        await room.leave()

    run(session)

    assert merge_text(report, "Shipped cells.\nAgreed.\n", by=people["chair"], expected_version=report.version)
    assert stored(report).body == "Shipped cells.\nAgreed.\n"

    async def next_session():
        room = await open_room(report)
        await join(room, old_client, by=people["lead_x"])
        assert room.text == str(body_of(old_client)) == "Shipped cells.\nAgreed.\n"
        await room.leave()

    run(next_session)


def test_merge_text_refuses_a_text_the_forms_refuse(report, people):
    with pytest.raises(RoomError, match="too long"):
        merge_text(report, "x" * (MAX_MARKDOWN_CHARS + 1), by=people["chair"])

    assert stored(report).body == "Shipped cells.\n"


def test_revisions_coalesce_per_author_until_someone_else_writes_or_they_pause(report, people):
    alice, bob = Doc(), Doc()
    lead, chair = people["lead_x"], people["chair"]

    async def scenario():
        room = await open_room(report)
        await join(room, alice, by=lead)
        await join(room, bob, by=chair)
        for word in ("One ", "two "):
            await type_into(room, alice, 0, word, by=lead)
            await sync_to_async(room.save)()
        await join(room, bob, by=chair)
        await type_into(room, bob, 0, "Chair. ", by=chair)
        await sync_to_async(room.save)()
        await join(room, alice, by=lead)
        await type_into(room, alice, 0, "Three ", by=lead)
        await sync_to_async(room.save)()
        await sync_to_async(_long_ago)(report)
        await type_into(room, alice, 0, "Four ", by=lead)
        await room.leave()

    run(scenario)

    live_revisions = Revision.objects.filter(report=report, source=RevisionSource.LIVE).order_by("pk")
    assert [(r.author, r.before, r.after) for r in live_revisions] == [
        (lead, "Shipped cells.\n", "two One Shipped cells.\n"),
        (chair, "two One Shipped cells.\n", "Chair. two One Shipped cells.\n"),
        (lead, "Chair. two One Shipped cells.\n", "Three Chair. two One Shipped cells.\n"),
        (lead, "Three Chair. two One Shipped cells.\n", "Four Three Chair. two One Shipped cells.\n"),
    ]


def _long_ago(report):
    """The latest revision was written longer ago than the pause that closes a live revision."""
    latest = Revision.objects.filter(report=report).latest("created_at")
    paused = latest.created_at - live.REVISION_PAUSE - timedelta(seconds=1)
    Revision.objects.filter(pk=latest.pk).update(created_at=paused)


def test_an_update_that_would_make_the_text_too_long_is_refused_and_not_applied(report, people):
    client = Doc()

    async def scenario():
        room = await open_room(report)
        await join(room, client, by=people["lead_x"])
        with pytest.raises(RoomError, match="too long"):
            await type_into(room, client, 0, "x" * MAX_MARKDOWN_CHARS, by=people["lead_x"])
        assert room.text == "Shipped cells.\n"
        with pytest.raises(RoomError, match="not a Yjs update"):
            await room.apply(b"\xff\x00garbage", by=people["lead_x"])
        with pytest.raises(RoomError, match="not a Yjs state vector"):
            room.answer_step1(b"\xff\xff")
        # The copy the refused update was tried on does not keep it: the next keystroke is judged on the room's text.
        refused = Doc()
        await join(room, refused, by=people["lead_x"])
        await type_into(room, refused, 0, "Now: ", by=people["lead_x"])
        assert room.text == "Now: Shipped cells.\n"
        await room.leave()

    run(scenario)

    assert stored(report).body == "Now: Shipped cells.\n"
    assert not LiveUpdate.objects.filter(report=report).exists()


def test_a_save_in_the_room_of_published_minutes_is_an_amendment_made_live(seed_meeting):
    report = seed_meeting.reports.first()
    chair = make_user("chair")
    client = Doc()

    async def scenario():
        room = await open_room(report)
        await join(room, client, by=chair)
        await type_into(room, client, 0, "Corrected. ", by=chair)
        await room.leave()

    run(scenario)

    revision = Revision.objects.filter(report=report).latest("pk")
    assert (revision.after_publication, revision.reason, revision.source, revision.author) == (
        True,
        live.AMENDED_LIVE,
        RevisionSource.LIVE,
        chair,
    )
    assert stored(report).body.startswith("Corrected. ")


def test_an_agenda_item_has_its_room_too(draft, people):
    item = draft.items.exclude(level=0).first()
    assert save_item(item, body="Notes.\n", title=item.title, agenda_label=item.agenda_label, expected_version=1)
    client = Doc()

    async def scenario():
        room = await open_room(item)
        await join(room, client, by=people["chair"])
        await type_into(room, client, len("Notes."), " More.", by=people["chair"])
        await room.leave()

    run(scenario)

    item.refresh_from_db()
    assert item.body == "Notes. More.\n"
    assert LiveState.objects.get(item=item).report is None


def test_two_processes_seeding_the_same_text_make_the_same_document(report):
    first, second = Doc(client_id=live.SEED_CLIENT_ID), Doc(client_id=live.SEED_CLIENT_ID)
    for doc in (first, second):
        body_of(doc).insert(0, report.body)
    first.apply_update(second.get_update())

    assert str(body_of(first)) == report.body  # merged, not doubled


def test_the_save_waits_for_a_pause_in_the_typing(report, people, monkeypatch):
    monkeypatch.setattr(live, "SAVE_PAUSE_SECONDS", 0.05)
    monkeypatch.setattr(live, "LOG_BATCH_SECONDS", 0.01)
    client = Doc()

    async def scenario():
        room = await open_room(report)
        await join(room, client, by=people["lead_x"])
        await type_into(room, client, 0, "A", by=people["lead_x"])
        assert await sync_to_async(lambda: stored(report).body)() == "Shipped cells.\n"
        await live.asyncio.sleep(0.2)
        assert await sync_to_async(lambda: stored(report).body)() == "AShipped cells.\n"
        drop_rooms()

    run(scenario)


def test_continuous_typing_is_saved_without_waiting_for_a_pause(report, people, monkeypatch):
    monkeypatch.setattr(live, "SAVE_PAUSE_SECONDS", 0.2)
    monkeypatch.setattr(live, "SAVE_AT_MOST_SECONDS", 0.3)
    client = Doc()

    async def scenario():
        room = await open_room(report)
        await join(room, client, by=people["lead_x"])
        for _keystroke in range(12):  # one every 50 ms: never a pause of 200 ms
            await type_into(room, client, 0, "a", by=people["lead_x"])
            await live.asyncio.sleep(0.05)
        saved = await sync_to_async(lambda: stored(report).body)()
        drop_rooms()
        return saved

    assert run(scenario).startswith("aaaa")


def test_the_search_index_follows_the_room_s_saves_later_and_when_the_room_closes(report, people, monkeypatch):
    monkeypatch.setattr(live, "SAVE_PAUSE_SECONDS", 0.02)
    monkeypatch.setattr(live, "LOG_BATCH_SECONDS", 0.01)
    monkeypatch.setattr(live, "INDEX_SECONDS", 0.3)
    indexed = sync_to_async(
        lambda: SearchDocument.objects.filter(meeting=report.meeting_id, text__contains="Zanzibar").exists()
    )
    client = Doc()

    async def scenario():
        room = await open_room(report)
        await join(room, client, by=people["lead_x"])
        await type_into(room, client, 0, "Zanzibar. ", by=people["lead_x"])
        await live.asyncio.sleep(0.15)
        assert await sync_to_async(lambda: stored(report).body)() == "Zanzibar. Shipped cells.\n"
        assert not await indexed()  # saved, not yet indexed: a save a second must not rebuild the index each time
        await live.asyncio.sleep(0.4)
        assert await indexed()
        await type_into(room, client, 0, "Timbuktu. ", by=people["lead_x"])
        await room.leave()  # the last one out: saved and indexed at once

    run(scenario)

    assert SearchDocument.objects.filter(meeting=report.meeting_id, text__contains="Timbuktu").exists()


def test_a_room_whose_section_was_removed_says_so_and_closes(draft, people):
    item = draft.items.exclude(level=0).first()
    client = Doc()

    async def scenario():
        room = await open_room(item)
        await join(room, client, by=people["chair"])
        await type_into(room, client, 0, "Notes", by=people["chair"])
        await sync_to_async(item.delete)()
        with pytest.raises(RoomError, match="no longer part of the minutes"):
            await room.leave()

    run(scenario)

    assert live._rooms == {}


def test_an_update_sent_twice_is_applied_and_logged_once(report, people):
    client = Doc()
    seen = []

    async def scenario():
        room = await open_room(report)
        room.observe(seen.append)
        await join(room, client, by=people["lead_x"])
        before = client.get_state()
        body_of(client).insert(0, "Diego: ")
        update = client.get_update(before)
        await room.apply(update, by=people["lead_x"])
        await room.apply(update, by=people["lead_x"])  # a reconnecting client's SyncStep2 repeats it
        await sync_to_async(room.write_log)()
        assert room.text == "Diego: Shipped cells.\n"
        drop_rooms()

    run(scenario)

    assert len(seen) == 1
    assert LiveUpdate.objects.filter(report=report).count() == 1


def test_an_update_writing_anything_but_the_section_text_is_refused(report, people):
    intruder = Doc()
    intruder["notes"] = Map({"secret": "x" * 1000})

    async def scenario():
        room = await open_room(report)
        with pytest.raises(RoomError, match="text only"):
            await room.apply(intruder.get_update(), by=people["lead_x"])
        with pytest.raises(RoomError, match="too large"):
            await room.apply(b"\x00" * (live.MAX_UPDATE_BYTES + 1), by=people["lead_x"])
        newcomer = Doc()
        newcomer.apply_update(room.answer_step1(newcomer.get_state()))
        assert list(newcomer.keys()) == ["body"]  # nothing of the intruder's reaches anyone
        writer = Doc()
        await join(room, writer, by=people["lead_x"])
        await type_into(room, writer, 0, "Still open: ", by=people["lead_x"])  # the tried copy forgot the intruder
        assert room.text.startswith("Still open: ")
        await room.leave()

    run(scenario)

    assert not LiveUpdate.objects.filter(report=report).exists()


# Several app servers: each holds its own copy of a room; the database is where they meet.


async def other_server(section):
    """The section's room as another app server holds it: a copy of its own, not this process's."""
    return await sync_to_async(live._load)(section)


async def relay(update_of, *rooms):
    """What the channel layer does: the other servers' copies apply an update a client sent to one."""
    for room in rooms:
        await room.apply_remote(update_of, by=None)


async def send(room, doc: Doc, index: int, text: str, *, by) -> bytes:
    before = doc.get_state()
    body_of(doc).insert(index, text)
    update = doc.get_update(before)
    await room.apply(update, by=by)
    return update


def test_a_save_on_one_server_is_no_outside_edit_to_another_even_when_the_relay_was_dropped(report, people):
    alice, bob = Doc(), Doc()

    async def scenario():
        here, there = await open_room(report), await other_server(report)
        await join(here, alice, by=people["lead_x"])
        await join(there, bob, by=people["chair"])
        await send(here, alice, 0, "Diego: ", by=people["lead_x"])  # never relayed to `there`
        await sync_to_async(here.save)()
        await send(there, bob, len("Shipped cells."), " Next: routing.", by=people["chair"])
        await sync_to_async(there.save)()  # takes in what `here` saved first: no diff of it
        await join(there, bob, by=people["chair"])
        await sync_to_async(here.catch_up_now)()
        await join(here, alice, by=people["lead_x"])
        drop_rooms()
        return here.text, there.text

    texts = run(scenario)

    assert texts == ("Diego: Shipped cells. Next: routing.\n",) * 2
    assert str(body_of(alice)) == str(body_of(bob)) == stored(report).body == texts[0]
    assert LiveState.objects.get(report=report).version == stored(report).version


def test_relayed_updates_are_applied_not_logged_and_both_servers_saving_store_the_text_once(report, people):
    alice, bob = Doc(), Doc()
    seen_there = []

    async def scenario():
        here, there = await open_room(report), await other_server(report)
        there.observe(seen_there.append)
        await join(here, alice, by=people["lead_x"])
        await join(there, bob, by=people["chair"])
        await relay(await send(here, alice, 0, "Diego: ", by=people["lead_x"]), there)
        bob.apply_update(there.answer_step1(bob.get_state()))  # as `there` sends it on to its client
        await relay(await send(there, bob, len("Diego: Shipped cells."), " Yes.", by=people["chair"]), here)
        assert here.text == there.text == "Diego: Shipped cells. Yes.\n"
        await sync_to_async(here.write_log)()
        await sync_to_async(there.write_log)()
        assert await sync_to_async(LiveUpdate.objects.filter(report=report).count)() == 2  # once each
        await sync_to_async(here.save)()
        await sync_to_async(there.save)()
        drop_rooms()

    run(scenario)

    assert stored(report).body == "Diego: Shipped cells. Yes.\n"
    assert not LiveUpdate.objects.filter(report=report).exists()  # all in the state saved with the body
    assert len(seen_there) == 2  # the relayed update, and its own client's
    live_revisions = Revision.objects.filter(report=report, source=RevisionSource.LIVE)
    assert [r.after for r in live_revisions] == ["Diego: Shipped cells. Yes.\n"]  # the second save had nothing new


def test_an_outside_save_is_merged_once_by_whichever_server_gets_there_first(report, people):
    alice, bob = Doc(), Doc()

    async def typing():
        here, there = await open_room(report), await other_server(report)
        await join(here, alice, by=people["lead_x"])
        await join(there, bob, by=people["chair"])
        await send(there, bob, 0, "Diego: ", by=people["chair"])  # logged, not saved, not relayed
        await sync_to_async(there.write_log)()
        return here, there

    here, there = run(typing)
    assert save_report(stored(report), body="Shipped cells.\nAgreed.\n", by=people["chair"], expected_version=2)

    here.catch_up_now()  # merges it, under the lock of the section's state
    merged = LiveState.objects.get(report=report)
    there.catch_up_now()  # finds it merged: takes it in
    assert LiveState.objects.get(report=report).state == merged.state
    for room, doc in ((here, alice), (there, bob)):
        doc.apply_update(room.answer_step1(doc.get_state()))
    assert here.text == there.text == str(body_of(alice)) == str(body_of(bob)) == "Diego: Shipped cells.\nAgreed.\n"
    there.save()
    here.save()
    assert stored(report).body == "Diego: Shipped cells.\nAgreed.\n"


def test_merge_text_with_the_room_open_on_another_server(report, people):
    client = Doc()

    async def typing():
        there = await other_server(report)
        await join(there, client, by=people["lead_x"])
        await send(there, client, 0, "Diego: ", by=people["lead_x"])
        await sync_to_async(there.write_log)()  # the batch of the last 200 ms reached the database
        return there

    there = run(typing)
    form_copy = stored(report)

    # A form read before that typing is out of date: what the room logged is saved first, and the form gets its 409.
    assert merge_text(form_copy, "Overwritten.\n", by=people["chair"], expected_version=form_copy.version) is False
    assert form_copy.body == stored(report).body == "Diego: Shipped cells.\n"

    assert merge_text(form_copy, "Diego: Shipped cells.\nAgreed.\n", by=people["chair"], expected_version=3)
    assert stored(report).version == 4
    assert LiveState.objects.get(report=report).version == 4  # merged into the state: no one merges it again
    there.catch_up_now()  # as its connections ask every few seconds (or as the relayed update does at once)
    client.apply_update(there.answer_step1(client.get_state()))
    assert there.text == str(body_of(client)) == "Diego: Shipped cells.\nAgreed.\n"
    there.save()
    assert stored(report).version == 4
    assert Revision.objects.filter(report=report).latest("pk").author == people["chair"]


def test_killed_servers_lose_nothing_and_their_old_clients_merge_back_once(report, people):
    alice, bob = Doc(), Doc()

    async def before_the_crash():
        here, there = await open_room(report), await other_server(report)
        await join(here, alice, by=people["lead_x"])
        await join(there, bob, by=people["chair"])
        await relay(await send(here, alice, 0, "Diego: ", by=people["lead_x"]), there)
        bob.apply_update(there.answer_step1(bob.get_state()))  # as `there` sends it on to its client
        await relay(await send(there, bob, len("Diego: Shipped cells."), " Yes.", by=people["chair"]), here)
        await sync_to_async(here.save)()  # one server saved...
        await send(there, bob, 0, "> ", by=people["chair"])  # ...the other logged more, and both were killed
        await sync_to_async(there.write_log)()
        drop_rooms()

    run(before_the_crash)
    assert stored(report).body == "Diego: Shipped cells. Yes.\n"
    body_of(alice).insert(len(str(body_of(alice)).encode()), "Offline.\n")  # typed while the servers were down

    async def after_the_restart():
        room = await open_room(report)
        assert room.text == "> Diego: Shipped cells. Yes.\n"
        await join(room, alice, by=people["lead_x"])
        await join(room, bob, by=people["chair"])
        assert room.text == str(body_of(alice)) == str(body_of(bob)) == "> Diego: Shipped cells. Yes.\nOffline.\n"
        await room.leave()

    run(after_the_restart)
    assert stored(report).body == "> Diego: Shipped cells. Yes.\nOffline.\n"
