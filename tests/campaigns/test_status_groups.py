"""Open tasks, named once on the model: the plan, the dashboards and the digests agree."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Task


@pytest.mark.parametrize("status", Task.Status.values)
def test_only_open_tasks_fall_overdue(status):
    yesterday = timezone.localdate() - timedelta(days=1)
    task = Task(status=status, due_on=yesterday)
    assert task.is_open is (status in {"todo", "doing"})
    assert task.is_done is (status == "done")
    assert task.is_overdue is task.is_open
    assert not Task(status=status, due_on=timezone.localdate()).is_overdue
