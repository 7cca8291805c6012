"""Reading a rendered page as a person does, for the view tests of every app."""

import re

# A glossary figure's name on a page: the link core.templatetags.persian.figure writes.
FIGURE_LINK = re.compile(r'<a class="figure-label" href="/glossary/#(\w+)"[^>]*>([^<]+)</a>')


def text_of(html: str) -> str:
    """The page's words without its markup, spaces squeezed: what a person reads."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def export_file(client, params: dict | None = None):
    """The business list's export as a person gets it: the list's filters and a format posted,
    the background job (in-process in tests) run, its file fetched through the download."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from registry.models import RegistryJob

    params = dict(params or {})
    fmt = params.pop("format", "xlsx")
    posted = client.post(reverse("registry:export"), {"filters": urlencode(params), "format": fmt})
    assert posted.status_code == 302, posted
    job = RegistryJob.objects.latest("id")
    assert posted["Location"] == reverse("registry:job", args=[job.pk])
    assert job.status == RegistryJob.Status.DONE, (job.status, job.error)
    return client.get(reverse("registry:job_download", args=[job.pk]))
