"""Query budgets of the action items' pages: as many SQL queries with 2,000 meetings and 10,000 actions as with 3
meetings and 15.

As in test_decision_pages.py: each page is requested in a small archive, then
once the archive has grown; it stays within its budget both times and runs as
many queries in both. The actions are task lines written into every meeting's
announcements (so the rows come from the index's sync, as in production), each
closed in the next meeting, those of the last three meetings aside.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from meetings.models import ActionItem, ActionOutcome, ActionStatus, AgendaItem, ItemKind, Meeting, Outcome
from meetings.services.search_index import rebuild_index
from tests.budgets.test_community_pages import queries_of
from tests.support.public_archive import LATEST, add_meetings, build_committee, rolled_back

SMALL, LARGE = 3, 2_000
PER_MEETING = 5
OWNERS = ["diego", "cli", "eric", "garden", "diego"]

PAGES = {
    # Who asks (None: an anonymous reader), the URL, the budget.
    # The committee; its teams and people (the filter's lists); the count of actions; one page of them with their
    # meetings, owners and closing meetings.
    "actions": (None, "/runtime/actions/", 5),
    "actions of a team": (None, "/runtime/actions/?team=diego", 5),
    "actions of a person": (None, "/runtime/actions/?person=eric", 5),
    "actions, a later page": (None, "/runtime/actions/?page=3", 5),
    "actions, signed in": ("eric", "/runtime/actions/", 9),
    # The minutes as before, plus the open actions and the outcomes recorded in the meeting, and the names of the
    # owners its own action lines name (readers read names, not handles).
    "meeting with open actions": (None, f"/runtime/{LATEST}/", 10),
    "meeting with open actions, chair": ("chair", f"/runtime/{LATEST}/", 20),
    # The minutes' file as before, plus the actions open then and the outcomes recorded in it (its section).
    "Markdown with open actions": (None, f"/runtime/{LATEST}.md", 8),
    "team timeline": (None, "/runtime/teams/diego/", 8),
    "my sections": ("eric", "/my-sections/", 6),
    # The committee; the newest actions with their meetings and owners; the published outcomes of those.
    "actions feed": (None, "/runtime/actions/feed/", 3),
}


def owe_everywhere() -> None:
    """PER_MEETING task lines in every meeting's announcements, then the index (and the actions) rebuilt."""
    lines = "\n".join(f"- [ ] @{owner}: Action {n} of the meeting" for n, owner in enumerate(OWNERS))
    AgendaItem.objects.filter(title="Announcements").update(body="- Summit next month.\n\n" + lines + "\n")
    rebuild_index()
    meetings = list(Meeting.objects.order_by("date"))
    later = {meeting.pk: meetings[index + 1] for index, meeting in enumerate(meetings[:-1])}
    later[meetings[-3].pk] = meetings[-1]  # those of the third last meeting are closed in the latest one
    closing = [a for a in ActionItem.objects.all() if a.meeting_id in later and a.meeting_id != meetings[-2].pk]
    ActionOutcome.objects.all().delete()
    ActionOutcome.objects.bulk_create(
        ActionOutcome(action=a, meeting=later[a.meeting_id], outcome=Outcome.DONE, note="Done") for a in closing
    )
    for action in closing:
        action.status, action.closed_in = ActionStatus.DONE, later[action.meeting_id]
    ActionItem.objects.bulk_update(closing, ["status", "closed_in"], batch_size=1_000)


@pytest.fixture(scope="class")
def in_the_small_archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        users = get_user_model().objects
        people = {"eric": users.create_user("eric", first_name="Eric"), "chair": users.create_user("chair")}
        runtime = build_committee()
        runtime.chairs.add(people["chair"])
        runtime.teams.get(name="Diego").leads.add(people["eric"])
        [latest, *_] = add_meetings(runtime, SMALL)
        AgendaItem.objects.create(meeting=latest, position=99, level=2, kind=ItemKind.ACTIONS, title="Open actions")
        owe_everywhere()
        measured = {page: _measure(people, who, url) for page, (who, url, _budget) in PAGES.items()}
        add_meetings(runtime, LARGE - SMALL)
        owe_everywhere()
        yield people, measured
    cache.clear()


def _measure(people, who, url):
    client = Client()
    if who:
        client.force_login(people[who])
    return queries_of(client, url)


@pytest.mark.usefixtures("db")
class TestActionPages:
    @pytest.mark.parametrize("page", PAGES)
    def test_within_budget_and_flat_from_3_to_2000_meetings(
        self, in_the_small_archive, page, client, django_assert_max_num_queries, django_assert_num_queries
    ):
        people, measured = in_the_small_archive
        who, url, budget = PAGES[page]
        assert ActionItem.objects.count() == LARGE * PER_MEETING
        status, small = measured[page]
        assert status == 200, f"{url} answered {status} in the small archive"
        assert small <= budget, f"{url} ran {small} queries in the small archive; its budget is {budget}"
        if who:
            client.force_login(people[who])
        cache.clear()
        with django_assert_max_num_queries(budget), django_assert_num_queries(small):
            response = client.get(url)
        assert response.status_code == 200
        assert "Action " in response.content.decode()
        if page == "Markdown with open actions":
            text = response.content.decode()
            assert "## Open actions\n\n- [x] @diego: Action 0 of the meeting (from 2018-05-15, Announcements)" in text
            assert " — done: Done\n" in text and "Action 4 of the meeting (from 2018-05-29, Announcements)\n" in text
        if page == "actions feed":
            assert response.content.decode().count("<entry>") == 30
