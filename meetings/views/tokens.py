"""Each account's personal access tokens for the API: created (the secret shown once) and revoked."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import permissions
from ..forms.tokens import TokenForm
from ..models import ApiToken, TokenLimitReached


@login_required
def tokens(request):
    may_chair = permissions.can_create_chair_token(request.user)
    form = TokenForm(request.POST or None, may_chair=may_chair)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = ApiToken.objects.issue(
                request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
            )
        except TokenLimitReached as refusal:
            form.add_error(None, str(refusal))
        else:
            # Rendered, not redirected: the secret is in this response only, never stored nor put in a URL.
            form = TokenForm(may_chair=may_chair)
    tokens = list(request.user.api_tokens.all())
    limit = settings.PMC_API_TOKENS_PER_ACCOUNT
    return render(
        request,
        "meetings/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "secret": secret,
            "api_docs": "/api/v1/docs",
            "limit": limit,
            "at_limit": len(tokens) >= limit,
        },
        status=201 if secret else 200,
    )


@require_POST
@login_required
def token_revoke(request, pk):
    # Someone else's token is a 404: its existence is none of this account's business.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, f"Revoked the token “{token.name}”: it no longer works.")
    return redirect("meetings:tokens")
