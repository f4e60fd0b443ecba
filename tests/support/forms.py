"""Valid posts of forms that more than one test module starts from."""

import uuid

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone


def give(client, need, **changes):
    """A guest's gift of 2.000.000 ₫ to `need` through the give form."""
    data = {
        "kind": "money",
        "amount": "2000000",
        "name": "Trần Thu Hà",
        "email": "ha@example.vn",
        "phone": "0912345678",
        "message": "Chúc các em học tốt!",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(changes)
    return client.post(reverse("donations:give", args=[need.pk]), data)


def entry_data(area, **changes):
    """A contest entry of school A, with the guardian's consent (the letter goes apart)."""
    values = {
        "school": area.school_a.pk,
        "pupil_name": "Lò Thị Mai",
        # Twelve today: in the contest's ages on any round's deadline (9 to 15).
        "date_of_birth": (timezone.localdate() - relativedelta(years=12, days=20)).isoformat(),
        "class_name": "6A",
        "letter_text": "Gửi các bạn của tương lai…",
        "word_count": "420",
        "consent_given": "on",
        "consent_guardian": "Lò Văn Pọm",
        "consent_publish_name": "on",
    }
    values.update(changes)
    return values
