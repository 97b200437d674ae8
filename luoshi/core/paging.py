"""Paging helpers shared by list pages."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZES = (20, 50, 100)


def page_size(request, sizes: tuple[int, ...] = PAGE_SIZES) -> int:
    """The rows per page a list was asked for (``?size=``), one of ``sizes``; the first otherwise.

    >>> from django.test import RequestFactory
    >>> [page_size(RequestFactory().get("/", {"size": s})) for s in ("50", "7", "x", "")]
    [50, 20, 20, 20]
    """
    try:
        size = int(request.GET.get("size", ""))
    except ValueError:
        return sizes[0]
    return size if size in sizes else sizes[0]


class CountedPaginator(Paginator):
    """A paginator told its row count by the caller, who has already counted the rows (for example as
    the sum of per-status counts shown above the list), so paging costs no second COUNT."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count
