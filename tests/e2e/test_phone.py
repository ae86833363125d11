"""On a phone (390×844), the chair's pages, readiness and the roster fit the screen: no sideways scrolling."""

import pytest

from .browsing import assert_accessible, screenshot, sign_in

PHONE = {"width": 390, "height": 844}
DRAFT = "/runtime/2018-06-26"

# name -> path; the chair is signed in for all of them.
CHAIR_PAGES = {
    "chair-meeting": f"{DRAFT}/edit/",
    "chair-item": None,  # the first section's edit page, found on the chair's page
    "chair-roadmap": f"{DRAFT}/roadmap/edit/",
    "readiness": f"{DRAFT}/readiness/",
    "attendance": f"{DRAFT}/attendance/",
    "publish": f"{DRAFT}/publish/",
    "cancel": f"{DRAFT}/cancel/",
    "agenda": f"{DRAFT}/agenda/edit/",
    "decisions": "/runtime/decisions/",
    "actions": "/runtime/actions/",
    "action-candidates": "/runtime/2018-06-12/actions/candidates/",
    "roster": "/runtime/roster/",
    "roster-team": "/runtime/roster/diego/",
    "settings": "/runtime/settings/",
    "schedule": "/runtime/meetings/schedule/",
    "archive-as-chair": "/runtime/",
    "meeting-as-chair": "/runtime/2018-06-12/",
}


@pytest.fixture
def phone(new_context):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    sign_in(page, "chair")
    return page


def page_width(page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth")


def wide_elements(page) -> list[str]:
    """What sticks out past the right edge of the window, to say why a page scrolls sideways."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 390.5)
            .slice(0, 8)
            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} `
                      + `${Math.round(e.getBoundingClientRect().right)}px`)"""
    )


@pytest.mark.parametrize("name", CHAIR_PAGES)
def test_the_chairs_pages_fit_a_phone(phone, name):
    path = CHAIR_PAGES[name]
    if path is None:
        phone.goto(f"{DRAFT}/edit/")
        path = phone.locator("a[href*='/items/']").first.get_attribute("href")
    response = phone.goto(path)
    assert response.status == 200, path

    assert page_width(phone) <= PHONE["width"], f"{path} scrolls sideways: {wide_elements(phone)}"
    screenshot(phone, f"phone-{name}")
    if name in {"readiness", "roster"}:
        assert_accessible(phone, f"{name} on a phone")
