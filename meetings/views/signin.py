"""django-allauth's adapters: sign-in with GitHub or OpenID Connect, shaped to this site.

Password accounts come only from invitations (views/invitations.py), so
allauth's own sign-up is closed; a provider's sign-in makes an account, and
GitHub's links it to the roster by handle, held by GitHub's numeric user id
once claimed (services/signin.py).
"""

from functools import wraps

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.github import views as github_views
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render

from ..services.signin import link_github_account
from .accounts import landing_url


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False  # no password sign-up but an invitation's

    def get_login_redirect_url(self, request) -> str:
        return landing_url(request.user)

    def get_signup_redirect_url(self, request) -> str:
        return landing_url(request.user)  # the first sign-in with a provider lands as any other

    def respond_user_inactive(self, request, user):
        # allauth's own page for it is not mounted; the site's refusal says enough.
        return render(request, "403.html", status=403)


class ProviderSignInAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True  # an account without a team or committee may only read, as everyone may

    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.is_existing:
            _link_to_roster(request, sociallogin)
            return
        # A new account keeps only the addresses the provider verified: an address anyone may add
        # to their GitHub account unconfirmed must not end up on an account here.
        verified = [address for address in sociallogin.email_addresses if address.verified]
        sociallogin.email_addresses = verified
        primary = next((address for address in verified if address.primary), verified[0] if verified else None)
        sociallogin.user.email = primary.email if primary else ""

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        _link_to_roster(request, sociallogin)
        return user


def _link_to_roster(request, sociallogin) -> None:
    if sociallogin.account.provider != "github":
        return
    # The uid is GitHub's numeric user id: it stays when the login is renamed, and is never given again.
    linking = link_github_account(
        sociallogin.user,
        handle=str(sociallogin.account.extra_data.get("login", "")),
        github_id=sociallogin.account.uid,
    )
    for team in linking.joined:
        messages.success(request, f"The roster names you on {team.name} of the {team.committee.name} PMC: welcome.")
    for team in linking.refused:
        messages.warning(
            request,
            f"The roster of {team.name} ({team.committee.name} PMC) names your GitHub handle, but another GitHub "
            "account claimed it first: you are not one of its leads. The committee's chairs see this on the roster.",
        )


def _while_switched_on(view):
    """allauth's provider views, answering 404 (not 500) where sign-in with that provider is not switched on."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist:
            raise Http404("Sign-in with this provider is not switched on on this site.") from None

    return wrapped


github_login = _while_switched_on(github_views.oauth2_login)
github_callback = _while_switched_on(github_views.oauth2_callback)
oidc_login = _while_switched_on(oidc_views.login)
oidc_callback = _while_switched_on(oidc_views.callback)
