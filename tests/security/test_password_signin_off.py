"""PASSWORD_SIGNIN=false means off everywhere: no path signs anyone in with a password, the admin's included.

Each path is tried with a real superuser's password: staff would otherwise
sign in there for the whole site, past the provider and its MFA.
"""

import pytest
from django.contrib.auth import authenticate, get_user_model

from tests.support.accounts import LOGIN
from tests.support.signin import GITHUB_LOGIN, sign_in_with, signed_in_user

PASSWORD = "Root-Password-77"


@pytest.fixture
def root(people, settings):
    settings.PMC_PASSWORD_SIGNIN = False
    user = people["superuser"]
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_admins_sign_in_sends_to_the_sites_sign_in_page(client, root):
    page = client.get("/admin/login/?next=/admin/auth/user/")

    assert page.status_code == 302
    assert page["Location"] == f"{LOGIN}?next=/admin/auth/user/"


def test_the_admins_sign_in_form_signs_no_one_in_with_a_superusers_password(client, root):
    refused = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"})

    assert refused.status_code == 302 and refused["Location"] == f"{LOGIN}?next=/admin/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_signed_in_account_is_not_asked_to_sign_in_again_for_the_admin(client, root, people):
    client.force_login(people["member"])
    assert client.get("/admin/").status_code == 302  # the admin's own answer: to its sign-in
    assert client.get("/admin/login/?next=/admin/").status_code == 403
    client.force_login(root)
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"


def test_no_password_is_checked_anywhere_not_even_by_a_direct_authenticate(rf, root):
    assert authenticate(rf.post("/"), username="root", password=PASSWORD) is None


@pytest.mark.parametrize(
    "path",
    [
        "/admin/password_change/",
        "/admin/password_change/done/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
        "/accounts/password_reset/done/",
        "/accounts/reset/done/",
        # allauth's own password pages are not mounted at all.
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/password/reset/",
    ],
)
def test_no_password_page_is_left_for_a_signed_in_superuser(client, root, path):
    client.force_login(root)

    assert client.get(path).status_code == 404
    changed = client.post(
        path, {"old_password": PASSWORD, "new_password1": "Other-pass-88", "new_password2": "Other-pass-88"}
    )

    assert changed.status_code == 404
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_staff_reach_the_admin_after_signing_in_with_a_provider(client, root, github_signin):
    github_signin.set_github_user(login="root-gh", id=7001)
    sign_in_with(client, GITHUB_LOGIN)
    user = signed_in_user(client)
    user.is_staff = user.is_superuser = True
    user.save()

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200


def test_password_sign_in_on_keeps_the_admins_own_form(client, root, settings):
    settings.PMC_PASSWORD_SIGNIN = True

    assert client.get("/admin/login/").status_code == 200
    signed_in = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD, "next": "/admin/"})

    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert signed_in_user(client) == get_user_model().objects.get(username="root")
