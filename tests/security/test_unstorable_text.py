"""Text that cannot be stored: a lone UTF-16 surrogate is refused with a form error on every form, never a 500.

A browser never sends one, but a request may declare a charset whose
decoding yields one (UTF-7's `+2AA-`), and the API's JSON may spell one
(`"\\ud800"`, tests/api/test_writing.py). No database, UTF-8 page, PDF or
e-mail can hold it.
"""

import copy
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict

import meetings.forms
from meetings.lib.text import UNSTORABLE
from meetings.models import ApiToken, BacklogReport

SURROGATE = "\ud800"


def every_form_class():
    for module_info in pkgutil.iter_modules(meetings.forms.__path__):
        module = importlib.import_module(f"meetings.forms.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


FORMS = [pytest.param(form, id=form.__name__) for form in every_form_class()]


def test_the_forms_are_found():
    assert len(FORMS) > 25


@pytest.mark.parametrize("form_class", FORMS)
def test_every_field_of_every_form_refuses_a_lone_surrogate_and_the_form_still_renders(db, form_class):
    """Each form's fields, as the site renders them: each one sent a surrogate gets the message, never a crash."""
    fields = {
        name: copy.deepcopy(field)
        for name, field in form_class.base_fields.items()
        # A file's name comes with its upload; a checkbox reads any text as "on": no text of theirs is kept.
        if not isinstance(field, forms.FileField | forms.BooleanField)
    }
    if not fields:
        pytest.skip("a base of forms, with no fields of its own")
    probe = type("Probe", (forms.Form,), dict(fields))  # the metaclass takes the fields out of the dict it gets
    data = MultiValueDict({name: [f"half {SURROGATE} a pair"] for name in fields})
    form = probe(data)
    assert not form.is_valid()
    for name in fields:
        assert UNSTORABLE in form.errors.get(name, []), (name, form.errors.get(name))
    form.as_div().encode()  # shown back as U+FFFD: the page can be sent


BOUNDARY = "surrogate-boundary"
# Django refuses a urlencoded body in any charset but UTF-8; a multipart one takes the charset it declares.
UTF7_FORM = f"multipart/form-data; boundary={BOUNDARY}; charset=utf-7"


def utf7(fields: dict) -> str:
    """The fields as a form body declaring UTF-7; the test client encodes its SURROGATE as `+2AA-`, as a client may."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").replace("SURROGATE", SURROGATE)


def test_a_token_name_with_a_surrogate_is_a_form_error(client, people):
    client.force_login(people["lead_x"])
    response = client.post("/accounts/tokens/", utf7({"name": "bot SURROGATE one", "scope": "report"}), UTF7_FORM)
    assert response.status_code == 200
    assert "cannot be stored" in str(response.context["form"].errors["name"])
    assert not ApiToken.objects.exists()


def test_a_report_with_a_surrogate_is_a_form_error_and_nothing_is_saved(client, people, draft):
    client.force_login(people["lead_x"])
    report = draft.reports.get(team__slug="diego")
    response = client.post(
        "/runtime/2030-01-08/reports/diego/edit/",
        utf7({"body": "- shipped SURROGATE one", "version": report.version}),
        UTF7_FORM,
    )
    assert response.status_code == 200
    assert "cannot be stored" in str(response.context["form"].errors["body"])
    assert BacklogReport.objects.get(pk=report.pk).version == report.version


def test_a_search_with_a_surrogate_is_a_message(client, db):
    response = client.get("/search/?q=%2B2AA-", headers={"Content-Type": "text/plain; charset=utf-7"})
    assert response.status_code == 200
    assert "cannot be stored" in str(response.context["form"].errors["q"])


@pytest.mark.parametrize("query", ["order=%2B2AA-", "committee=%2B2AA-", "date_from=%2B2AA-", "page=%2B2AA-"])
def test_a_choice_or_a_date_with_a_surrogate_is_a_message_too(client, db, query):
    response = client.get(f"/search/?q=x&{query}", headers={"Content-Type": "text/plain; charset=utf-7"})
    assert response.status_code == 200
