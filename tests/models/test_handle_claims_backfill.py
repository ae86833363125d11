"""The migration that brings handle claims: the handles already linked are claimed by the GitHub ids linked to them."""

import importlib

from allauth.socialaccount.models import SocialAccount
from django.apps import apps

from meetings.models import HandleClaim
from tests.support.builders import make_user

migration = importlib.import_module("meetings.migrations.0020_github_handle_claims")


def test_a_linked_lead_or_co_lead_keeps_the_handle_and_an_unlinked_one_stays_open(people):
    dana, eve, bob = make_user("dana"), make_user("eve"), make_user("bob")
    people["team_x"].lead_handles = "Dana-GH eve-gh"
    people["team_x"].save()
    people["team_x"].leads.add(dana)
    people["team_y"].co_lead_handles = "bob-gh"
    people["team_y"].save()
    people["team_y"].co_leads.add(bob)
    SocialAccount.objects.create(user=dana, provider="github", uid="4001", extra_data={"login": "dana-gh"})
    SocialAccount.objects.create(user=bob, provider="github", uid="4002", extra_data={"login": "Bob-GH"})
    # Eve's GitHub login is on the roster, but she is not (yet) its lead: nothing to keep.
    SocialAccount.objects.create(user=eve, provider="github", uid="4003", extra_data={"login": "eve-gh"})

    migration.claim_linked_handles(apps, None)

    claims = {(claim.team_id, claim.handle, claim.github_id, claim.user_id) for claim in HandleClaim.objects.all()}
    assert claims == {
        (people["team_x"].pk, "dana-gh", "4001", dana.pk),
        (people["team_y"].pk, "bob-gh", "4002", bob.pk),
    }
