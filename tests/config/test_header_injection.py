"""Issue 19, finding 5: a name with a line break must not reach a mail header.

Names are one line when typed (core.fields.SingleLineCharField and its form field);
subjects are folded to one line where mail is built (core.mail.header_text), so a row
written before the rule, or behind it, cannot make BadHeaderError."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from core.fields import SingleLineFormField
from core.mail import header_text
from donations import outbox
from donations.models import DonorProfile, Fund, Pledge, PledgeNotice
from needs.models import Need
from oversight.tasks import send_reminders
from schools.models import AdministrativeUnit, Office, School
from tests.donations.factories import PledgeFactory
from tests.schools.test_school_edit import edit_data

HOSTILE = "Trường Pú Xi\r\nBcc: all@example.com"
REFUSED = "Tên phải viết trên một dòng, không có dấu xuống dòng hay ký tự điều khiển."


def test_the_school_form_refuses_a_name_with_a_line_break_in_vietnamese(client, area):
    client.force_login(area.staff_a)
    url = reverse("schools:edit", args=[area.school_a.pk])

    response = client.post(url, edit_data(area.school_a, name=HOSTILE))

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    area.school_a.refresh_from_db()
    assert "\n" not in area.school_a.name and "Bcc" not in area.school_a.name


def test_the_school_form_folds_spaces_and_keeps_a_clean_name(client, area):
    client.force_login(area.staff_a)
    url = reverse("schools:edit", args=[area.school_a.pk])

    response = client.post(url, edit_data(area.school_a, name="  Trường\u00a0PTDTBT   Pú  Xi \r\n"))

    assert response.status_code == 302
    area.school_a.refresh_from_db()
    assert area.school_a.name == "Trường PTDTBT Pú Xi"


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\tb", "a\x1bb", "a\x85b", "a\u2028b", "a\x7fb"])
def test_the_form_field_refuses_every_control_character(value):
    field = SingleLineFormField(max_length=50)
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    assert [error.code for error in refused.value.error_list] == ["control_characters"]


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (School, "name"),
        (Office, "name"),
        (Office, "short_name"),
        (AdministrativeUnit, "name"),
        (User, "full_name"),
        (DonorProfile, "name"),
        (DonorProfile, "display_name"),
        (Fund, "name"),
        (Pledge, "donor_name"),
        (Campaign, "name"),
        (Need, "title"),
    ],
)
def test_every_name_that_can_reach_a_mail_header_is_single_line(model, field):
    model_field = model._meta.get_field(field)
    with pytest.raises(ValidationError):
        model_field.run_validators(HOSTILE)
    assert isinstance(model_field.formfield(), SingleLineFormField)


def test_the_giving_and_sign_up_forms_use_the_single_line_field():
    from accounts.forms import SignupExtraForm
    from donations.forms import DonorForm

    assert isinstance(DonorForm.base_fields["name"], SingleLineFormField)
    assert isinstance(SignupExtraForm.base_fields["full_name"], SingleLineFormField)


def test_header_text_collapses_control_characters_to_one_line():
    assert header_text(HOSTILE) == "Trường Pú Xi Bcc: all@example.com"
    assert header_text("a\x00b\u2028c\t d") == "a b c d"
    assert header_text(None) == ""


def test_an_old_school_name_with_a_line_break_still_gets_its_donors_delivered_mail(area):
    School.objects.filter(pk=area.school_a.pk).update(name=HOSTILE)  # behind the form's back
    pledge = PledgeFactory(need__school=area.school_a, status=Pledge.Status.DELIVERED)
    notice = PledgeNotice.objects.create(pledge=pledge, kind=PledgeNotice.Kind.DELIVERED)

    assert outbox.deliver(notice.pk) is True

    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.last_error == ""
    (message,) = mail.outbox
    assert message.subject == "Món quà của bạn đã được bàn giao cho Trường Pú Xi Bcc: all@example.com"
    assert message.message()["Bcc"] is None and message.to == [pledge.donor_email]


def test_an_old_school_name_with_a_line_break_does_not_stop_the_reminders(area):
    School.objects.filter(pk=area.school_a.pk).update(name=HOSTILE, profile_confirmed_at=None)
    School.objects.filter(pk=area.school_b.pk).update(profile_confirmed_at=timezone.now())

    result = send_reminders()

    assert result["stale_schools"] == {"done": 1, "failed": 0}
    (message,) = [m for m in mail.outbox if area.staff_a.email in m.to]
    assert "\n" not in message.subject and "Trường Pú Xi Bcc" in message.subject


def test_the_data_migration_makes_old_names_one_line(area):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("schools.migrations.0010_single_line_names")
    School.objects.filter(pk=area.school_a.pk).update(name=HOSTILE)
    Office.objects.filter(pk=area.office_a.pk).update(short_name="PGD\nTuần Giáo")

    migration.clean_names(apps, None)

    assert School.objects.get(pk=area.school_a.pk).name == "Trường Pú Xi Bcc: all@example.com"
    assert Office.objects.get(pk=area.office_a.pk).short_name == "PGD Tuần Giáo"
    assert School.objects.get(pk=area.school_b.pk).name == area.school_b.name
