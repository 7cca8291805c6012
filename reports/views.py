from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def report_list(request):
    # Placeholder until the reports issue lands.
    return render(request, "base.html", {})
