from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def business_list(request):
    # Placeholder until the registry issue lands.
    return render(request, "base.html", {})
