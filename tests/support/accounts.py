"""Signing in for the tests of the site's pages: the test client as one of the `people`, and where sign-in sends."""

from urllib.parse import quote

LOGIN = "/accounts/login/"


def sign_in(client, people, who: str):
    """The test client signed in as one of the `people` (or left anonymous)."""
    if who != "anonymous":
        client.force_login(people[who])
    return client


def login_redirect(url: str) -> str:
    """Where an anonymous visitor to `url` is sent: the sign-in page, coming back to `url`."""
    return f"{LOGIN}?next={quote(url)}"
