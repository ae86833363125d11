"""The roster's changes reaching the minutes being prepared: a team's name, label and leads in its open reports."""

from django.db import models, transaction

from ..models import BacklogReport, Meeting, MeetingStatus, Team


@transaction.atomic
def update_open_reports(team: Team) -> int:
    """Copy the team as it stands now into its unwritten reports of meetings not yet published.

    A written report keeps the name, label and leads it was written under,
    as published minutes do. A reporting team gets an empty report in each
    draft that has none (so the chair's readiness lists it); a team that no
    longer reports loses the empty reports nobody ever touched. Returns the
    number of reports added, changed or removed.
    """
    changed = 0
    leads = team.leads_display
    for report in team.reports.filter(meeting__status=MeetingStatus.DRAFT):
        if not report.is_empty:
            continue
        unchanged = BacklogReport.objects.filter(pk=report.pk, version=report.version, body=report.body)
        if not team.is_reporting:
            # Never saved (version 1) and without history: nothing is lost with it.
            removed, _ = unchanged.filter(version=1, revisions__isnull=True).delete()
            if removed:
                changed += 1
                continue
        report.team_name, report.status_label, report.leads = team.name, team.status_label, leads
        report.group = team.group
        fields = {name: getattr(report, name) for name in ("team_name", "status_label", "leads", "group")}
        # The version guard: a lead who saves text meanwhile keeps the heading they wrote under.
        heading = report.compose_heading(team.committee.team_layout)
        changed += unchanged.exclude(**fields, heading=heading).update(**fields, heading=heading)
    if team.is_reporting:
        for meeting in team.committee.meetings.filter(status=MeetingStatus.DRAFT).exclude(reports__team=team):
            BacklogReport.for_team(meeting, team, _make_room_in(team, meeting)).save()
            changed += 1
    return changed


def _make_room_in(team: Team, meeting: Meeting) -> int:
    """The position of the team's new report in a meeting, in roster order; later reports move down."""
    place = (team.position, team.name)
    reports = list(meeting.reports.select_related("team").order_by("position"))
    for report in reports:
        if (report.team.position, report.team.name) > place:
            meeting.reports.filter(position__gte=report.position).update(position=models.F("position") + 1)
            return report.position
    return reports[-1].position + 1 if reports else 0
