from django.shortcuts import get_object_or_404

from .models import Notice


def get_own_notice(request, pk) -> Notice:
    """One of the person's own notices; anybody else's is a 404 (ids cannot be probed)."""
    return get_object_or_404(Notice, pk=pk, user=request.user)
