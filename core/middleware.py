from django.conf import settings
from django.core.exceptions import BadRequest, MiddlewareNotUsed
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _


class QueryCountHeaderMiddleware:
    """Adds `X-Query-Count`: the SQL queries the request ran, for the load benchmark.

    Only on when `QUERY_COUNT_HEADER` is set, and settings then list it first so it counts
    the queries of every other middleware too (session, user). Off, Django drops it at
    start-up, so production pays nothing even if it stays in MIDDLEWARE by mistake.
    """

    def __init__(self, get_response):
        if not settings.QUERY_COUNT_HEADER:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    Scripts only from this site, never inline (no template has an inline script or event
    handler attribute, and a test keeps it so), so an injected <script> does not run.
    The policies are settings (CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY) so a
    deployment that serves media from object storage can add its origin to img-src.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NulQueryMiddleware:
    """Answers 400 to a query string with a NUL character in any name or value.

    The one guard of every list's filters: PostgreSQL refuses NUL in text, so
    `?category=%00` reached the database and came back a 500 (issue 19). No filter, search
    or page number ever needs one; forms already refuse NUL in what they post.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = [name for name, values in request.GET.lists() if "\x00" in name or any("\x00" in v for v in values)]
        if refused or "\x00" in request.META.get("QUERY_STRING", ""):
            if request.path.startswith("/api/"):
                # The open-data API answers as for any other bad parameter: 422 naming it, in
                # its documented error shape (opendata.schemas.Error).
                message = _("Null characters are not allowed.")
                errors = {name.replace("\x00", ""): [message] for name in refused}
                return JsonResponse({"detail": _("Some parameters are not valid."), "errors": errors}, status=422)
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)
