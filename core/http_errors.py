"""A Persian 405: Django has no handler405, and a view under @require_POST answers a GET
with an empty HttpResponseNotAllowed, which a browser shows as a blank page. (The CSRF
failure page needs no code: Django's own view renders templates/403_csrf.html when it exists.)
"""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render


class PersianMethodNotAllowedMiddleware:
    """An empty 405 becomes templates/405.html, with the same status and Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
