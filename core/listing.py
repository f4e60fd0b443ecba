from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from .cache import cached, query_key


class CachedCountPaginator(Paginator):
    """A paginator that counts the rows of a query once, not on every page view.

    At national scale a public list matches hundreds of thousands of rows; counting them
    for every visitor and every page would cost more than the page itself. The count is
    kept per query (its SQL) until a namespace it depends on changes, or for
    PUBLIC_CACHE_SECONDS. A count that lags by a few rows only shifts the last page.
    """

    def __init__(self, object_list, per_page, *, namespaces: tuple[str, ...], count_rows=None, cap=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.namespaces = namespaces
        # The plain filtered rows: counting them needs no join or annotation of the page.
        self.count_rows = object_list if count_rows is None else count_rows
        # Count no further than this (a search for a common word matches most needs):
        # the page then says "more than <cap>".
        self.cap = cap

    @cached_property
    def count(self) -> int:
        rows = self.count_rows.order_by()
        if self.cap is not None:
            rows = rows[: self.cap + 1]
        return cached(
            "count", self.namespaces, rows.count, timeout=settings.PUBLIC_CACHE_SECONDS, parts=query_key(rows)
        )

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.count > self.cap


def filtered_page(request, filterset, *, columns=None, page_size: int, count_namespaces=None, count_cap=None) -> tuple:
    """Apply a FilterSet, paginate, and keep the query string (without `page`) for links.

    Returns (filtered rows, page, query string). `columns` adds what only the page's rows
    need (joins, prefetches), so counts and totals run on the plain filtered queryset.
    Invalid filter values are ignored rather than emptying the list. With
    `count_namespaces` the total is cached (see CachedCountPaginator).
    """
    rows = filterset.qs
    object_list = columns(rows) if columns else rows
    if count_namespaces:
        paginator = CachedCountPaginator(
            object_list, page_size, namespaces=count_namespaces, count_rows=rows, cap=count_cap
        )
    else:
        paginator = Paginator(object_list, page_size)
    page: Page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return rows, page, query.urlencode()
