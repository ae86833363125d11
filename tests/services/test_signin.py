"""The roster's GitHub handles: signing in as one makes the account that team's lead or co-lead."""

import pytest

from meetings.models import BacklogReport
from meetings.services.signin import link_github_account
from tests.support.builders import make_team, make_user


@pytest.fixture
def dana(db):
    return make_user("dana", first_name="Dana", last_name="Okafor")


def test_a_lead_handle_makes_a_lead_and_names_them_in_the_drafts_empty_sections(people, draft, dana):
    team = people["team_x"]
    team.lead_handles = "eric-malm dana-gh"
    team.save()

    assert link_github_account(dana, handle="dana-gh") == [team]

    assert team.leads.filter(pk=dana.pk).exists()
    heading = BacklogReport.objects.get(meeting=draft, team=team).heading
    assert "Dana Okafor" in heading and "Eric Malm" in heading


def test_handles_match_whole_and_whatever_their_case(people, dana):
    people["team_x"].lead_handles = "Dana-GH"
    people["team_y"].lead_handles = "dana-gh-bot"  # contains the handle, names someone else
    people["team_x"].save()
    people["team_y"].save()

    assert link_github_account(dana, handle="@dana-gh") == [people["team_x"]]
    assert link_github_account(dana, handle="dana") == []
    assert not people["team_y"].leads.filter(pk=dana.pk).exists()


def test_a_co_lead_handle_makes_a_co_lead_only(people, dana):
    people["team_y"].co_lead_handles = "dana-gh"
    people["team_y"].save()

    assert link_github_account(dana, handle="dana-gh") == [people["team_y"]]

    assert list(people["team_y"].co_leads.all()) == [dana]
    assert not people["team_y"].leads.filter(pk=dana.pk).exists()


def test_every_team_naming_the_handle_in_every_committee(people, dana):
    elsewhere = make_team(people["extensions"], "Docs", lead_handles="dana-gh")
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()

    joined = link_github_account(dana, handle="dana-gh")

    assert sorted(team.pk for team in joined) == sorted([people["team_x"].pk, elsewhere.pk])


def test_linking_again_changes_nothing(people, dana):
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()
    link_github_account(dana, handle="dana-gh")

    assert link_github_account(dana, handle="dana-gh") == []
    assert people["team_x"].leads.filter(pk=dana.pk).count() == 1


def test_an_empty_handle_links_nothing(people, dana):
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()

    assert link_github_account(dana, handle="") == []
    assert link_github_account(dana, handle="@") == []
