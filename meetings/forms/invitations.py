"""The form of an invitation's link (views/invitations.py): the account of the person invited."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from ..models import Invitation


class InvitationSignUpForm(UserCreationForm):
    """A new account for the person invited; the password passes the site's password validation."""

    def __init__(self, *args, invitation: Invitation, **kwargs):
        # The instance carries the e-mail, so the validators refuse a password too like it.
        kwargs.setdefault("instance", get_user_model()(email=invitation.email))
        super().__init__(*args, **kwargs)
