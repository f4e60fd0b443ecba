from django.core.paginator import Page, Paginator


def filtered_page(request, filterset, *, columns=None, page_size: int) -> tuple:
    """Apply a FilterSet, paginate, and keep the query string (without `page`) for links.

    Returns (filtered rows, page, query string). `columns` adds what only the page's rows
    need (joins, prefetches), so counts and totals run on the plain filtered queryset.
    Invalid filter values are ignored rather than emptying the list.
    """
    rows = filterset.qs
    page: Page = Paginator(columns(rows) if columns else rows, page_size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return rows, page, query.urlencode()
