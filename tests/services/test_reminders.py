"""send_reminders: who is reminded, of what, with which links, and never twice for a meeting."""

import re
import smtplib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus, ReminderSent
from meetings.services import reminders
from meetings.services.editing import mark_no_update, save_report
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_committee, make_team, make_user

SITE = "https://minutes.example.org"


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.PMC_SITE_URL = SITE + "/"  # a trailing slash must not make a double one


@pytest.fixture
def leads(people):
    """Runtime's leads with addresses, and a co-lead of Diego."""
    for key in ("lead_x", "lead_y"):
        people[key].email = f"{people[key].username}@example.org"
        people[key].save()
    co_lead = make_user("co-lead", email="co-lead@example.org")
    people["team_x"].co_leads.add(co_lead)
    return {**people, "co_lead": co_lead}


@pytest.fixture
def tomorrow(leads) -> Meeting:
    return create_meeting(leads["runtime"], day=in_days(1))


def test_each_lead_of_an_empty_section_is_reminded_once_across_runs(leads, tomorrow):
    output = run()

    assert recipients() == ["co-lead@example.org", "lead-x@example.org", "lead-y@example.org"]
    assert "3 reminders sent." in output
    assert "Reminded lead-x <lead-x@example.org>: Diego (Runtime " in output
    assert ReminderSent.objects.filter(meeting=tomorrow).count() == 3

    assert "0 reminders sent." in run()
    assert len(mail.outbox) == 3


def test_the_email_links_to_the_section_on_the_site(leads, tomorrow):
    run()

    [message] = [m for m in mail.outbox if m.to == ["lead-y@example.org"]]
    assert links(message) == [f"{SITE}/runtime/{tomorrow.date.isoformat()}/reports/cli/edit/"]
    assert message.subject == f"Reminder: the CLI backlog report for {tomorrow.title}"
    assert "CLI" in message.body and tomorrow.title in message.body


def test_leads_of_written_reports_are_not_reminded(leads, tomorrow):
    save_report(tomorrow.reports.get(team=leads["team_x"]), body="- Done\n", by=leads["lead_x"])
    save_report(tomorrow.reports.get(team=leads["team_y"]), body="  \n", by=leads["lead_y"])  # blank is still empty

    run()

    assert recipients() == ["lead-y@example.org"]


def test_one_email_per_lead_lists_all_their_empty_sections(leads, tomorrow):
    leads["team_y"].leads.add(leads["lead_x"])  # lead-x now also leads CLI ...
    later = create_meeting(leads["runtime"], day=in_days(2))  # ... and owes a second meeting

    run()

    [message] = [m for m in mail.outbox if m.to == ["lead-x@example.org"]]
    assert links(message) == [
        f"{SITE}/runtime/{meeting.date.isoformat()}/reports/{team}/edit/"
        for meeting in (tomorrow, later)
        for team in ("diego", "cli")
    ]
    assert message.subject == "Reminder: 4 backlog reports to write"
    assert set(ReminderSent.objects.filter(user=leads["lead_x"]).values_list("meeting_id", flat=True)) == {
        tomorrow.pk,
        later.pk,
    }


def test_leads_without_an_address_or_account_are_skipped(people, tomorrow):
    people["lead_y"].email = ""
    people["lead_y"].save()
    make_team(people["runtime"], "Nobody", position=5)  # no account at all

    run()

    assert recipients() == ["co-lead@example.org", "lead-x@example.org"]


def test_meetings_beyond_the_days_are_left_for_later(leads):
    create_meeting(leads["runtime"], day=in_days(3))

    assert "0 reminders sent." in run()
    assert mail.outbox == []

    run("--days", "3")
    assert len(mail.outbox) == 3


def test_past_meetings_are_not_reminded(leads):
    create_meeting(leads["runtime"], day=in_days(-1))
    run()
    assert mail.outbox == []


@pytest.mark.parametrize("status", [MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED])
def test_published_and_cancelled_meetings_are_not_reminded(leads, tomorrow, status):
    Meeting.objects.filter(pk=tomorrow.pk).update(status=status)
    run()
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_a_start_time_decides_rather_than_the_date(people):
    extensions = people["extensions"]
    now = datetime(2030, 1, 6, 20, 0, tzinfo=UTC)
    by_date = create_meeting(people["runtime"], day=datetime(2030, 1, 8).date())
    too_late = create_meeting(extensions, day=datetime(2030, 1, 8).date())
    too_late.starts_at = datetime(2030, 1, 8, 22, 0, tzinfo=UTC)  # 50 hours ahead
    too_late.save()
    in_time = create_meeting(extensions, day=datetime(2030, 1, 7).date())
    in_time.starts_at = datetime(2030, 1, 7, 18, 0, tzinfo=UTC)
    in_time.save()
    started = create_meeting(extensions, day=datetime(2030, 1, 6).date())
    started.starts_at = datetime(2030, 1, 6, 19, 0, tzinfo=UTC)  # an hour ago
    started.save()

    assert set(reminders.due_meetings(2, now=now)) == {by_date, in_time}


def test_dry_run_sends_and_records_nothing(leads, tomorrow):
    output = run("--dry-run")

    assert "Would remind lead-x <lead-x@example.org>: Diego" in output
    assert "3 reminders would be sent" in output
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_a_failed_send_is_tried_again_by_the_next_run(leads, tomorrow, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    output = run()
    assert "Failed to remind lead-x" in output and "the mail server went away" in output
    assert not ReminderSent.objects.exists()

    monkeypatch.undo()
    run()
    assert len(mail.outbox) == 3


def test_a_concurrent_run_that_reminded_first_wins(leads, tomorrow, monkeypatch):
    """Two runs that both saw the lead as owed: the unique row lets only the first one send."""
    seen_by_both = reminders.pending_reminders([tomorrow])
    run()
    assert len(mail.outbox) == 3

    monkeypatch.setattr(reminders, "pending_reminders", lambda meetings, **kind: seen_by_both)
    sent = reminders.send_reminders([tomorrow])

    assert sent == [] and len(mail.outbox) == 3
    assert ReminderSent.objects.count() == 3


def test_another_committees_leads_are_not_reminded_for_this_meeting(leads, tomorrow):
    other = make_committee("Other")
    make_team(other, "Elsewhere", leads=[make_user("elsewhere", email="elsewhere@example.org")])
    create_meeting(other, day=in_days(10))

    run()

    assert "elsewhere@example.org" not in recipients()


def test_negative_days_are_refused(db):
    with pytest.raises(CommandError):
        run("--days", "-1")


# --- the final call, the greeting, the links ------------------------------------------------------------------


@pytest.fixture
def today(leads) -> Meeting:
    return create_meeting(leads["runtime"], day=timezone.localdate())


def test_a_final_call_goes_on_the_meeting_day_to_leads_already_reminded(leads, today):
    reminders.send_reminders([today])
    assert len(mail.outbox) == 3

    sent = reminders.send_reminders([today], final_call=True)

    assert [reminder.sent for reminder in sent] == [True, True, True]
    final = mail.outbox[3:]
    assert sorted(address for message in final for address in message.to) == [
        "co-lead@example.org",
        "lead-x@example.org",
        "lead-y@example.org",
    ]
    assert all(message.subject.startswith("Final call: ") for message in final)
    assert all("The meeting is today" in message.body for message in final)
    # Once only, as the first reminder.
    assert reminders.send_reminders([today], final_call=True) == []
    assert len(mail.outbox) == 6


def test_no_reminder_calls_itself_the_only_one(leads, tomorrow):
    reminders.send_reminders([tomorrow])
    assert mail.outbox and not any("only reminder" in message.body for message in mail.outbox)


def test_reminders_greet_leads_by_name_never_by_username(leads, tomorrow):
    reminders.send_reminders([tomorrow])  # lead-x has no profile: the account's full name

    greeting = {message.to[0]: message.body.splitlines()[0] for message in mail.outbox}
    assert greeting["lead-x@example.org"] == "Hello Eric Malm,"
    assert greeting["lead-y@example.org"] == "Hello,"  # no name: no username either
    assert greeting["co-lead@example.org"] == "Hello,"


def test_without_a_site_url_no_reminder_goes_out_with_a_wrong_link(leads, tomorrow, settings):
    settings.PMC_SITE_URL = ""

    sent = reminders.send_reminders([tomorrow])

    assert sent and not any(reminder.sent for reminder in sent)
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()  # tried again once the address is set


def test_a_team_that_said_no_update_this_cycle_is_not_reminded(leads, tomorrow):
    mark_no_update(tomorrow.reports.get(team=leads["team_x"]), by=leads["lead_x"], expected_version=1)

    run()

    assert recipients() == ["lead-y@example.org"]
