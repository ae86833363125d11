"""django-markdownx's preview and image upload, open only to people who edit minutes."""

from django.http import HttpResponseBadRequest
from django.views.decorators.http import require_POST
from markdownx.views import ImageUploadView, MarkdownifyView

from .. import permissions
from .lookup import require

_markdownify = MarkdownifyView.as_view()
_upload = ImageUploadView.as_view()


@require_POST
def markdownify(request):
    if refused := require(request, permissions.can_use_editor(request.user)):
        return refused
    if "content" not in request.POST:
        return HttpResponseBadRequest("Send the Markdown to preview as “content”.")
    return _markdownify(request)


@require_POST
def upload(request):
    if refused := require(request, permissions.can_use_editor(request.user)):
        return refused
    return _upload(request)
