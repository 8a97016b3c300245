"""Links to the pages of a list shown a page at a time (Django's Paginator),
for every such list (the entry page's institutions, the drill-down lists):
one way to draw them, `templates/_pager.html`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the "…" between distant pages
    url: str
    current: bool


def page_links(page: Page | None, url: Callable[[int], str]) -> list[PageLink]:
    """The links to the pages around `page` (and the first and last), with
    "…" between distant ones; none for a single page. `url(n)` is page n's address."""
    if page is None or page.paginator.num_pages < 2:
        return []
    return [
        PageLink(number, url(number), number == page.number)
        if isinstance(number, int)
        else PageLink(None, "", False)
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
