"""The server's side of posting a need with a weak signal: the service worker's script at
the site's root, and the need form answering the page's script (static/js/need_offline.js)
with the saved need's address, while a form posted without JavaScript works as before."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from needs.models import Need

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


FORM = {
    "category": "books",
    "site": "",
    "title": "Tủ sách cho điểm trường Huổi Lóng",
    "description": "Các em chưa có sách đọc thêm.",
    "pupils_benefiting": "32",
    "urgency": "2",
    "wanted_by": "",
    "pupils_recognisable": "no",
    "items-TOTAL_FORMS": "1",
    "items-INITIAL_FORMS": "0",
    "items-MIN_NUM_FORMS": "1",
    "items-MAX_NUM_FORMS": "30",
    "items-0-description": "Tủ sách gỗ",
    "items-0-quantity": "2",
    "items-0-unit": "cái",
    "items-0-unit_cost": "1800000",
}


def test_it_serves_the_service_worker_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    # Under the same policy as every page: scripts from this site only.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert 'importScripts("/static/js/need_drafts.js")' in body
    assert 'addEventListener("sync"' in body
    assert client.post("/sw.js").status_code == 405


def test_the_form_names_its_service_worker_and_status_box(client, area):
    client.force_login(area.staff_a)
    html = client.get(reverse("needs:create", args=[area.school_a.pk])).content.decode()
    assert 'data-service-worker="/sw.js"' in html
    assert "Mất kết nối: bản nháp đã được lưu và sẽ gửi khi có mạng." in html
    assert 'src="/static/js/need_offline.js" defer' in html


def test_the_pages_script_gets_the_saved_needs_address_and_its_message(client, area):
    client.force_login(area.staff_a)
    response = client.post(
        reverse("needs:create", args=[area.school_a.pk]), {**FORM, "submit": "1"}, headers={"X-Need-Form": "fetch"}
    )
    need = Need.objects.get()
    assert response.status_code == 200
    assert response.json() == {"url": need.get_absolute_url()}
    assert need.status == Need.Status.SUBMITTED and need.created_by == area.staff_a
    # The message waits for the page the script opens.
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã gửi tới cơ quan giáo dục để xác minh."]


def test_a_refused_form_is_the_form_again_even_for_the_script(client, area):
    client.force_login(area.staff_a)
    response = client.post(
        reverse("needs:create", args=[area.school_a.pk]), {**FORM, "title": ""}, headers={"X-Need-Form": "fetch"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert 'value="Tủ sách gỗ"' in response.content.decode()
    assert not Need.objects.exists()


def test_without_javascript_the_form_still_redirects(client, area):
    client.force_login(area.staff_a)
    response = client.post(reverse("needs:create", args=[area.school_a.pk]), {**FORM, "draft": "1"})
    assert response.status_code == 302 and response.url == Need.objects.get().get_absolute_url()
