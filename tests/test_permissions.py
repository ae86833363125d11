"""Who may do what, asked of meetings/permissions.py directly: the table the README promises."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from meetings import permissions
from meetings.format.actions import ActionLine
from meetings.models import ActionItem
from meetings.queries.actions import with_closing_meetings
from meetings.services.actions import record_action
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting

USERS = ["anonymous", "member", "lead_x", "lead_y", "lead_x_elsewhere", "chair", "other_chair", "superuser"]

# Runtime's draft and published meetings; X is Runtime's Diego team. lead_x_elsewhere leads
# a Diego team of another committee; other_chair chairs that other committee.
ACTIONS = {
    "view_draft": lambda user, w: permissions.can_view_meeting(user, w["draft"]),
    "view_published": lambda user, w: permissions.can_view_meeting(user, w["published"]),
    "edit_x_report_in_draft": lambda user, w: permissions.can_edit_report(user, w["draft_report_x"]),
    "edit_x_report_in_published": lambda user, w: permissions.can_edit_report(user, w["published_report_x"]),
    "edit_meeting": lambda user, w: permissions.can_edit_meeting(user, w["draft"]),
    "edit_published_meeting": lambda user, w: permissions.can_edit_meeting(user, w["published"]),
    "create_meeting": lambda user, w: permissions.can_create_meeting(user, w["runtime"]),
    "publish": lambda user, w: permissions.can_publish(user, w["draft"]),
}

Y, N = True, False
# fmt: off
EXPECTED = {
    #                    view    view  edit X   edit X     edit     edit pub.  create  publish
    #                    draft   pub.  draft    published  meeting  meeting    meeting
    "anonymous":        (N,      Y,    N,       N,         N,       N,         N,      N),
    "member":           (N,      Y,    N,       N,         N,       N,         N,      N),
    "lead_x":           (Y,      Y,    Y,       N,         N,       N,         N,      N),
    "lead_y":           (Y,      Y,    N,       N,         N,       N,         N,      N),
    "lead_x_elsewhere": (N,      Y,    N,       N,         N,       N,         N,      N),
    "chair":            (Y,      Y,    Y,       Y,         Y,       Y,         Y,      Y),
    "other_chair":      (N,      Y,    N,       N,         N,       N,         N,      N),
    "superuser":        (Y,      Y,    Y,       Y,         Y,       Y,         Y,      Y),
}
# fmt: on
assert list(EXPECTED) == USERS


@pytest.fixture
def world(people, draft):
    published = create_meeting(people["runtime"], day=date(2029, 12, 25))
    publish_meeting(published)
    return {
        **people,
        "anonymous": AnonymousUser(),
        "draft": draft,
        "published": published,
        "draft_report_x": draft.reports.get(team=people["team_x"]),
        "published_report_x": published.reports.get(team=people["team_x"]),
    }


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        pytest.param(who, action, allowed, id=f"{who}-{action}")
        for who, row in EXPECTED.items()
        for action, allowed in zip(ACTIONS, row, strict=True)
    ],
)
def test_permission_matrix(world, who, action, allowed):
    assert ACTIONS[action](world[who], world) is allowed


@pytest.mark.parametrize(
    ("who", "draft_reports", "published_reports"),
    [
        ("anonymous", set(), set()),
        ("member", set(), set()),
        ("lead_x", {"diego"}, set()),
        ("lead_y", {"cli"}, set()),
        ("lead_x_elsewhere", set(), set()),
        ("chair", {"diego", "cli"}, {"diego", "cli"}),
        ("other_chair", set(), set()),
        ("superuser", {"diego", "cli"}, {"diego", "cli"}),
    ],
)
def test_editable_reports_agrees_with_can_edit_report(world, who, draft_reports, published_reports):
    """The one-query answer for pages listing every report gives the same answer, report by report."""
    user = world[who]
    for meeting, expected in [(world["draft"], draft_reports), (world["published"], published_reports)]:
        ids = permissions.editable_reports(user, meeting)
        assert {r.team.slug for r in meeting.reports.all() if r.pk in ids} == expected
        assert {r.team.slug for r in meeting.reports.all() if permissions.can_edit_report(user, r)} == expected


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", N),
        ("member", N),
        ("lead_x", Y),
        ("lead_y", Y),
        ("lead_x_elsewhere", Y),
        ("chair", Y),
        ("other_chair", Y),
        ("superuser", Y),
    ],
)
def test_only_people_who_edit_minutes_may_use_the_editor(world, who, allowed):
    assert permissions.can_use_editor(world[who]) is allowed


@pytest.mark.parametrize(
    ("who", "runtime", "extensions"),
    [
        ("anonymous", N, N),
        ("member", N, N),
        ("lead_x", N, N),
        ("chair", Y, N),
        ("other_chair", N, Y),
        ("superuser", Y, Y),
    ],
)
def test_chairs_chair_their_own_committee_only(world, who, runtime, extensions):
    assert permissions.is_chair(world[who], world["runtime"]) is runtime
    assert permissions.is_chair(world[who], world["extensions"]) is extensions


def test_a_lead_who_loses_the_team_loses_the_right_to_edit_its_report(world):
    lead, report = world["lead_x"], world["draft_report_x"]
    world["team_x"].leads.remove(lead)
    assert permissions.can_edit_report(lead, report) is False
    assert permissions.can_view_meeting(lead, world["draft"]) is False


def test_unpublishing_gives_leads_their_sections_back(world):
    lead, report = world["lead_x"], world["published_report_x"]
    assert permissions.can_edit_report(lead, report) is False
    report.meeting.unpublish()
    assert permissions.can_edit_report(lead, report) is True
    assert permissions.can_view_meeting(world["member"], report.meeting) is False


@pytest.mark.parametrize("who", USERS)
def test_recording_a_decision_is_editing_the_section(world, who):
    user = world[who]
    report, published_report = world["draft_report_x"], world["published_report_x"]
    item = world["draft"].items.get(title="Announcements")
    assert permissions.can_record_decision(user, report) == permissions.can_edit_report(user, report)
    assert permissions.can_record_decision(user, published_report) == (who in ("chair", "superuser"))
    assert permissions.can_record_decision(user, item) == (who in ("chair", "superuser"))


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", N),
        ("member", N),
        ("lead_x", N),
        ("lead_y", N),
        ("lead_x_elsewhere", N),
        ("chair", Y),
        ("other_chair", N),
        ("superuser", Y),
    ],
)
def test_only_the_committees_chairs_handle_its_failed_background_work(world, who, allowed):
    assert permissions.can_handle_failed_tasks(world[who], world["runtime"]) is allowed


@pytest.mark.parametrize(
    ("who", "in_draft", "in_published"),
    [
        ("anonymous", N, N),
        ("member", N, N),
        ("lead_x", Y, N),  # named, and a lead of the committee
        ("lead_y", N, N),  # a lead, not named
        ("lead_x_elsewhere", N, N),  # named, but of another committee
        ("chair", Y, Y),
        ("other_chair", N, N),
        ("superuser", Y, Y),
    ],
)
def test_the_chair_s_sections_are_written_live_by_the_chair_and_the_named_note_takers(
    world, who, in_draft, in_published
):
    for meeting in (world["draft"], world["published"]):
        meeting.note_takers.add(world["lead_x"], world["lead_x_elsewhere"])
    assert permissions.can_take_notes(world[who], world["draft"]) is in_draft
    assert permissions.can_take_notes(world[who], world["published"]) is in_published
    # The room's form without JavaScript writes what the room does: a chair's section's text.
    for meeting, allowed in ((world["draft"], in_draft), (world["published"], in_published)):
        assert permissions.can_write_item_text(world[who], meeting.items.get(title="Discussion")) is allowed


def test_a_note_taker_who_leads_no_team_of_the_committee_any_more_takes_no_notes(world):
    world["draft"].note_takers.add(world["lead_x"])
    world["team_x"].leads.remove(world["lead_x"])
    assert not permissions.can_take_notes(world["lead_x"], world["draft"])


def test_note_takers_are_named_by_the_chair_from_the_committee_s_people_while_a_draft(world):
    co_lead = get_user_model().objects.create_user("co-lead")
    world["team_y"].co_leads.add(co_lead)
    people = set(permissions.committee_people(world["runtime"]))
    assert people == {world["chair"], world["lead_x"], world["lead_y"], co_lead}
    assert permissions.can_name_note_takers(world["chair"], world["draft"])
    assert not permissions.can_name_note_takers(world["chair"], world["published"])
    assert not permissions.can_name_note_takers(world["lead_x"], world["draft"])


@pytest.mark.parametrize("published", [False, True])
def test_closable_actions_answers_as_can_record_outcome_does_for_each_action(people, published):
    """My sections' batch answer (two queries) is the sentence asked of each action in its next meeting."""
    first = create_meeting(people["runtime"], day=date(2030, 1, 8))
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    item = first.items.get(title="Announcements")
    for owner in ("cli", "diego", "lead-x"):
        item.refresh_from_db()
        assert record_action(item, action=ActionLine(owner, f"For {owner}"), by=None, expected_version=item.version)
    if published:
        publish_meeting(later)  # then no draft after the first: nothing to close in
    actions = with_closing_meetings(list(ActionItem.objects.select_related("meeting")))
    for who in ("chair", "lead_x", "lead_y", "member", "other_chair", "superuser"):
        user = people[who]
        expected = {
            a.pk
            for a in actions
            if a.closing_meeting is not None and permissions.can_record_outcome(user, a, a.closing_meeting)
        }
        assert permissions.closable_actions(user, actions) == expected, who
        assert bool(expected) is (not published and who in {"chair", "lead_x", "lead_y", "superuser"}), who
    assert not permissions.closable_actions(AnonymousUser(), actions)
