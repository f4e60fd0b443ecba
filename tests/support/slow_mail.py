"""A file mail backend that takes its time, so a test can kill a worker mid-send.

Each message is written to its own file after a pause (MAIL_DELAY_SECONDS)."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        delay = float(os.environ.get("MAIL_DELAY_SECONDS", "0"))
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            time.sleep(delay)
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
