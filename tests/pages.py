"""Reading a rendered page as a person does, for the view tests of every app."""

import re

# A glossary figure's name on a page: the link core.templatetags.persian.figure writes.
FIGURE_LINK = re.compile(r'<a class="figure-label" href="/glossary/#(\w+)"[^>]*>([^<]+)</a>')


def text_of(html: str) -> str:
    """The page's words without its markup, spaces squeezed: what a person reads."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
