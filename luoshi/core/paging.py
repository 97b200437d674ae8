"""Paging helpers shared by list pages."""

from __future__ import annotations

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told its row count by the caller, who has already counted the rows (for example as
    the sum of per-status counts shown above the list), so paging costs no second COUNT."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count
