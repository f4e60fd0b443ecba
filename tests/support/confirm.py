"""Irreversible actions ask first (core.confirm): the helper that checks the first post
is only the question."""

from django.utils.html import escape

from core.confirm import CONFIRM_FIELD, CONFIRM_VALUE


def asks_to_confirm(client, url: str, data: dict | None = None):
    """Post `data` to `url` without confirming: the answer is the second step, which says
    what cannot be undone and posts the same fields back, confirmed. The caller checks
    that nothing happened."""
    data = data or {}
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    assert "core/confirm.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Không thể hoàn tác" in html
    assert f'action="{escape(url)}"' in html
    assert f'name="{CONFIRM_FIELD}" value="{CONFIRM_VALUE}"' in html
    for name, value in data.items():
        assert f'name="{name}" value="{escape(value)}"' in html, name
    return response
