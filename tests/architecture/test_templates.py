"""Templates never compare a status with a string: which statuses count as open, received
or covered is named once, on the model (`Need.COVERED_STATUSES`, `pledge.is_received`,
`task.is_done`), and a template asks the model. A literal in a template is a second
definition that silently goes stale when the groups change."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

TAG = re.compile(r"{%-?\s*(?:if|elif)\b(?P<condition>.*?)-?%}", re.DOTALL)
STATUS = r"[\w.]*status\b"
LITERAL = r"""(?:"[^"]*"|'[^']*')"""
OPERATOR = r"(?:==|!=|(?:not\s+)?in\b)"
COMPARISON = re.compile(rf"{STATUS}\s*{OPERATOR}\s*{LITERAL}|{LITERAL}\s*{OPERATOR}\s*{STATUS}")


def status_literals(text: str) -> list[str]:
    """The conditions of `{% if %}` / `{% elif %}` tags that test a status against a string."""
    return [
        match.group(0).strip() for tag in TAG.finditer(text) for match in COMPARISON.finditer(tag.group("condition"))
    ]


@pytest.mark.parametrize(
    "condition",
    [
        """{% if need.status == "verified" %}""",
        """{% if need.status != 'verified' %}""",
        """{% elif pledge.status == 'cancelled' or pledge.status == 'expired' %}""",
        """{% if is_donor and pledge.status == "pledged" and pledge.kind == "money" %}""",
        """{% if pledge.status in "received delivered" %}""",
        """{% if "done" == task.status %}""",
        """{% if event.to_status not in 'funded' %}""",
        """{% if status=="open" %}""",
    ],
)
def test_it_finds_a_status_compared_with_a_string(condition):
    assert status_literals(condition)


@pytest.mark.parametrize(
    "condition",
    [
        "{% if need.accepts_gifts %}",
        "{% if not pledge.is_active %}",
        "{% if value == task.status %}",
        """{% if event.kind == "status" %}""",
        """<span data-status="{{ need.status }}">{{ need.get_status_display }}</span>""",
    ],
)
def test_it_lets_other_conditions_pass(condition):
    assert not status_literals(condition)


def test_no_template_compares_a_status_with_a_string():
    found = {
        str(path.relative_to(TEMPLATES)): hits
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
        for hits in [status_literals(path.read_text(encoding="utf-8"))]
        if hits
    }
    assert len(list(TEMPLATES.rglob("*.html"))) > 50  # the scan reads the real templates
    assert found == {}, "ask the model (need.accepts_gifts, pledge.is_received, ...), never a status string"
