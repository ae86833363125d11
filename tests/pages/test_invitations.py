"""Invitations: a chair invites by e-mail; the link makes an account and attaches it, once, until it expires."""

import re
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from meetings import permissions
from meetings.forms.invitations import InvitationSignUpForm
from meetings.models import FailedTask, Invitation, Meeting, Profile
from meetings.services import invitations
from tests.support.accounts import login_redirect
from tests.support.builders import make_user
from tests.support.pages import browser_form, form_errors

ROSTER = "/runtime/roster/"
GOOD_PASSWORD = "a quiet Tuesday, 9 sharp"


def send_invitation(client, people, email: str = "nia@example.org", team=None) -> Invitation:
    """The chair invites through the roster page; the new invitation."""
    client.force_login(people["chair"])
    data = browser_form(client.get(ROSTER), action="invite")
    data.update({"invite-email": email, "invite-team": team.pk if team else ""})
    response = client.post(ROSTER, data)
    assert response.status_code == 302, form_errors(response)
    client.logout()
    return Invitation.objects.get(email=email)


def link_in(message) -> str:
    [link] = re.findall(r"https?://\S+", message.body)
    return link


def path_of(invitation: Invitation) -> str:
    return invitations.link_path(invitation)


def sign_up(client, invitation: Invitation, username: str = "nia", password: str = GOOD_PASSWORD):
    return client.post(path_of(invitation), {"username": username, "password1": password, "password2": password})


@pytest.fixture
def lead_invitation(client, people) -> Invitation:
    return send_invitation(client, people, team=people["team_x"])


# --- sending ---------------------------------------------------------------------------------------


def test_the_chair_invites_a_lead_and_the_email_carries_the_sign_up_link(client, people, settings):
    settings.PMC_INVITATION_DAYS = 7
    settings.PMC_SITE_URL = "https://minutes.example.org"
    before = timezone.now()

    invitation = send_invitation(client, people, "Nia@Example.org", team=people["team_x"])

    assert (invitation.committee, invitation.team, invitation.created_by) == (
        people["runtime"],
        people["team_x"],
        people["chair"],
    )
    assert len(path_of(invitation).rstrip("/").rsplit("/", 1)[1]) >= 40  # 256 bits, nothing to guess
    assert before + timedelta(days=7) <= invitation.expires_at <= timezone.now() + timedelta(days=7)
    assert invitation.used_at is None
    [message] = mail.outbox
    assert message.to == ["Nia@Example.org"]
    assert message.subject == "Invitation to lead Diego in the Runtime PMC"
    # From the configured address, not from the Host the chair's request came with (testserver).
    assert link_in(message) == f"https://minutes.example.org{path_of(invitation)}"


def test_the_database_keeps_only_a_hash_of_the_link(client, people):
    """Like an API token: whoever reads the table (or a backup) cannot open the link the e-mail carries."""
    invitation = send_invitation(client, people, team=people["team_x"])
    link = link_in(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]

    row = Invitation.objects.filter(pk=invitation.pk).values().get()

    assert not any(token in str(value) for value in row.values())
    assert client.get(link.removeprefix(settings.PMC_SITE_URL)).status_code == 200  # and the link works


def test_an_email_owed_for_a_link_that_cannot_be_made_again_goes_out_with_a_new_working_link(client, people):
    """A link hashed by migration 0020 (no nonce) or made under a key since dropped: the retried e-mail still works."""
    invitation = invitations.invite(people["runtime"], "nia@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(nonce="")
    mail.outbox.clear()

    invitations.send_invitation.enqueue(invitation.pk)

    [message] = mail.outbox
    page = client.get(link_in(message).removeprefix(settings.PMC_SITE_URL))
    assert page.status_code == 200 and "co-chair the Runtime PMC" in page.content.decode()


def test_invitation_days_are_a_setting(client, people, settings):
    settings.PMC_INVITATION_DAYS = 2
    invitation = send_invitation(client, people)
    assert invitation.expires_at - invitation.created_at < timedelta(days=2, minutes=1)
    assert invitation.expires_at - invitation.created_at > timedelta(days=1, hours=23)


def test_a_co_chair_is_invited_without_a_team(client, people):
    invitation = send_invitation(client, people, "co@example.org")
    assert invitation.team is None
    assert mail.outbox[0].subject == "Invitation to co-chair the Runtime PMC"


def test_two_pending_invitations_for_the_same_thing_are_refused(client, people, lead_invitation):
    client.force_login(people["chair"])
    data = browser_form(client.get(ROSTER), action="invite")

    response = client.post(ROSTER, {**data, "invite-email": "NIA@example.org", "invite-team": people["team_x"].pk})

    assert response.status_code == 200
    assert any("already has a pending invitation" in error for error in form_errors(response))
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_when_the_email_cannot_be_sent_the_invitation_waits_among_the_failed_tasks(client, people, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr(invitations, "send_mail", refuse)
    client.force_login(people["chair"])
    data = browser_form(client.get(ROSTER), action="invite")

    response = client.post(ROSTER, {**data, "invite-email": "nia@example.org"}, follow=True)

    assert response.status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.email == "nia@example.org" and invitation.used_at is None
    [failed] = FailedTask.objects.filter(committee=people["runtime"])
    assert failed.description == "Invitation to nia@example.org to co-chair the Runtime PMC"
    assert "connection refused" in failed.error
    page = client.get("/runtime/failed-tasks/")
    assert failed.description in page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "lead_x", "other_chair"])
def test_only_the_committees_chairs_invite(client, people, who):
    if who != "anonymous":
        client.force_login(people[who])

    response = client.post(ROSTER, {"action": "invite", "invite-email": "x@example.org"})

    assert response.status_code == (302 if who == "anonymous" else 403)
    if who == "anonymous":
        assert response["Location"] == login_redirect(ROSTER)
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_roster_lists_pending_invitations(client, people, lead_invitation):
    client.force_login(people["chair"])
    page = client.get(ROSTER).content.decode()
    assert "nia@example.org" in page and "lead Diego" in page and "pending until" in page


# --- accepting -------------------------------------------------------------------------------------


def test_the_link_shows_a_sign_up_form(client, people, lead_invitation):
    response = client.get(link_in(mail.outbox[0]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "You are invited to lead Diego in the Runtime PMC" in page
    assert set(browser_form(response)) == {"csrfmiddlewaretoken", "username", "password1", "password2"}
    assert f'href="/accounts/login/?next={path_of(lead_invitation)}"' in page


def test_signing_up_makes_the_account_a_lead_and_signs_in(client, people, lead_invitation, draft):
    response = sign_up(client, lead_invitation)

    assert response.status_code == 302
    assert response["Location"] == "/my-sections/"
    user = get_user_model().objects.get(username="nia")
    assert user.email == "nia@example.org"
    assert user.check_password(GOOD_PASSWORD)
    assert set(people["team_x"].leads.all()) == {people["lead_x"], user}
    lead_invitation.refresh_from_db()
    assert lead_invitation.used_by == user
    assert lead_invitation.used_at is not None
    # Signed in: the lead's start page lists the team's section of the draft.
    assert client.get("/my-sections/").context["user"] == user
    assert permissions_can_edit(user, draft, people["team_x"])
    # The draft's empty section names the new lead (no names as written for Diego).
    assert draft.reports.get(team=people["team_x"]).leads == people["team_x"].leads_display


def permissions_can_edit(user, meeting: Meeting, team) -> bool:
    return permissions.can_edit_report(user, meeting.reports.get(team=team))


def test_a_weak_password_is_refused_and_the_link_stays_usable(client, people, lead_invitation):
    response = sign_up(client, lead_invitation, password="password")

    assert response.status_code == 200
    assert any("too common" in error for error in form_errors(response))
    assert not get_user_model().objects.filter(username="nia").exists()
    lead_invitation.refresh_from_db()
    assert lead_invitation.used_at is None


def test_a_taken_username_is_refused(client, people, lead_invitation):
    response = sign_up(client, lead_invitation, username="LEAD-X")

    assert response.status_code == 200
    assert any("already exists" in error for error in form_errors(response))
    lead_invitation.refresh_from_db()
    assert lead_invitation.used_at is None


def test_a_signed_in_visitor_accepts_with_their_own_account(client, people, lead_invitation):
    existing = make_user("existing")
    client.force_login(existing)
    page = client.get(path_of(lead_invitation))
    assert "Accept as existing" in page.content.decode()

    response = client.post(path_of(lead_invitation), browser_form(page))

    assert response.status_code == 302
    assert existing in people["team_x"].leads.all()
    assert get_user_model().objects.filter(username="existing").count() == 1
    lead_invitation.refresh_from_db()
    assert lead_invitation.used_by == existing


def test_accepting_a_co_chair_invitation_makes_a_chair(client, people):
    invitation = send_invitation(client, people, "co@example.org")

    response = sign_up(client, invitation, username="co-chair")

    assert response.status_code == 302
    assert response["Location"] == "/runtime/"
    user = get_user_model().objects.get(username="co-chair")
    assert user in people["runtime"].chairs.all()
    assert client.get("/runtime/roster/").status_code == 200  # signed in, and a chair now


# --- once, and not after it expires ------------------------------------------------------------------


def test_a_used_link_cannot_be_used_again(client, people, lead_invitation):
    assert sign_up(client, lead_invitation).status_code == 302
    client.logout()

    shown = client.get(path_of(lead_invitation))
    again = sign_up(client, lead_invitation, username="someone-else")

    for response in (shown, again):
        assert response.status_code == 410
        assert "This invitation link was already used." in response.content.decode()
    assert not get_user_model().objects.filter(username="someone-else").exists()
    assert people["team_x"].leads.count() == 2


def test_of_two_simultaneous_accepts_only_one_succeeds(people, lead_invitation):
    """Both requests read the invitation as pending; the conditional UPDATE lets only the first through."""
    first_read = Invitation.objects.get(pk=lead_invitation.pk)
    second_read = Invitation.objects.get(pk=lead_invitation.pk)
    first, second = make_user("first"), make_user("second")

    invitations.accept(first_read, first)
    with pytest.raises(invitations.InvitationUnavailable, match="already used"):
        invitations.accept(second_read, second)

    assert first in people["team_x"].leads.all()
    assert second not in people["team_x"].leads.all()
    assert Invitation.objects.get(pk=lead_invitation.pk).used_by == first


def test_a_sign_up_that_loses_the_race_leaves_no_account(people, lead_invitation):
    stale = Invitation.objects.get(pk=lead_invitation.pk)
    invitations.accept(lead_invitation, make_user("winner"))
    form = invitations_form(stale, "loser")

    with pytest.raises(invitations.InvitationUnavailable):
        invitations.sign_up_and_accept(stale, form)

    assert not get_user_model().objects.filter(username="loser").exists()


def invitations_form(invitation: Invitation, username: str):
    form = InvitationSignUpForm(
        {"username": username, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}, invitation=invitation
    )
    assert form.is_valid(), form.errors
    return form


def test_an_expired_link_says_when_it_expired(client, people, lead_invitation):
    Invitation.objects.filter(pk=lead_invitation.pk).update(expires_at=datetime(2020, 1, 5, 14, 30, tzinfo=UTC))
    lead_invitation.refresh_from_db()

    response = client.get(path_of(lead_invitation))

    assert response.status_code == 410
    assert "This invitation link expired on 05 January 2020 at 14:30 UTC" in response.content.decode()


def test_a_link_opened_too_late_cannot_be_accepted(client, people, lead_invitation, monkeypatch):
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)

    shown = client.get(path_of(lead_invitation))
    posted = sign_up(client, lead_invitation)

    for response in (shown, posted):
        assert response.status_code == 410
        assert "expired on" in response.content.decode()
    assert not get_user_model().objects.filter(username="nia").exists()
    assert list(people["team_x"].leads.all()) == [people["lead_x"]]


def test_the_last_moment_before_expiry_still_works(client, people, lead_invitation, monkeypatch):
    just_before = lead_invitation.expires_at - timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: just_before)

    assert sign_up(client, lead_invitation).status_code == 302


def test_an_unknown_token_is_a_clear_404(client, db):
    response = client.get("/accounts/invitation/not-a-real-token/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


# --- revoking --------------------------------------------------------------------------------------


def test_the_chair_revokes_a_pending_invitation_and_its_link_dies(client, people, lead_invitation):
    client.force_login(people["chair"])

    response = client.post(f"/runtime/invitations/{lead_invitation.pk}/revoke/")

    assert response.status_code == 302
    assert not Invitation.objects.exists()
    client.logout()
    assert client.get(path_of(lead_invitation)).status_code == 404


def test_a_used_invitation_cannot_be_revoked(client, people, lead_invitation):
    invitations.accept(lead_invitation, make_user("nia"))
    client.force_login(people["chair"])

    client.post(f"/runtime/invitations/{lead_invitation.pk}/revoke/")

    assert Invitation.objects.filter(pk=lead_invitation.pk).exists()


@pytest.mark.parametrize("who", ["lead_x", "other_chair"])
def test_only_the_committees_chairs_revoke(client, people, lead_invitation, who):
    client.force_login(people[who])
    assert client.post(f"/runtime/invitations/{lead_invitation.pk}/revoke/").status_code == 403
    assert Invitation.objects.filter(pk=lead_invitation.pk).exists()


def test_another_committees_invitation_is_not_revoked_from_here(client, people):
    other = invitations.invite(people["extensions"], "x@example.org", by=people["other_chair"])
    client.force_login(people["chair"])
    assert client.post(f"/runtime/invitations/{other.pk}/revoke/").status_code == 404
    assert Invitation.objects.filter(pk=other.pk).exists()


def test_an_invite_link_on_the_roster_preselects_the_team(client, people):
    client.force_login(people["chair"])

    data = browser_form(client.get(f"{ROSTER}?team={people['team_y'].pk}"), action="invite")

    assert data["invite-team"] == str(people["team_y"].pk)
    assert browser_form(client.get(f"{ROSTER}?team=nonsense"), action="invite")["invite-team"] == ""


def test_the_invitation_names_the_inviter_by_name_never_by_username(client, people):
    send_invitation(client, people, "nia@example.org", team=people["team_x"])
    assert "A chair of the Runtime PMC invites you" in mail.outbox[0].body
    assert "chair invites" not in mail.outbox[0].body  # the chair's username

    Profile.objects.create(user=people["chair"], display_name="Dieu Cao")
    send_invitation(client, people, "sam@example.org", team=people["team_y"])
    assert "Dieu Cao, a chair of the Runtime PMC, invites you" in mail.outbox[1].body
