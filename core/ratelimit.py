"""Rate limits on the endpoints that write: pledges, uploads (needs with photos, delivery
proofs, contest letters). Counted in the cache by allauth's rate limiter, with the rates in
ACCOUNT_RATE_LIMITS beside allauth's own (sign-up, login), so every limit is in one
place; over the limit the visitor gets an honest 429 page (core.views.error_429).
Only POSTs count: looking at a form is never limited."""

from functools import wraps

from allauth.core import ratelimit


def refuse_post(request, action: str):
    """Count this POST against ACCOUNT_RATE_LIMITS[action]: the 429 response when it is
    one too many, else None. For a view whose actions are limited differently (a need's
    delivery, with photos, among its other status actions)."""
    if request.method != "POST":
        return None
    return ratelimit.consume_or_429(request, action=action, user=request.user)


def limit_posts(action: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refused = refuse_post(request, action)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def over_limit(request, action: str) -> bool:
    """Count this request, a read too, against ACCOUNT_RATE_LIMITS[action]: True when
    it is one too many. For what answers something other than a page (the open-data API
    answers its own JSON 429). allauth's public `consume` never counts a GET; its
    implementation does when asked."""
    from allauth.core.internal import ratelimit as counting

    return not counting.consume(request, app="allauth.account", action=action, limit_get=True)
