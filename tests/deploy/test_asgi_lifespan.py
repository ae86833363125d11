"""The ASGI application's lifespan: uvicorn's shutdown saves the live rooms still open (pmc_minutes/asgi.py)."""

import asyncio

import pytest
from pycrdt import Doc, Text

from meetings.models import BacklogReport
from meetings.services import live
from pmc_minutes.asgi import application
from tests.support.live import drop_rooms, run_coroutine

pytestmark = pytest.mark.django_db(transaction=True)


async def lifespan(*events: str) -> list[str]:
    """Run the lifespan protocol through the application as uvicorn does; what it answered."""
    inbox, answers = asyncio.Queue(), []
    for event in events:
        inbox.put_nowait({"type": f"lifespan.{event}"})

    async def send(message):
        answers.append(message["type"])

    await asyncio.wait_for(application({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send), 10)
    return answers


def test_the_shutdown_saves_what_the_open_rooms_hold(people, draft):
    report = draft.reports.get(team=people["team_x"])
    client = Doc()

    async def scenario():
        room = await live.open_room(report)
        client.apply_update(room.answer_step1(client.get_state()))
        before = client.get_state()
        client.get("body", type=Text).insert(0, "Typed before the deploy.")
        await room.apply(client.get_update(before), by=people["lead_x"])
        room._cancel_timers()  # no save of its own: only the shutdown's
        return await lifespan("startup", "shutdown")

    try:
        answers = run_coroutine(scenario)
    finally:
        drop_rooms()

    assert answers == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert BacklogReport.objects.get(pk=report.pk).body == "Typed before the deploy."
