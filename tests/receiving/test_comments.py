"""Comments on a published usage plan: signed-in visitors only, plain text only (no
links, no HTML, at most 2,000 characters), shown once the school's people publish them,
refused ones kept with their reason. Bad input comes back with the reason beside the
field and the text kept; nothing is stored as HTML."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from receiving import plans
from receiving.models import PlanComment
from tests.needs.factories import NeedFactory
from tests.receiving.factories import PlanCommentFactory, UsagePlanFactory
from tests.support.fuzz import FUZZ, HOSTILE, clean

pytestmark = pytest.mark.django_db

P = PlanComment.Status


@pytest.fixture
def plan(area):
    return UsagePlanFactory(need=NeedFactory(school=area.school_a), published=True)


def comment_url(plan):
    return reverse("receiving:comment", args=[plan.need_id])


def test_a_signed_in_visitor_comments_and_it_waits_for_the_school(client, area, plan):
    client.force_login(area.outsider)
    response = client.post(comment_url(plan), {"body": "Nên làm thêm mái che lối đi\nđể các em không bị ướt."})
    assert response.status_code == 302 and response["Location"].endswith("#plan")
    comment = PlanComment.objects.get()
    assert comment.author == area.outsider and comment.is_pending
    assert comment.history.get().history_user == area.outsider
    html = client.get(plan.need.get_absolute_url()).content.decode()
    assert "mái che lối đi" not in html  # not before the school lets it through


def test_a_guest_is_sent_to_sign_in(client, plan):
    response = client.post(comment_url(plan), {"body": "Góp ý của khách"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not PlanComment.objects.exists()


def test_a_draft_plan_takes_no_comment(client, area):
    draft = UsagePlanFactory(need=NeedFactory(school=area.school_a))
    client.force_login(area.outsider)
    assert client.post(comment_url(draft), {"body": "Góp ý sớm quá"}).status_code == 404
    assert not PlanComment.objects.exists()


BAD = [
    ("Xem báo giá rẻ hơn tại https://vatlieu.example.com/bao-gia", "không được chứa liên kết"),
    ("Mua ở www.vatlieure.vn nhé", "không được chứa liên kết"),
    ("Liên hệ vatlieure.com.vn để có giá tốt", "không được chứa liên kết"),
    ('<script>alert("xin chào")</script> Nhà trường nên xem lại.', "bỏ các thẻ HTML"),
    ('<a href="x">bấm vào đây</a>', "bỏ các thẻ HTML"),
    ("Góp ý rất dài. " * 3572 + "Hết.", "tối đa 2.000 ký tự"),
    ("   ", "Viết góp ý"),
]


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_comments_are_refused_with_a_clear_message_and_the_text_kept(client, area, plan, body, message):
    client.force_login(area.outsider)
    response = client.post(comment_url(plan), {"body": body})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'id="id_body_error"' in html
    if body.strip():
        # What was typed comes back, escaped: nothing lost, nothing run.
        assert html.count("<script>alert") == 0
        kept = response.context["form"]["body"].value()
        assert kept == body.strip()
    assert not PlanComment.objects.exists()


def test_fifty_thousand_characters_are_refused_with_the_count(client, area, plan):
    client.force_login(area.outsider)
    response = client.post(comment_url(plan), {"body": "a" * 50_000})
    assert "50.000" in response.content.decode() and response.status_code == 200
    assert not PlanComment.objects.exists()


def test_a_comment_is_plain_text_shown_escaped(client, area, plan):
    comment = plans.comment_post(plan=plan, author=area.outsider, body="Chi phí 3 < 5 & tiết kiệm > 10%")
    plans.comment_moderate(comment=comment, actor=area.staff_a, action="publish")
    html = client.get(plan.need.get_absolute_url()).content.decode()
    assert "Chi phí 3 &lt; 5 &amp; tiết kiệm &gt; 10%" in html


def test_moderation_shows_and_hides_the_comment_publicly(client, area, plan, django_capture_on_commit_callbacks):
    comment = PlanCommentFactory(plan=plan, body="Nên chọn bồn rửa tay thấp cho các em lớp 1.")
    url = plan.need.get_absolute_url()
    assert "bồn rửa tay thấp" not in client.get(url).content.decode()  # cached for visitors now
    client.force_login(area.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("receiving:comment_moderate", args=[comment.pk]), {"action": "publish"})
    assert response.status_code == 302
    client.logout()
    assert "bồn rửa tay thấp" in client.get(url).content.decode()  # the page cache was invalidated
    client.force_login(area.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("receiving:comment_moderate", args=[comment.pk]),
            {"action": "reject", "reason": "Trùng với góp ý khác"},
        )
    client.logout()
    assert "bồn rửa tay thấp" not in client.get(url).content.decode()
    comment.refresh_from_db()
    assert comment.is_refused and comment.moderation_note == "Trùng với góp ý khác"
    assert comment.moderated_by == area.officer_a
    assert [(h.status, h.history_user) for h in comment.history.order_by("history_id")][1:] == [
        (P.PUBLISHED, area.staff_a),
        (P.REJECTED, area.officer_a),
    ]


def test_rejecting_needs_a_reason(client, area, plan):
    comment = PlanCommentFactory(plan=plan)
    client.force_login(area.staff_a)
    response = client.post(
        reverse("receiving:comment_moderate", args=[comment.pk]), {"action": "reject", "reason": " "}, follow=True
    )
    assert "lý do" in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


@pytest.mark.parametrize(
    ("user", "status"), [("staff_a", 302), ("officer_a", 302), ("staff_b", 403), ("officer_b", 403), ("outsider", 403)]
)
def test_only_the_schools_people_moderate(client, area, plan, user, status):
    comment = PlanCommentFactory(plan=plan)
    client.force_login(getattr(area, user))
    response = client.post(reverse("receiving:comment_moderate", args=[comment.pk]), {"action": "publish"})
    assert response.status_code == status
    comment.refresh_from_db()
    assert comment.is_shown == (status == 302)


def test_the_moderation_list_holds_the_comments_of_the_users_schools_only(client, area, plan):
    mine = PlanCommentFactory(plan=plan, body="Góp ý cho trường A")
    PlanCommentFactory(plan=UsagePlanFactory(need=NeedFactory(school=area.school_b), published=True), body="Cho B")
    PlanCommentFactory(plan=plan, body="Đã duyệt rồi", status=P.PUBLISHED)
    client.force_login(area.staff_a)
    assert [c.pk for c in client.get(reverse("receiving:moderation")).context["comments"]] == [mine.pk]
    client.force_login(area.officer_province)
    assert len(client.get(reverse("receiving:moderation")).context["comments"]) == 2
    client.force_login(area.outsider)
    assert client.get(reverse("receiving:moderation")).status_code == 403


@FUZZ
@given(body=st.one_of(HOSTILE, st.text(min_size=1, max_size=3000)))
def test_any_comment_is_answered_without_a_500_and_stored_only_when_allowed(client, area, plan, settings, body):
    settings.ACCOUNT_RATE_LIMITS = False
    client.force_login(area.outsider)
    before = PlanComment.objects.count()
    response = client.post(comment_url(plan), {"body": clean(body)})
    assert response.status_code in (200, 302)
    stored = PlanComment.objects.count() - before
    assert stored == (response.status_code == 302)
    if stored:
        text = PlanComment.objects.latest("pk").body
        assert not plans.TAG.search(text) and not plans.LINK.search(text) and len(text) <= 2000
