from .models import Kind, MailOptOut, Notice


def inbox_of(user):
    """The person's notices, newest first."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")


def mail_kinds_wanted(user) -> set[str]:
    return set(Kind.values) - set(MailOptOut.objects.filter(user=user).values_list("kind", flat=True))
