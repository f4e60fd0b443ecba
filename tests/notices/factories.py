import factory

from notices.models import Kind, Notice
from tests.accounts.factories import UserFactory


class NoticeFactory(factory.django.DjangoModelFactory):
    """A notice in a person's inbox, its mail already sent (the outbox is tested apart)."""

    class Meta:
        model = Notice

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda notice: notice.user.email if notice.user else "guest@example.vn")
    kind = Kind.QUESTION_ASKED
    subject = factory.Sequence(lambda n: f"Câu hỏi số {n}")
    body_text = "Phòng GD&ĐT hỏi về nhu cầu.\n"
    body_html = "<p>Phòng GD&ĐT hỏi về nhu cầu.</p>"
    link = "/needs/"
    sent_at = factory.Faker("date_time", tzinfo=__import__("datetime").timezone.utc)
