"""Long lists a chair works with: the agenda reordered by buttons or dragging, team pickers with a type-ahead
filter, the roster with its retired teams folded, and a name typed for an account without one in the attendance."""

import re

from playwright.sync_api import expect

from meetings.models import Meeting, Team, TeamStatus

from .browsing import assert_accessible, is_focused, save_screenshots, sign_in, tab_to

AGENDA = "/runtime/2018-06-26/agenda/edit/"


def agenda_titles(page) -> list[str]:
    return page.locator("table.agenda-rows tbody tr[data-kind]").evaluate_all(
        "rows => rows.map(row => row.dataset.name)"
    )


def test_the_chair_moves_an_agenda_section_down_by_keyboard_and_the_order_is_saved(new_context):
    page = new_context().new_page()
    sign_in(page, "chair")
    page.goto(AGENDA)
    before = agenda_titles(page)
    first, second = before[0], before[1]

    down = page.get_by_role("button", name=f"Move {first} down")
    tab_to(page, down, max_presses=200)
    page.keyboard.press("Enter")

    assert agenda_titles(page)[:2] == [second, first]
    assert is_focused(down), "the focus stays on the button that moved the row"
    expect(page.locator("#agenda-reorder-status")).to_have_text(f"{first} moved to position 2 of {len(before)}.")
    expect(page.get_by_label(f"Order of {first}")).to_have_value("2")
    expect(page.get_by_label(f"Order of {second}")).to_have_value("1")
    page.keyboard.press("Shift+Tab")  # to "up" of the same row
    page.keyboard.press("Enter")
    assert agenda_titles(page)[:2] == [first, second]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert_accessible(page, "agenda editor after a move")
    save_screenshots(page, "lists-agenda-reorder")

    page.get_by_role("button", name="Save the agenda").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the agenda")
    meeting = Meeting.objects.get(committee__slug="runtime", date="2018-06-26")
    assert list(meeting.items.values_list("title", flat=True)[:2]) == [second, first]


def test_dragging_a_section_by_its_handle_moves_it(new_context):
    page = new_context().new_page()
    sign_in(page, "chair")
    page.goto(AGENDA)
    before = agenda_titles(page)
    handle = page.locator("tbody tr[data-kind]").nth(2).locator(".drag-handle")
    target = page.locator("tbody tr[data-kind]").nth(0)

    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    goal = target.bounding_box()
    page.mouse.move(box["x"] + 2, goal["y"] + 4, steps=8)  # past the middle of the first row
    page.mouse.up()

    assert agenda_titles(page)[:3] == [before[2], before[0], before[1]], (before, agenda_titles(page))
    expect(page.get_by_label(f"Order of {before[2]}")).to_have_value("1")


def test_the_agenda_numbers_alone_reorder_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, "chair")  # a plain form
    page.goto(AGENDA)
    before = agenda_titles(page)
    expect(page.get_by_role("button", name=re.compile("^Move "))).to_have_count(0)

    page.get_by_label(f"Order of {before[0]}").fill("99")
    page.get_by_role("button", name="Save the agenda").click()

    meeting = Meeting.objects.get(committee__slug="runtime", date="2018-06-26")
    titles = list(meeting.items.values_list("title", flat=True))
    assert titles[0] == before[1] and titles[-1] == before[0]


def test_the_owner_picker_filters_teams_as_the_chair_types(new_context):
    Team.objects.filter(committee__slug="runtime", slug="garden-windows").update(status=TeamStatus.RETIRED)
    page = new_context().new_page()
    sign_in(page, "chair")
    meeting = Meeting.objects.get(committee__slug="runtime", date="2018-06-26")
    url = f"/runtime/2018-06-26/items/{meeting.items.get(title='Announcements').pk}/actions/new/"
    page.goto(url)
    who = page.get_by_label("Who", exact=True)
    expect(who.locator("optgroup")).to_have_count(3)  # active teams, retired teams, people
    expect(who.locator("optgroup").nth(1)).to_have_attribute("label", "Retired teams")

    page.get_by_label("Filter the choices of Who").fill("gard")

    expect(who).to_have_value("garden")
    visible = who.locator("option").evaluate_all("options => options.filter(o => !o.hidden).map(o => o.text)")
    assert visible[1:] == ["Garden", "Garden-Windows"], visible  # after the empty choice
    expect(page.get_by_role("status").filter(has_text="of")).to_contain_text("2 of")
    assert_accessible(page, "new action with the owner filtered")
    save_screenshots(page, "lists-team-picker")


def test_the_roster_folds_its_retired_teams(new_context):
    Team.objects.filter(committee__slug="runtime", slug__in=["eirini", "garden-windows"]).update(
        status=TeamStatus.RETIRED
    )
    page = new_context().new_page()
    sign_in(page, "chair")
    page.goto("/runtime/roster/")
    folded = page.locator("details.retired-teams")
    expect(folded.locator("summary")).to_have_text("2 retired teams")
    expect(folded.get_by_role("link", name="Eirini")).to_be_hidden()
    assert_accessible(page, "roster, retired teams folded")

    folded.locator("summary").click()
    expect(folded.get_by_role("link", name="Eirini")).to_be_visible()
    rows = page.locator("table.roster").first.locator("tbody th").all_inner_texts()
    assert rows == sorted(rows, key=str.casefold) and "Eirini" not in rows
    assert_accessible(page, "roster, retired teams open")
    save_screenshots(page, "lists-roster")


def test_the_chair_types_a_name_for_an_account_without_one(new_context):
    page = new_context().new_page()
    sign_in(page, "chair")
    page.goto("/runtime/2018-06-26/attendance/")
    nameless = page.locator(".attendee-account").filter(has_text="no name yet").first
    nameless.get_by_role("checkbox").check()
    page.get_by_label("Other attendees").fill("Chip Childers, Cloud Foundry Foundation")
    page.get_by_role("button", name="Save the attendance").click()

    # Refused in that row only; the tick and the typed line are still there.
    error = nameless.get_by_role("alert")
    expect(error).to_contain_text("has no name yet")
    expect(nameless.get_by_role("checkbox")).to_be_checked()
    expect(page.get_by_label("Other attendees")).to_have_value(re.compile("Chip Childers"))
    assert_accessible(page, "attendance with a row's error")
    save_screenshots(page, "lists-attendance")

    nameless.get_by_placeholder("Name, as the minutes write it").fill("Dieu Cao")
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded 2 attendees")
