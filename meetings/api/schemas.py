"""What the API reads and writes, as typed schemas: the OpenAPI document is generated from them.

Private notes, questions, usernames and e-mail addresses are never part of
them: what the API shows of the minutes is what their public page shows.
"""

import datetime

from ninja import Field, Schema
from pydantic import field_validator

from ..lib.text import UNSTORABLE, is_storable


class InputSchema(Schema):
    """What a client sends: text that cannot be stored (a lone surrogate, `"\\ud800"` in JSON) is a 422 naming
    its field, before any form, model or renderer meets it."""

    @field_validator("*")
    @classmethod
    def _storable(cls, value):
        if isinstance(value, str) and not is_storable(value):
            raise ValueError(UNSTORABLE)
        return value


class ProblemOut(Schema):
    """An error (RFC 9457, `application/problem+json`)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


class Paged(Schema):
    count: int = Field(description="Items in all pages.")
    page: int
    pages: int
    next: str | None = Field(description="The URL of the next page, if any.")
    previous: str | None


class CommitteeOut(Schema):
    slug: str
    name: str
    description: str
    latest_meeting: datetime.date | None = Field(description="Date of its latest published minutes.")
    url: str = Field(description="Its page on the site.")


class CommitteePage(Paged):
    items: list[CommitteeOut]


class MeetingSummaryOut(Schema):
    committee: str
    date: datetime.date
    title: str
    published_at: datetime.datetime | None
    url: str


class MeetingPage(Paged):
    items: list[MeetingSummaryOut]


class SectionOut(Schema):
    """A chair's section of the minutes (announcements, discussion…)."""

    title: str
    kind: str
    level: int
    anchor: str
    agenda_label: str
    presenter: str
    duration_minutes: int | None
    body: str = Field(description="Markdown.")


class ReportOut(Schema):
    """A team's section (its backlog report). `version` is what `If-Match` names to replace it."""

    team: str = Field(description="The team's slug.")
    team_name: str
    heading: str
    leads: str
    status_label: str
    group: str
    body: str = Field(description="Markdown.")
    no_update: bool = Field(description="The team said “No update this cycle.”")
    version: int
    updated_at: datetime.datetime | None


class RoadmapRowOut(Schema):
    horizon: str
    markdown: str


class DecisionOut(Schema):
    section: str
    anchor: str
    text: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    link: str


class ActionOut(Schema):
    """An action agreed in these minutes: its task line, its owner and where it stands now."""

    section: str
    anchor: str
    text: str
    owner: str  # as the line writes it: a team's slug or a person's user name
    owner_team: str | None  # the team's slug, when the owner is a team of the roster
    due: datetime.date | None
    status: str  # open, done, dropped
    closed_in: datetime.date | None  # the meeting where it was closed


class OpenActionOut(ActionOut):
    """An action still open when these minutes' meeting began: where it came from, and what happened here."""

    agreed_in: datetime.date
    age_days: int
    outcome_here: str | None  # done, dropped or carried in this meeting
    note_here: str


class MeetingOut(MeetingSummaryOut):
    preamble: str
    amended_at: datetime.datetime | None
    sections: list[SectionOut]
    reports: list[ReportOut]
    roadmap: list[RoadmapRowOut]
    decisions: list[DecisionOut]
    actions: list[ActionOut]
    open_actions: list[OpenActionOut]
    markdown_url: str
    pdf_url: str


class TeamOut(Schema):
    slug: str
    name: str
    status: str
    group: str
    leads: str
    url: str


class TeamPage(Paged):
    items: list[TeamOut]


class TimelineReportOut(Schema):
    kind: str = "report"
    date: datetime.date
    url: str
    leads: str
    status_label: str
    body: str


class TimelineGapOut(Schema):
    kind: str = "gap"
    count: int = Field(description="Meetings in a row without a report.")
    first: datetime.date
    last: datetime.date


class ChangeOut(Schema):
    value: str
    since: datetime.date
    until: datetime.date


class TimelineOut(Schema):
    team: TeamOut
    report_count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    entries: list[TimelineReportOut | TimelineGapOut] = Field(description="Newest first, 25 a page.")
    leads: list[ChangeOut]
    statuses: list[ChangeOut]


class HitOut(Schema):
    committee: str
    date: datetime.date
    section: str
    team: str | None
    url: str
    snippet_html: str = Field(description="Escaped text with the matches in <mark>.")


class SearchOut(Schema):
    count: int
    limit: int
    items: list[HitOut]


class ReportIn(InputSchema):
    body: str = Field(description="The report's new Markdown.")
    reason: str = Field("", description="Required for published minutes: why they are amended.")


class ReportSavedOut(Schema):
    committee: str
    date: datetime.date
    team: str
    body: str
    version: int
    updated_at: datetime.datetime | None
    url: str


class ConflictOut(ProblemOut):
    current: ReportSavedOut = Field(description="The text someone saved in between, and its version.")
