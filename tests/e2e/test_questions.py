"""A lead asks another team a question on the draft; that team's lead finds it on My sections and answers it."""

import re

from playwright.sync_api import expect

from .browsing import assert_accessible, screenshot, sign_in

DRAFT = "/runtime/2018-06-26/"


def test_a_lead_answers_a_question_asked_on_the_draft(new_context):
    asker = new_context().new_page()
    sign_in(asker, "cli-lead")
    asker.goto(DRAFT)
    diego = asker.locator("section#diego")
    diego.get_by_text("Ask the Diego team a question", exact=True).click()  # folded until wanted
    diego.get_by_label(re.compile("Ask the Diego team")).fill("Will the cell rep fix ship in 2.8?")
    diego.get_by_role("button", name="Ask").click()
    expect(asker.get_by_role("status").or_(asker.locator(".message")).first).to_contain_text("Asked the Diego team")
    expect(asker.locator("section#diego .question")).to_contain_text("Will the cell rep fix ship in 2.8?")
    assert_accessible(asker, "questions-draft-page")

    lead = new_context().new_page()
    sign_in(lead, "diego-lead")
    lead.goto("/my-sections/")
    row = lead.get_by_role("row", name=re.compile("Diego"))
    row.get_by_role("link", name="1 unanswered question").click()
    question = lead.locator("#questions .question")
    expect(question).to_contain_text("Will the cell rep fix ship in 2.8?")
    expect(question).to_contain_text("Not answered yet.")
    assert_accessible(lead, "questions-editor")
    question.get_by_label("Answer").fill("Yes, in 2.8.0.")
    question.get_by_role("button", name="Record the answer").click()

    expect(lead.locator("#questions .question .answer")).to_contain_text("Yes, in 2.8.0.")
    screenshot(lead, "lead-answers-a-question")
    lead.goto("/my-sections/")
    expect(lead.get_by_role("row", name=re.compile("Diego"))).not_to_contain_text("unanswered")
