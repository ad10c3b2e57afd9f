"""The curator's page: links that need attention, with their history and "check now",
and the latest edits to the roadmap."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roadmap import selectors
from roadmap.links import store
from roadmap.models import Resource

# "Check now" runs while the curator's browser waits (as the admin's action does).
CHECK_NOW_BUDGET = 30.0


def _require_curator(user) -> None:
    if not user.is_curator:
        raise PermissionDenied("Only curators can read the link report.")


@login_required
def curation(request):
    _require_curator(request.user)
    context = {"report": selectors.link_health_report(), "edits": selectors.recent_edits()}
    return render(request, "curation/curation.html", context)


@login_required
@require_POST
def resource_check(request, resource_id):
    _require_curator(request.user)
    resource = get_object_or_404(Resource, pk=resource_id)
    run = store.check_resources(ids=[resource.pk], trigger="curator", time_budget=CHECK_NOW_BUDGET)
    if run is None:
        messages.warning(request, f"“{resource.title}” was not checked: it has no URL or is being checked right now.")
    else:
        resource.refresh_from_db(fields=["health"])
        messages.success(request, f"Checked “{resource.title}”: {resource.get_health_display().lower()}.")
    return redirect(reverse("curation") + f"#resource-{resource.pk}")
