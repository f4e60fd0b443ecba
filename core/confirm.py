"""The second step before an action that cannot be undone.

A view that does something irreversible asks `confirmed(request)` once the request is
otherwise valid (the form checked, the right confirmed), and until it is, returns
`ask(...)`: a page that says exactly what will happen and what cannot be undone, with a
"Confirm" button that posts the same fields again to the same address plus
CONFIRM_FIELD, and a "Back" link. No JavaScript is involved, so it works the same
with scripts off and under the CSP. Files cannot be carried over a second post, so an
action that uploads files keeps its own form as the deliberate step.
"""

from dataclasses import dataclass, field

from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
# Never carried into the second step: the page makes its own CSRF token and marker.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def confirmed(request) -> bool:
    """The request is the second, confirmed post."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


@dataclass(frozen=True)
class Confirmation:
    title: str  # the question: "Cancel pledge PL-…?"
    what: list[str]  # what will happen, one sentence each
    cannot_undo: str  # what can never be taken back
    action: str  # the button's words: "Yes, cancel my pledge"
    back: str  # where "Back" goes: the page the action was started from
    details: list[tuple[str, str]] = field(default_factory=list)  # label, value: what it is about
    danger: bool = True


def carried_fields(request) -> list[tuple[str, str]]:
    """Every posted field (each value of a repeated one) but the token and the marker."""
    if request.method != "POST":
        return [(name, value) for name, values in request.GET.lists() for value in values if name == "key"]
    return [(name, value) for name, values in request.POST.lists() if name not in _NOT_CARRIED for value in values]


def ask(request, confirmation: Confirmation, *, status: int = 200):
    """The confirmation page; its button posts back to the address the request came to."""
    return render(
        request,
        "core/confirm.html",
        {
            "confirmation": confirmation,
            "fields": carried_fields(request),
            "action_url": request.get_full_path(),
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
        },
        status=status,
    )
