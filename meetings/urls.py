from django.urls import path, register_converter

from . import feeds
from .converters import IsoDateConverter, TokenConverter
from .views import (
    archive,
    chair,
    committee,
    decisions,
    editor,
    history,
    invitations,
    lead,
    notes,
    profile,
    public,
    questions,
    readiness,
    schedule,
    tasks,
)

register_converter(IsoDateConverter, "isodate")
register_converter(TokenConverter, "token")

app_name = "meetings"

meeting = "<slug:committee>/<isodate:date>"

urlpatterns = [
    path("", public.home, name="home"),
    path("my-sections/", lead.my_sections, name="my_sections"),
    path("markdownx/markdownify/", editor.markdownify, name="markdownify"),
    path("markdownx/upload/", editor.upload, name="markdownx_upload"),
    path("accounts/invitation/<token:token>/", invitations.invitation, name="invitation"),
    path("accounts/profile/", profile.profile, name="profile"),
    path("search/", archive.search_page, name="search"),
    path("<slug:committee>/meetings.ics", schedule.calendar_feed, name="calendar"),
    path("<slug:committee>/", public.committee_archive, name="committee"),
    path("<slug:committee>/feed/", feeds.CommitteeFeed(), name="committee_feed"),
    path("<slug:committee>/archive.zip", archive.archive_zip, name="archive_zip"),
    path("<slug:committee>/roadmap/", archive.roadmap_page, name="roadmap"),
    path("<slug:committee>/decisions/", decisions.decisions_page, name="decisions"),
    path("<slug:committee>/decisions/feed/", feeds.DecisionFeed(), name="decisions_feed"),
    path("<slug:committee>/teams/<slug:team>/", archive.team_page, name="team"),
    path("<slug:committee>/teams/<slug:team>/feed/", feeds.TeamFeed(), name="team_feed"),
    path("<slug:committee>/meetings/new/", chair.meeting_create, name="meeting_create"),
    path("<slug:committee>/meetings/schedule/", schedule.schedule, name="schedule"),
    path("<slug:committee>/import/", chair.import_files, name="import"),
    path("<slug:committee>/settings/", committee.committee_settings, name="committee_settings"),
    path("<slug:committee>/failed-tasks/", tasks.failed_tasks, name="failed_tasks"),
    path("<slug:committee>/failed-tasks/<int:pk>/retry/", tasks.retry_task, name="retry_task"),
    path("<slug:committee>/settings/mirror/", committee.mirror_sync, name="mirror_sync"),
    path("<slug:committee>/roster/", committee.roster, name="roster"),
    path("<slug:committee>/roster/<slug:team>/", committee.team_edit, name="team_edit"),
    path("<slug:committee>/roster/<slug:team>/remove/", committee.team_remove_person, name="team_remove_person"),
    path("<slug:committee>/invitations/<int:pk>/revoke/", invitations.invitation_revoke, name="invitation_revoke"),
    path(f"{meeting}/", public.meeting_detail, name="meeting"),
    path(f"{meeting}.pdf", public.meeting_pdf, name="meeting_pdf"),
    path(f"{meeting}.md", public.meeting_markdown, name="meeting_markdown"),
    path(f"{meeting}/edit/", chair.meeting_edit, name="meeting_edit"),
    path(f"{meeting}/publish/", chair.meeting_publish, name="meeting_publish"),
    path(f"{meeting}/cancel/", schedule.meeting_cancel, name="meeting_cancel"),
    path(f"{meeting}/items/<int:item>/edit/", chair.item_edit, name="item_edit"),
    path(f"{meeting}/items/<int:item>/decisions/new/", decisions.item_decision, name="item_decision"),
    path(f"{meeting}/roadmap/edit/", chair.roadmap_edit, name="roadmap_edit"),
    path(f"{meeting}/agenda/edit/", chair.agenda_edit, name="agenda_edit"),
    path(f"{meeting}/reports/<slug:team>/edit/", lead.report_edit, name="report_edit"),
    path(f"{meeting}/reports/<slug:team>/no-update/", lead.report_no_update, name="report_no_update"),
    path(f"{meeting}/reports/<slug:team>/note/", notes.report_note, name="report_note"),
    path(f"{meeting}/items/<int:item>/note/", notes.item_note, name="item_note"),
    path(f"{meeting}/reports/<slug:team>/questions/", questions.question_ask, name="question_ask"),
    path(f"{meeting}/questions/<int:question>/answer/", questions.question_answer, name="question_answer"),
    path(f"{meeting}/questions/<int:question>/copy/", questions.question_copy, name="question_copy"),
    path(f"{meeting}/reports/<slug:team>/decisions/new/", decisions.report_decision, name="report_decision"),
    path(f"{meeting}/reports/<slug:team>/move/", chair.report_move, name="report_move"),
    path(f"{meeting}/reports/<slug:team>/history/", history.report_history, name="report_history"),
    path(f"{meeting}/history/", history.meeting_history, name="meeting_history"),
    path(f"{meeting}/history/<int:revision>/", history.revision_detail, name="revision"),
    path(f"{meeting}/history/<int:revision>/restore/", history.revision_restore, name="revision_restore"),
    path(f"{meeting}/readiness/", readiness.readiness, name="readiness"),
    path(f"{meeting}/readiness/remind/", readiness.send_meeting_reminders, name="send_reminders"),
    path(f"{meeting}/attendance/", readiness.attendance, name="attendance"),
]
