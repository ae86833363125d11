"""The editor's Markdown preview and image upload, open only to people who edit minutes.

The preview is django-markdownx's view (it renders with meetings.lib.rendering).
The upload is our own view at markdownx's URL, answering in its JSON format
(`{"image_code": "![](url)"}`, or the form's errors with status 400, or a
message in the same shape with status 507 or 500 when the server cannot store
the picture), because
markdownx trusts the file name and the browser's content type; ours decodes and
re-encodes the picture (meetings/uploads.py).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST
from markdownx.views import MarkdownifyView

from .. import permissions
from ..lib import uploads
from .lookup import check

_markdownify = MarkdownifyView.as_view()


@require_POST
@login_required
def markdownify(request):
    check(permissions.can_use_editor(request.user))
    if "content" not in request.POST:
        return HttpResponseBadRequest("Send the Markdown to preview as “content”.")
    return _markdownify(request)


@require_POST
@login_required
def upload(request):
    check(permissions.can_use_editor(request.user))
    form = uploads.ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    try:
        url = uploads.save_image(form.cleaned_data["image"])
    except uploads.NotStored as error:
        # JSON in the form errors' shape, not the HTML error page: the editor shows its message.
        return JsonResponse({"image": [str(error)]}, status=507 if error.full else 500)
    return JsonResponse({"image_code": f"![]({url})"})
