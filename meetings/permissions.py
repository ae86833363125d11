"""Who may do what: the one place that decides.

Views, templates (through `meetings_tags.can`) and tests all ask these
functions; nothing else compares users with chairs or leads.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from .models import (
    ActionItem,
    AgendaItem,
    BacklogReport,
    Committee,
    Meeting,
    MeetingStatus,
    Question,
    Revision,
    Team,
    TokenScope,
)

AnyUser = User | AnonymousUser


def is_chair(user: AnyUser, committee: Committee) -> bool:
    """A chair of the committee, or a superuser."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return committee.chairs.filter(pk=user.pk).exists()


def _led_by(user: AnyUser) -> Q:
    """Teams the user leads or co-leads (co-leads edit without being named in the minutes)."""
    return Q(leads=user) | Q(co_leads=user)


def chaired_committees(user: AnyUser):
    """The committees the user chairs: every one for a superuser, none for anonymous visitors."""
    if not user.is_authenticated:
        return Committee.objects.none()
    return Committee.objects.all() if user.is_superuser else Committee.objects.filter(chairs=user)


def leads_any_team(user: AnyUser) -> bool:
    """Whether the user leads or co-leads a team of any committee (and so owes sections)."""
    return user.is_authenticated and Team.objects.filter(_led_by(user)).exists()


def is_lead_of(user: AnyUser, team: Team) -> bool:
    return user.is_authenticated and Team.objects.filter(_led_by(user), pk=team.pk).exists()


def leads_in(user: AnyUser, committee: Committee) -> bool:
    """Whether the user leads or co-leads any team of the committee."""
    return user.is_authenticated and committee.teams.filter(_led_by(user)).exists()


def can_view_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Published minutes are public; a draft only to those who work on it."""
    if meeting.is_published:
        return True
    return is_chair(user, meeting.committee) or leads_in(user, meeting.committee)


def can_create_meeting(user: AnyUser, committee: Committee) -> bool:
    return is_chair(user, committee)


def can_edit_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """The chair's sections, agenda and roadmap, and every report."""
    return is_chair(user, meeting.committee)


def committee_people(committee: Committee):
    """The committee's chairs, leads and co-leads (active accounts): those a chair may name note-takers."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(chaired_committees=committee) | Q(led_teams__committee=committee) | Q(co_led_teams__committee=committee)
        )
        .distinct()
    )


def can_name_note_takers(user: AnyUser, meeting: Meeting) -> bool:
    """The chair, while the minutes are not published (note-takers write only drafts)."""
    return not meeting.is_published and is_chair(user, meeting.committee)


def can_take_notes(user: AnyUser, meeting: Meeting) -> bool:
    """The chair's sections in the live room: the chair; the meeting's note-takers while it is not published,
    as long as they still lead or co-lead a team of the committee (the chair's own forms stay the chair's:
    can_edit_meeting; the room's form of a section's text is can_write_item_text)."""
    if can_edit_meeting(user, meeting):
        return True
    if meeting.is_published or not user.is_authenticated:
        return False
    return meeting.note_takers.filter(pk=user.pk).exists() and leads_in(user, meeting.committee)


def can_write_item_text(user: AnyUser, item: AgendaItem) -> bool:
    """A chair's section's text alone, through the live room's form (without JavaScript, or when its socket
    cannot connect): whoever writes it live. Its heading and place on the agenda stay the chair's."""
    return can_take_notes(user, item.meeting)


def can_publish(user: AnyUser, meeting: Meeting) -> bool:
    """The chair, unless the meeting was cancelled (take the cancellation back first)."""
    return is_chair(user, meeting.committee) and not meeting.is_cancelled


def can_edit_report(user: AnyUser, report: BacklogReport) -> bool:
    """The chair always; a lead of the team while the meeting is not published."""
    if is_chair(user, report.meeting.committee):
        return True
    return not report.meeting.is_published and is_lead_of(user, report.team)


def editable_reports(user: AnyUser, meeting: Meeting) -> set[int]:
    """Ids of the meeting's reports the user may edit, in one query (for pages listing them all)."""
    if is_chair(user, meeting.committee):
        return set(meeting.reports.values_list("pk", flat=True))
    if meeting.is_published or not user.is_authenticated:
        return set()
    return set(
        meeting.reports.filter(Q(team__leads=user) | Q(team__co_leads=user)).values_list("pk", flat=True).distinct()
    )


def can_use_editor(user: AnyUser) -> bool:
    """May preview Markdown and upload images: someone who edits some minutes."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.chaired_committees.exists() or Team.objects.filter(_led_by(user)).exists()


def can_view_history(user: AnyUser, meeting: Meeting) -> bool:
    """Every revision, drafts included: those who work on the committee's minutes.

    Everyone else sees only the amendments of published minutes.
    """
    return is_chair(user, meeting.committee) or leads_in(user, meeting.committee)


def can_restore(user: AnyUser, revision: Revision) -> bool:
    """The chair any part; a lead the report they may edit."""
    if revision.report_id is not None:
        return can_edit_report(user, revision.report)
    return can_edit_meeting(user, revision.meeting)


def can_move_report(user: AnyUser, report: BacklogReport) -> bool:
    return is_chair(user, report.meeting.committee)


def can_import(user: AnyUser, committee: Committee) -> bool:
    """Importing minutes files replaces whole meetings: the chair's call."""
    return is_chair(user, committee)


def can_manage_committee(user: AnyUser, committee: Committee) -> bool:
    """The committee's settings, default agenda, roster and invitations: its chairs."""
    return is_chair(user, committee)


def can_handle_failed_tasks(user: AnyUser, committee: Committee) -> bool:
    """Background work that failed for good (e-mails, mirror commits, PDFs): the chairs see and retry it."""
    return is_chair(user, committee)


def can_view_readiness(user: AnyUser, meeting: Meeting) -> bool:
    """The board of who has reported, with the leads' accounts: the chair's tool for chasing."""
    return is_chair(user, meeting.committee)


def can_send_reminders(user: AnyUser, meeting: Meeting) -> bool:
    return is_chair(user, meeting.committee)


def can_record_attendance(user: AnyUser, meeting: Meeting) -> bool:
    return is_chair(user, meeting.committee)


def can_run_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Starting the meeting in its live room, moving the current item, ending it: its chairs, while a draft."""
    return meeting.status == MeetingStatus.DRAFT and is_chair(user, meeting.committee)


def can_schedule(user: AnyUser, committee: Committee) -> bool:
    """Creating the next meetings from the committee's cadence, like creating one: its chairs."""
    return is_chair(user, committee)


def can_cancel(user: AnyUser, meeting: Meeting) -> bool:
    """Cancelling a meeting (or taking it back): its chairs, while its minutes are not published."""
    return not meeting.is_published and is_chair(user, meeting.committee)


def can_see_private_notes(user: AnyUser, meeting: Meeting) -> bool:
    """Private notes of a section: the committee's chairs and leads, never readers of the minutes."""
    return is_chair(user, meeting.committee) or leads_in(user, meeting.committee)


def can_write_report_note(user: AnyUser, report: BacklogReport) -> bool:
    """A private note in a team's section: whoever may edit the section."""
    return can_edit_report(user, report)


def can_write_item_note(user: AnyUser, item: AgendaItem) -> bool:
    """A private note in a chair's section: the chair."""
    return can_edit_meeting(user, item.meeting)


def can_ask_question(user: AnyUser, report: BacklogReport) -> bool:
    """A question on any team's report of a draft meeting: the committee's chairs, leads and co-leads."""
    meeting = report.meeting
    return meeting.status == MeetingStatus.DRAFT and can_see_private_notes(user, meeting)


def can_answer_question(user: AnyUser, question: Question) -> bool:
    """The answer is the team's: whoever may edit its report, while the meeting is a draft."""
    report = question.report
    return report.meeting.status == MeetingStatus.DRAFT and can_edit_report(user, report)


def can_copy_question(user: AnyUser, question: Question) -> bool:
    """Only the chair puts a question and its answer into the minutes (the Discussion)."""
    return can_edit_meeting(user, question.report.meeting) and question.is_answered


def can_record_decision(user: AnyUser, section: AgendaItem | BacklogReport) -> bool:
    """In a report: whoever may edit it (its lead while a draft, the chair); in the chair's sections: the chair."""
    if isinstance(section, BacklogReport):
        return can_edit_report(user, section)
    return can_edit_meeting(user, section.meeting)


def can_edit_report_with_token(user: AnyUser, report: BacklogReport, scope: str) -> bool:
    """Through the API: what the pages allow the token's account, narrowed by the token's scope.

    A "chair" token may do what its account may do on the report's page; a
    "report" token only what a lead may: the account's own teams' reports of
    draft meetings, even when the account also chairs.
    """
    if scope == TokenScope.CHAIR:
        return can_edit_report(user, report)
    return not report.meeting.is_published and is_lead_of(user, report.team)


def can_create_chair_token(user: AnyUser) -> bool:
    """A "chair" token is worth having only for someone who chairs a committee (or a superuser)."""
    return chaired_committees(user).exists()


def can_record_action(user: AnyUser, section: AgendaItem | BacklogReport) -> bool:
    """As a decision: in a report, whoever may edit it (its lead while a draft, the chair); elsewhere the chair."""
    return can_record_decision(user, section)


def recording_sections(user: AnyUser, meeting: Meeting) -> tuple[bool, set[int]]:
    """Where the user may record decisions and actions, as can_record_decision answers for each section, for
    pages listing them all: (in the chair's sections?, ids of the reports), in two queries at most."""
    return can_edit_meeting(user, meeting), editable_reports(user, meeting)


def owns_action(user: AnyUser, action: ActionItem) -> bool:
    """The person named as its owner, or a lead or co-lead of the team named."""
    if not user.is_authenticated:
        return False
    if action.owner_user_id is not None and action.owner_user_id == user.pk:
        return True
    return action.owner_team_id is not None and Team.objects.filter(_led_by(user), pk=action.owner_team_id).exists()


def can_record_outcome(user: AnyUser, action: ActionItem, meeting: Meeting) -> bool:
    """Done, dropped or carried, in a meeting of its committee: the chair any time; its owner while a draft."""
    if action.committee_id != meeting.committee_id:
        return False
    if is_chair(user, meeting.committee):
        return True
    return meeting.status == MeetingStatus.DRAFT and owns_action(user, action)


def can_see_draft_actions(user: AnyUser, committee: Committee) -> bool:
    """Actions agreed in draft minutes: the committee's chairs and leads, as the drafts themselves."""
    return is_chair(user, committee) or leads_in(user, committee)


def outcome_actions(user: AnyUser, meeting: Meeting, actions: list[ActionItem]) -> set[int]:
    """Ids of the listed actions whose outcome the user may record in the meeting, in one query at most."""
    if is_chair(user, meeting.committee):
        return {action.pk for action in actions}
    if meeting.status != MeetingStatus.DRAFT or not user.is_authenticated or not actions:
        return set()
    led = set(Team.objects.filter(_led_by(user), committee=meeting.committee).values_list("pk", flat=True))
    return {action.pk for action in actions if action.owner_user_id == user.pk or action.owner_team_id in led}


def closable_actions(user: AnyUser, actions: list[ActionItem]) -> set[int]:
    """Ids of the listed actions whose outcome the user may record in each one's `closing_meeting`, as
    can_record_outcome answers, in two queries at most (for My sections)."""
    listed = [action for action in actions if action.closing_meeting is not None]
    if not user.is_authenticated or not listed:
        return set()
    chaired = set(chaired_committees(user).values_list("pk", flat=True))
    led = set(Team.objects.filter(_led_by(user)).values_list("pk", flat=True))
    return {
        action.pk
        for action in listed
        if action.committee_id in chaired
        or (
            action.closing_meeting.status == MeetingStatus.DRAFT
            and (action.owner_user_id == user.pk or action.owner_team_id in led)
        )
    }


def can_review_candidates(user: AnyUser, meeting: Meeting) -> bool:
    """The archive's own action lines, accepted as actions or left as text: the chair, who imports."""
    return is_chair(user, meeting.committee)
