from django.urls import path, register_converter

from .converters import IsoDateConverter
from .views import chair, editor, lead, public

register_converter(IsoDateConverter, "isodate")

app_name = "meetings"

meeting = "<slug:committee>/<isodate:date>"

urlpatterns = [
    path("", public.home, name="home"),
    path("my-sections/", lead.my_sections, name="my_sections"),
    path("markdownx/markdownify/", editor.markdownify, name="markdownify"),
    path("markdownx/upload/", editor.upload, name="markdownx_upload"),
    path("<slug:committee>/", public.committee_archive, name="committee"),
    path("<slug:committee>/meetings/new/", chair.meeting_create, name="meeting_create"),
    path(f"{meeting}/", public.meeting_detail, name="meeting"),
    path(f"{meeting}.pdf", public.meeting_pdf, name="meeting_pdf"),
    path(f"{meeting}.md", public.meeting_markdown, name="meeting_markdown"),
    path(f"{meeting}/edit/", chair.meeting_edit, name="meeting_edit"),
    path(f"{meeting}/publish/", chair.meeting_publish, name="meeting_publish"),
    path(f"{meeting}/items/<int:item>/edit/", chair.item_edit, name="item_edit"),
    path(f"{meeting}/roadmap/edit/", chair.roadmap_edit, name="roadmap_edit"),
    path(f"{meeting}/reports/<slug:team>/edit/", lead.report_edit, name="report_edit"),
]
