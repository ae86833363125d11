"""Who may see and write private notes, ask, answer and copy questions (meetings/permissions.py), as the README says."""

import pytest
from django.contrib.auth.models import AnonymousUser

from meetings import permissions
from meetings.services.publishing import publish_meeting
from meetings.services.questions import answer_question, ask_question

USERS = ["anonymous", "member", "lead_x", "lead_y", "lead_x_elsewhere", "chair", "other_chair", "superuser"]

ACTIONS = {
    "see_notes": lambda user, w: permissions.can_see_private_notes(user, w["draft"]),
    "note_x": lambda user, w: permissions.can_write_report_note(user, w["report_x"]),
    "note_item": lambda user, w: permissions.can_write_item_note(user, w["item"]),
    "ask_x": lambda user, w: permissions.can_ask_question(user, w["report_x"]),
    "answer_x": lambda user, w: permissions.can_answer_question(user, w["question"]),
    "copy": lambda user, w: permissions.can_copy_question(user, w["question"]),
}

Y, N = True, False
# fmt: off
EXPECTED = {
    #                    see    note X  note item  ask X  answer X  copy
    "anonymous":        (N,     N,      N,         N,     N,        N),
    "member":           (N,     N,      N,         N,     N,        N),
    "lead_x":           (Y,     Y,      N,         Y,     Y,        N),
    "lead_y":           (Y,     N,      N,         Y,     N,        N),
    "lead_x_elsewhere": (N,     N,      N,         N,     N,        N),
    "chair":            (Y,     Y,      Y,         Y,     Y,        Y),
    "other_chair":      (N,     N,      N,         N,     N,        N),
    "superuser":        (Y,     Y,      Y,         Y,     Y,        Y),
}
# fmt: on
assert list(EXPECTED) == USERS


@pytest.fixture
def world(people, draft):
    report_x = draft.reports.get(team=people["team_x"])
    question = answer_question(
        ask_question(report_x, text="Why?", by=people["lead_y"]), answer="So.", by=people["lead_x"]
    )
    return {
        **people,
        "anonymous": AnonymousUser(),
        "draft": draft,
        "report_x": report_x,
        "item": draft.items.get(title="Discussion"),
        "question": question,
    }


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        pytest.param(who, action, allowed, id=f"{who}-{action}")
        for who, row in EXPECTED.items()
        for action, allowed in zip(ACTIONS, row, strict=True)
    ],
)
def test_notes_and_questions_matrix(world, who, action, allowed):
    assert ACTIONS[action](world[who], world) is allowed


def test_once_published_nobody_asks_or_answers_but_chairs_and_leads_still_see_notes(world):
    publish_meeting(world["draft"])
    world["report_x"].meeting.refresh_from_db()
    world["question"].report.meeting.refresh_from_db()

    assert not permissions.can_ask_question(world["chair"], world["report_x"])
    assert not permissions.can_answer_question(world["lead_x"], world["question"])
    assert permissions.can_see_private_notes(world["lead_y"], world["draft"])
    assert not permissions.can_see_private_notes(AnonymousUser(), world["draft"])
