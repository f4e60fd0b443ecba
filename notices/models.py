"""What the portal tells a person: one `Notice` per recipient, shown in their inbox and,
unless they chose otherwise, sent once by e-mail through the outbox (notices.outbox)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    """Every kind of notice; each person chooses which of them also come by e-mail
    (`MailOptOut`). The inbox always gets them."""

    QUESTION_ASKED = "question_asked", _("An education office asks a question about a need")
    QUESTION_ANSWERED = "question_answered", _("A school answers a question about a need")
    NEED_RETURNED = "need_returned", _("A need is returned to the school")
    NEED_VERIFIED = "need_verified", _("A need is verified")
    NEED_SUBMITTED = "need_submitted", _("A school sends a need for verification")
    NEED_DELIVERED = "need_delivered", _("A school reports a need delivered")
    SPONSORSHIP_DUE = "sponsorship_due", _("A month of sponsored lunches falls due")


class Notice(models.Model):
    """One message to one recipient: a person with an account (`user`: their inbox) and
    an e-mail address (`email`: the mail, unless `mail` is off). Subject and bodies are
    rendered when the notice is made, in the portal's language, so what was said stays as
    it was said. `key` makes a notice once-only (a month's due notice of one pledge)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    # A path in the portal (the inbox opens it), made absolute with SITE_URL in mails.
    link = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The mail: wanted or not (the person's choice), sent when, claimed or waiting until
    # when after a failure, how many tries, the last error.
    mail = models.BooleanField(default=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "email"], condition=~Q(key=""), name="notices_notice_once"),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(email=""), name="notices_notice_has_recipient"),
        ]
        indexes = [
            # The sweep's query: the few mails still waiting, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(mail=True, sent_at__isnull=True), name="notices_notice_waiting_idx"
            ),
            models.Index(fields=["user", "-created_at"], name="notices_notice_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.email or self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class MailOptOut(models.Model):
    """A person does not want this kind of notice by e-mail (the inbox still gets it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_opt_outs")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notices_mailoptout_once")]

    def __str__(self):
        return f"{self.user_id} {self.kind}"
