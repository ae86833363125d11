"""Every layout of the archive's committees, imported from fixtures of our own: no line is lost.

The fixtures are in tests/fixtures/layouts/ (see tests/fixtures/README.md): a
`# Projects` file whose groups hold plain lists, a notes-style file with a `##`
section per team, a BOSH file with `## When/Where?`, and a file of oddities
(preamble, `####` under the title, setext headings, a `***` rule). Each line of
each file must be in the `.md` export, on the page and in the PDF.
"""

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import Outcome, import_file
from tests.support.corpus import LAYOUTS

pytestmark = pytest.mark.django_db

EXTENSIONS = "Extensions/2019/02-11-2019.md"
NOTES = "Runtime/2015/2015-11-09-runtime.md"
BOSH = "BOSH/2017/2017-03-07-bosh.md"
ODDITIES = "Services/2016/2016-05-10-services.md"
EVERY_LAYOUT = [EXTENSIONS, NOTES, BOSH, ODDITIES]
# Markers, emphasis, brackets, rules and the dash or parentheses around a heading's leads (the page shows “led by”, the PDF “–”).
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s|[*+-]\s|\d+[.)]\s)|[*_`()]|\[|\]|^[-=*]{3,}$|<!--|-->|\s[-–—]\s|\bled by\b")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def imported(name: str):
    result = import_file(LAYOUTS / name, name.split("/")[0])
    assert result.outcome == Outcome.IMPORTED, result
    return result


def lines_of(name: str) -> list[str]:
    return [line.rstrip() for line in (LAYOUTS / name).read_text(encoding="utf-8").split("\n") if line.strip()]


def words_of(line: str) -> str:
    """What a reader sees of a line of Markdown: its text without markers, link targets and emphasis."""
    return " ".join(_MARKUP.sub(" ", _LINK_TARGET.sub("]", line)).split())


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", EVERY_LAYOUT)
def test_every_line_of_each_layout_is_in_the_markdown_export(name):
    exported = meeting_to_markdown(imported(name).meeting).split("\n")
    missing = [line for line in lines_of(name) if line not in (e.rstrip() for e in exported)]
    assert missing == []


@pytest.mark.parametrize("name", EVERY_LAYOUT)
def test_every_line_of_each_layout_is_on_the_page(name, client):
    meeting = imported(name).meeting
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    page = flat(re.sub(r"<[^>]+>", " ", response.content.decode()).replace("&amp;", "&").replace("&#x27;", "'"))
    page = page.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    missing = [line for line in lines_of(name) if words_of(line) and words_of(line) not in words_of(page)]
    assert missing == []


@pytest.mark.parametrize("name", EVERY_LAYOUT)
def test_every_line_of_each_layout_is_in_the_pdf(name, client):
    meeting = imported(name).meeting
    response = client.get(meeting.get_absolute_url().rstrip("/") + ".pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = words_of(flat(" ".join(page.extract_text() for page in reader.pages)))
    missing = [line for line in lines_of(name) if words_of(line) and words_of(line) not in text]
    assert missing == []
