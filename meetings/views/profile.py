"""Each account's own page: the name the public reads, and an affiliation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from ..forms.profile import ProfileForm
from ..models import Profile


@login_required
def profile(request):
    # Made on the first visit: every account has one to set, from the name it has (if any).
    instance, _ = Profile.objects.get_or_create(
        user=request.user, defaults={"display_name": request.user.get_full_name()}
    )
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved your profile.")
        return redirect("meetings:profile")
    return render(request, "meetings/profile.html", {"form": form})
