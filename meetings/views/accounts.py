"""Signing in: the form is Django's; where it lands depends on what the person does here."""

from django.contrib.auth.views import LoginView
from django.urls import reverse

from .. import permissions


def landing_url(user) -> str:
    """Where a person starts: a lead on My sections, the chair of one committee on its page, others at home.

    The chair of several committees starts on My sections too: it lists the
    drafts of every committee they chair.
    """
    if permissions.leads_any_team(user):
        return reverse("meetings:my_sections")
    chaired = list(permissions.chaired_committees(user).order_by("pk")[:2])
    if len(chaired) == 1:
        return chaired[0].get_absolute_url()
    return reverse("meetings:my_sections" if chaired else "meetings:home")


class SignInView(LoginView):
    """Django's sign-in; a safe `next` still wins (LoginView checks it against the site's host)."""

    def get_default_redirect_url(self):
        return landing_url(self.request.user)
