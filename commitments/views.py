from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def dashboard(request):
    visible = selectors.commitments_visible_to(request.user)
    return render(
        request,
        "commitments/dashboard.html",
        {"figures": selectors.commitment_figures(visible), "realised": selectors.realised_jobs(visible)},
    )
