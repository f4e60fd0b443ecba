import os
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError
from django.urls import reverse

from letters_contest.models import Entry, EntryAccess
from tests.accounts.factories import UserFactory
from tests.support.confirm import asks_to_confirm
from tests.support.forms import entry_data
from tests.support.images import letter_photo


def register(client, round_, values, letter=True):
    files = {"letter_file": letter_photo()} if letter else {}
    return client.post(reverse("letters_contest:entry_create", args=[round_.pk]), {**values, **files})


def test_school_staff_register_an_entry_with_an_upload(client, area, contest):
    round_, _ = contest
    client.force_login(area.staff_a)
    response = register(client, round_, entry_data(area))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.code == f"{area.province.code}-53-00001"
    assert entry.consent_given and entry.consent_recorded_at
    assert entry.letter_file.name.endswith(".jpg") and "thu" not in entry.letter_file.name


def test_a_pupil_aged_16_on_the_closing_date_is_refused_with_a_clear_message(client, area, contest):
    round_, _ = contest
    client.force_login(area.staff_a)
    born = round_.school_deadline - relativedelta(years=16, months=1)
    response = register(client, round_, entry_data(area, date_of_birth=born.isoformat()))
    html = response.content.decode()
    assert response.status_code == 200
    deadline = round_.school_deadline.strftime("%d/%m/%Y")
    assert f"Ngày {deadline} học sinh sẽ 16 tuổi; cuộc thi dành cho học sinh từ 9 đến 15 tuổi." in html
    assert 'id="id_date_of_birth_error"' in html
    assert not Entry.objects.exists()


def test_a_pupil_who_turns_16_the_day_after_the_deadline_is_accepted(client, area, contest):
    round_, _ = contest
    client.force_login(area.staff_a)
    born = round_.school_deadline - relativedelta(years=16) + timedelta(days=1)
    assert register(client, round_, entry_data(area, date_of_birth=born.isoformat())).status_code == 302


def test_an_entry_without_consent_cannot_be_submitted(client, area, contest):
    round_, _ = contest
    client.force_login(area.staff_a)
    values = entry_data(area)
    values.pop("consent_given")
    response = register(client, round_, values)
    assert "Bài dự thi cần có sự đồng ý của cha mẹ hoặc người giám hộ." in response.content.decode()
    assert not Entry.objects.exists()


def test_the_database_refuses_a_registered_entry_without_consent(area, contest):
    round_, _ = contest
    with pytest.raises(IntegrityError):
        Entry.objects.create(round=round_, school=area.school_a, code="X-1", pupil_name="A", consent_given=False)


def test_duplicates_are_flagged(client, area, contest):
    round_, organiser = contest
    client.force_login(area.staff_a)
    register(client, round_, entry_data(area))
    response = register(client, round_, entry_data(area, pupil_name="LÒ THỊ MAI"))
    assert response.status_code == 302
    client.force_login(organiser)
    page = client.get(reverse("letters_contest:entries", args=[round_.pk])).content.decode()
    assert page.count("có thể trùng") == 2


def test_a_school_sees_only_its_own_entries_and_organisers_see_all_with_access_recorded(client, area, contest):
    round_, organiser = contest
    client.force_login(area.staff_a)
    register(client, round_, entry_data(area))
    client.force_login(area.staff_b)
    register(client, round_, entry_data(area, school=area.school_b.pk, pupil_name="Quàng Văn Nam"))
    page = client.get(reverse("letters_contest:entries", args=[round_.pk])).content.decode()
    assert "Quàng Văn Nam" in page and "Lò Thị Mai" not in page
    mine = Entry.objects.get(pupil_name="Lò Thị Mai")
    assert client.get(reverse("letters_contest:entry", args=[round_.pk, mine.pk])).status_code == 403

    client.force_login(organiser)
    page = client.get(reverse("letters_contest:entries", args=[round_.pk])).content.decode()
    assert "Quàng Văn Nam" in page and "Lò Thị Mai" in page
    client.get(reverse("letters_contest:entry", args=[round_.pk, mine.pk]))
    assert EntryAccess.objects.filter(user=organiser, entry=mine, action="view").exists()


def test_no_personal_data_on_public_pages(client, area, contest):
    round_, _ = contest
    client.force_login(area.staff_a)
    register(client, round_, entry_data(area))
    client.logout()
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Lò Thị Mai" not in page
    entry = Entry.objects.get()
    assert client.get(reverse("letters_contest:entry", args=[round_.pk, entry.pk])).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("letters_contest:entry", args=[round_.pk, entry.pk])).status_code == 404
    assert client.get(reverse("letters_contest:entries", args=[round_.pk])).status_code == 403


def test_withdrawing_consent_erases_the_pupils_data_and_letter(client, area, contest):
    round_, _ = contest
    client.force_login(area.staff_a)
    register(client, round_, entry_data(area))
    entry = Entry.objects.get()
    path = entry.letter_file.path
    withdraw = reverse("letters_contest:entry_withdraw", args=[round_.pk, entry.pk])
    asks_to_confirm(client, withdraw)
    entry.refresh_from_db()
    assert entry.pupil_name and os.path.exists(path)  # asked, nothing erased
    client.post(withdraw, {"confirmed": "yes"})
    entry.refresh_from_db()
    assert (entry.pupil_name, entry.date_of_birth, entry.letter_text, entry.status) == ("", None, "", "withdrawn")
    assert not entry.letter_file
    assert not os.path.exists(path)


def test_a_letter_photo_that_is_a_decompression_bomb_is_refused_before_decoding(client, area, contest, monkeypatch):
    """Issue 19, finding 2: contest letters go through the same guard as need photos."""
    from PIL import ImageFile

    from tests.support.images import png_bomb

    decoded = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: decoded.append(image.size) or original(image))
    round_, _ = contest
    client.force_login(area.staff_a)

    response = client.post(
        reverse("letters_contest:entry_create", args=[round_.pk]),
        {**entry_data(area), "letter_file": png_bomb("thu-bom.png")},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_letter_file_error"' in html
    assert "“thu-bom.png” cần 152 MB bộ nhớ để mở" in html
    assert "Lò Thị Mai" in html  # what was typed is kept
    assert decoded == []
    assert not Entry.objects.exists()
