"""The roster's GitHub handles: signing in as one makes the account that team's lead or co-lead, once per GitHub id."""

import pytest

from meetings.models import BacklogReport, HandleClaim
from meetings.services.signin import forget_handle_claims, link_github_account
from tests.support.builders import make_team, make_user


@pytest.fixture
def dana(db):
    return make_user("dana", first_name="Dana", last_name="Okafor")


def test_a_lead_handle_makes_a_lead_and_names_them_in_the_drafts_empty_sections(people, draft, dana):
    team = people["team_x"]
    team.lead_handles = "eric-malm dana-gh"
    team.save()

    assert link_github_account(dana, handle="dana-gh", github_id="4001").joined == [team]

    assert team.leads.filter(pk=dana.pk).exists()
    heading = BacklogReport.objects.get(meeting=draft, team=team).heading
    assert "Dana Okafor" in heading and "Eric Malm" in heading


def test_handles_match_whole_and_whatever_their_case(people, dana):
    people["team_x"].lead_handles = "Dana-GH"
    people["team_y"].lead_handles = "dana-gh-bot"  # contains the handle, names someone else
    people["team_x"].save()
    people["team_y"].save()

    assert link_github_account(dana, handle="@dana-gh", github_id="4001").joined == [people["team_x"]]
    assert link_github_account(dana, handle="dana", github_id="4001").joined == []
    assert not people["team_y"].leads.filter(pk=dana.pk).exists()


def test_a_co_lead_handle_makes_a_co_lead_only(people, dana):
    people["team_y"].co_lead_handles = "dana-gh"
    people["team_y"].save()

    assert link_github_account(dana, handle="dana-gh", github_id="4001").joined == [people["team_y"]]

    assert list(people["team_y"].co_leads.all()) == [dana]
    assert not people["team_y"].leads.filter(pk=dana.pk).exists()


def test_every_team_naming_the_handle_in_every_committee(people, dana):
    elsewhere = make_team(people["extensions"], "Docs", lead_handles="dana-gh")
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()

    joined = link_github_account(dana, handle="dana-gh", github_id="4001").joined

    assert sorted(team.pk for team in joined) == sorted([people["team_x"].pk, elsewhere.pk])


def test_linking_again_changes_nothing(people, dana):
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()
    link_github_account(dana, handle="dana-gh", github_id="4001")

    assert link_github_account(dana, handle="dana-gh", github_id="4001").joined == []
    assert people["team_x"].leads.filter(pk=dana.pk).count() == 1


def test_an_empty_handle_links_nothing(people, dana):
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()

    assert link_github_account(dana, handle="", github_id="4001").joined == []
    assert link_github_account(dana, handle="@", github_id="4001").joined == []


def test_the_first_github_id_to_sign_in_as_a_handle_claims_it(people, dana):
    people["team_x"].lead_handles = "Dana-GH"
    people["team_x"].save()

    link_github_account(dana, handle="dana-gh", github_id="4001")

    claim = HandleClaim.objects.get(team=people["team_x"])
    assert (claim.handle, claim.github_id, claim.user) == ("dana-gh", "4001", dana)


def test_another_github_id_under_a_claimed_handle_is_refused_and_the_refusal_kept(people, dana):
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()
    link_github_account(dana, handle="dana-gh", github_id="4001")
    squatter = make_user("squatter")

    linking = link_github_account(squatter, handle="DANA-GH", github_id="9666")

    assert (linking.joined, linking.refused) == ([], [people["team_x"]])
    assert not people["team_x"].leads.filter(pk=squatter.pk).exists()
    claim = HandleClaim.objects.get(team=people["team_x"])
    assert (claim.github_id, claim.user, claim.refused_github_id, claim.refused_user) == (
        "4001",
        dana,
        "9666",
        squatter,
    )
    assert claim.refused_at is not None


def test_a_claim_holds_per_team_not_for_another_teams_roster(people, dana):
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()
    link_github_account(dana, handle="dana-gh", github_id="4001")
    people["team_y"].co_lead_handles = "dana-gh"
    people["team_y"].save()
    newcomer = make_user("newcomer")

    linking = link_github_account(newcomer, handle="dana-gh", github_id="5005")

    assert (linking.joined, linking.refused) == ([people["team_y"]], [people["team_x"]])


def test_a_handle_taken_off_the_roster_loses_its_claim(people, dana):
    people["team_x"].lead_handles = "dana-gh eric-malm"
    people["team_x"].save()
    link_github_account(dana, handle="dana-gh", github_id="4001")
    people["team_x"].lead_handles = "eric-malm"
    people["team_x"].save()

    assert forget_handle_claims(people["team_x"]) == 1
    assert not HandleClaim.objects.exists()


def test_no_github_id_links_nothing(people, dana):
    people["team_x"].lead_handles = "dana-gh"
    people["team_x"].save()

    assert link_github_account(dana, handle="dana-gh", github_id="").joined == []
