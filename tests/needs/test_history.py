"""Every page that changes a need, its items or its photos goes through needs.services,
and each change leaves a history row naming the person who made it, in a request or not
(issue 14). Each test makes one valid change as the user allowed to make it, then checks
the rows and their history."""

import os

import pytest
from django.urls import reverse

from needs import services
from needs.models import Need, NeedItem, NeedPhoto
from tests.needs.factories import NeedFactory, NeedPhotoFactory
from tests.support.confirm import asks_to_confirm
from tests.support.images import png

S = Need.Status

# The needs pages that write; each has a test below that posts a valid change and checks
# the rows and their history.
WRITING_VIEWS = {
    "needs:create",
    "needs:edit",
    "needs:act",
    "needs:photo_delete",
    "needs:queue",
    "needs:photo_check",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def history_of(instance_or_model, pk=None):
    """The history rows of one object, oldest first, as (type, user) pairs."""
    model = instance_or_model if pk is not None else type(instance_or_model)
    pk = pk if pk is not None else instance_or_model.pk
    return [(row.history_type, row.history_user) for row in model.history.filter(id=pk).order_by("history_id")]


def statuses_of(need):
    return [row.status for row in need.history.order_by("history_id")]


def need_form(*items, initial=0, **changes):
    """The post/edit form: the need's fields and its item rows as (description,
    quantity, unit, unit cost); `initial`, the rows the edit page showed filled in."""
    data = {
        "category": "equipment",
        "site": "",
        "title": "Chăn ấm cho học sinh bán trú",
        "description": "Mùa đông nhiệt độ xuống 5 độ, các em thiếu chăn.",
        "pupils_benefiting": "60",
        "urgency": "3",
        "wanted_by": "",
        "pupils_recognisable": "no",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30",
    }
    for index, (description, quantity, unit, unit_cost) in enumerate(items):
        data.update(
            {
                f"items-{index}-description": description,
                f"items-{index}-quantity": str(quantity),
                f"items-{index}-unit": unit,
                f"items-{index}-unit_cost": str(unit_cost),
            }
        )
    return {**data, **changes}


BLANKETS = ("Chăn ấm", 60, "cái", 250_000)
MATTRESSES = ("Đệm", 30, "cái", 300_000)


def test_it_records_who_posted_a_need_with_its_items_and_photo(client, area):
    client.force_login(area.staff_a)

    response = client.post(
        reverse("needs:create", args=[area.school_a.pk]),
        {**need_form(BLANKETS, MATTRESSES, submit="1"), "photos": png()},
    )

    need = Need.objects.get()
    assert response.url == need.get_absolute_url()
    need.refresh_from_db()
    assert (need.school, need.status, need.amount_requested) == (area.school_a, S.SUBMITTED, 24_000_000)
    # Saved as a draft, then submitted: two rows, both the staff's.
    assert history_of(need) == [("+", area.staff_a), ("~", area.staff_a)]
    assert statuses_of(need) == [S.DRAFT, S.SUBMITTED]
    items = list(need.items.all())
    assert [(i.description, i.quantity, i.unit_cost) for i in items] == [("Chăn ấm", 60, 250_000), ("Đệm", 30, 300_000)]
    for item in items:
        assert history_of(item) == [("+", area.staff_a)]
    # The photo was kept while the form was checked, then attached to the need.
    photo = need.photos.get()
    assert history_of(photo) == [("+", area.staff_a), ("~", area.staff_a)]
    assert [row.need_id for row in photo.history.order_by("history_id")] == [None, need.pk]


def test_it_records_which_items_an_edit_changed_added_and_removed(client, area):
    need = NeedFactory(school=area.school_a, status=S.RETURNED, items=[BLANKETS, MATTRESSES])
    blankets, mattresses = need.items.all()
    url = reverse("needs:edit", args=[need.pk])
    client.force_login(area.staff_a)

    # The blankets cheaper, the mattresses as they were, pillows added.
    pillows = ("Gối", 60, "cái", 50_000)
    response = client.post(url, need_form(("Chăn ấm", 60, "cái", 200_000), MATTRESSES, pillows, initial=2, draft="1"))

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.amount_requested) == (S.RETURNED, 60 * 200_000 + 30 * 300_000 + 60 * 50_000)
    assert history_of(need)[-1] == ("~", area.staff_a)
    blankets.refresh_from_db()
    assert blankets.unit_cost == 200_000
    # The factory made the first two outside any request.
    assert history_of(blankets) == [("+", None), ("~", area.staff_a)]
    assert history_of(mattresses) == [("+", None)]  # unchanged: no row
    added = need.items.get(description="Gối")
    assert history_of(added) == [("+", area.staff_a)]

    # An officer removes the pillows again: the row's delete box ticked.
    client.force_login(area.officer_a)
    data = need_form(("Chăn ấm", 60, "cái", 200_000), MATTRESSES, pillows, initial=3, draft="1")
    assert client.post(url, {**data, "items-2-DELETE": "on"}).status_code == 302

    assert not NeedItem.objects.filter(pk=added.pk).exists()
    assert history_of(NeedItem, added.pk) == [("+", area.staff_a), ("-", area.officer_a)]
    assert history_of(blankets) == [("+", None), ("~", area.staff_a)]
    assert history_of(need)[-1] == ("~", area.officer_a)


def test_a_refused_edit_records_nothing(client, area):
    need = NeedFactory(school=area.school_a, status=S.DRAFT, items=[BLANKETS])
    rows = need.history.count()
    client.force_login(area.staff_b)

    response = client.post(reverse("needs:edit", args=[need.pk]), need_form(("Chăn ấm", 1, "cái", 1), initial=1))

    assert response.status_code == 404  # a draft of another school: not even there
    assert need.history.count() == rows
    assert [history_of(item) for item in need.items.all()] == [[("+", None)]]


def _act(client, need, action, **data):
    # Cancelling, closing and marking funded ask to confirm first (core.confirm): sent confirmed.
    return client.post(reverse("needs:act", args=[need.pk, action]), {**data, "confirmed": "yes"})


def test_it_records_who_took_each_step_of_the_lifecycle(client, area):
    need = NeedFactory(school=area.school_a, status=S.DRAFT, items=[BLANKETS])
    before = len(history_of(need))
    steps = [
        (area.staff_a, "submit", {}),
        (area.officer_a, "ask", {"note": "Ảnh hiện trạng ở đâu?"}),
        (area.staff_a, "answer", {"note": "Đã bổ sung ảnh."}),
        (area.officer_a, "return", {"note": "Đơn giá chăn quá cao."}),
        (area.staff_a, "submit", {}),
        (area.officer_province, "verify", {}),
        (area.officer_a, "fund", {}),
        (
            area.staff_a,
            "deliver",
            {"note": "Đã nhận 60 chăn ngày 12/11.", "photos": png(), "pupils_recognisable": "no"},
        ),
        (area.officer_a, "close", {}),
    ]
    for actor, action, data in steps:
        client.force_login(actor)
        assert _act(client, need, action, **data).status_code == 302, action

    need.refresh_from_db()
    assert (need.status, need.verified_by, need.delivery_note) == (
        S.CLOSED,
        area.officer_province,
        "Đã nhận 60 chăn ngày 12/11.",
    )
    assert history_of(need)[before:] == [("~", actor) for actor, _action, _data in steps]
    assert statuses_of(need)[before:] == [
        S.SUBMITTED,
        S.SUBMITTED,
        S.SUBMITTED,
        S.RETURNED,
        S.SUBMITTED,
        S.VERIFIED,
        S.FUNDED,
        S.DELIVERED,
        S.CLOSED,
    ]
    proof = need.photos.get(kind=NeedPhoto.Kind.PROOF)
    assert history_of(proof) == [("+", area.staff_a)]


@pytest.mark.parametrize(
    ("action", "status", "actor"),
    [("cancel", S.VERIFIED, "staff_a"), ("fund", S.VERIFIED, "officer_a"), ("close", S.DELIVERED, "officer_a")],
)
def test_an_irreversible_step_asks_first_and_does_nothing_until_confirmed(client, area, action, status, actor):
    need = NeedFactory(school=area.school_a, status=status, items=[BLANKETS])
    client.force_login(getattr(area, actor))
    url = reverse("needs:act", args=[need.pk, action])
    events = need.events.count()
    asks_to_confirm(client, url, {"note": ""})
    need.refresh_from_db()
    assert need.status == status and need.events.count() == events
    assert client.post(url, {"note": "", "confirmed": "yes"}).status_code == 302
    need.refresh_from_db()
    assert need.status != status


def test_it_records_who_cancelled_a_need(client, area):
    need = NeedFactory(school=area.school_a, status=S.SUBMITTED, items=[BLANKETS])
    client.force_login(area.staff_a)

    assert _act(client, need, "cancel").status_code == 302

    need.refresh_from_db()
    assert need.status == S.CANCELLED
    assert history_of(need)[-1] == ("~", area.staff_a)
    assert statuses_of(need)[-1] == S.CANCELLED


def test_a_refused_delivery_leaves_no_proof_photo_and_no_history(client, area):
    need = NeedFactory(school=area.school_a, status=S.VERIFIED, items=[BLANKETS])  # not funded yet
    rows = need.history.count()
    client.force_login(area.staff_a)

    assert _act(client, need, "deliver", note="Đã nhận.", photos=png(), pupils_recognisable="no").status_code == 302

    need.refresh_from_db()
    assert need.status == S.VERIFIED
    assert need.history.count() == rows
    assert not NeedPhoto.objects.exists() and not NeedPhoto.history.exists()


def test_it_records_who_removed_a_photo(client, area):
    need = NeedFactory(school=area.school_a, status=S.DRAFT, items=[BLANKETS])
    photo = NeedPhotoFactory(need=need, uploaded_by=area.staff_a)
    pk, large, thumb = photo.pk, photo.large.path, photo.thumb.path
    client.force_login(area.staff_a)

    asks_to_confirm(client, reverse("needs:photo_delete", args=[need.pk, pk]))
    assert NeedPhoto.objects.filter(pk=pk).exists()  # asked, not removed
    response = client.post(reverse("needs:photo_delete", args=[need.pk, pk]), {"confirmed": "yes"})

    assert response.url == reverse("needs:edit", args=[need.pk])
    assert not NeedPhoto.objects.filter(pk=pk).exists()
    assert history_of(NeedPhoto, pk) == [("+", None), ("-", area.staff_a)]
    # The files go with the row; the history keeps their names, not the pictures.
    assert not os.path.exists(large) and not os.path.exists(thumb)


def test_it_records_who_verified_needs_from_the_queue(client, area):
    first, second = (NeedFactory(school=area.school_a, status=S.SUBMITTED) for _ in range(2))
    elsewhere = NeedFactory(school=area.school_b, status=S.SUBMITTED)
    rows = elsewhere.history.count()
    client.force_login(area.officer_a)

    response = client.post(reverse("needs:queue"), {"need": [first.pk, second.pk, elsewhere.pk]})

    assert response.url == reverse("needs:queue")
    for need in (first, second):
        need.refresh_from_db()
        assert (need.status, need.verified_by) == (S.VERIFIED, area.officer_a)
        assert history_of(need)[-1] == ("~", area.officer_a)
        assert statuses_of(need)[-1] == S.VERIFIED
    # Not in the officer's area: not verified, nothing recorded.
    elsewhere.refresh_from_db()
    assert elsewhere.status == S.SUBMITTED and elsewhere.history.count() == rows


# --- The services outside any request (a command, a task, the shell) ---------------------


def test_the_services_outside_a_request_record_the_user_they_are_given(area):
    need = NeedFactory(school=area.school_a, status=S.DRAFT, items=[BLANKETS])
    photo = NeedPhotoFactory(need=need, uploaded_by=area.staff_a)
    photo_pk = photo.pk
    [blankets] = need.items.all()

    need = Need.objects.get(pk=need.pk)
    need.title = "Chăn và đệm cho học sinh bán trú"
    mattresses = {"description": "Đệm", "quantity": 30, "unit": "cái", "unit_cost": 300_000}
    services.need_save(need=need, items=[mattresses], actor=area.staff_a)
    services.photo_delete(photo=photo, actor=area.officer_a)
    services.need_transition(need=need, action="submit", actor=area.staff_a)

    need.refresh_from_db()
    assert (need.title, need.status, need.amount_requested) == (
        "Chăn và đệm cho học sinh bán trú",
        S.SUBMITTED,
        9_000_000,
    )
    assert history_of(need)[-2:] == [("~", area.staff_a), ("~", area.staff_a)]
    assert history_of(blankets) == [("+", None), ("~", area.staff_a)]
    assert blankets.history.latest("history_id").description == "Đệm"
    assert history_of(NeedPhoto, photo_pk) == [("+", None), ("-", area.officer_a)]


def test_it_records_which_officer_published_a_blurred_photo(client, area):
    from needs.faces import PupilsAnswer
    from tests.support.images import face_photo

    need = NeedFactory(school=area.school_a, status=S.VERIFIED)
    photo = services.photo_create(
        upload=face_photo(), actor=area.staff_a, need=need, pupils=PupilsAnswer(recognisable=True)
    )
    client.force_login(area.officer_a)

    client.post(reverse("needs:photo_check", args=[need.pk, photo.pk]), {"decision": "publish"})

    photo.refresh_from_db()
    assert photo.public_copy == NeedPhoto.PublicCopy.CONFIRMED
    assert history_of(photo) == [("+", area.staff_a), ("~", area.officer_a)]
    assert photo.history.latest("history_id").public_copy_checked_by == area.officer_a
